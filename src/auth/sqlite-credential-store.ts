import type { Statement, Transaction } from 'better-sqlite3';
import type { SqliteDatabase } from '../db/sqlite/database';
import {
  credentialExistsError,
  prepareCredential,
  storedCredential,
  type CreateCredentialInput,
  type Credential,
  type CredentialStore,
  type IssuedCredential,
  type PreparedCredential,
  type StoredCredential,
  type UpsertResult,
} from './credential-store';
import type { Scope } from './scopes';
import type { SecretHash } from './secret-hash';

interface CredentialRow {
  key: string;
  name: string;
  /** JSON arrays and objects. */
  scopes: string;
  authority: string;
  secret_hash: string;
  created_at: number;
  updated_at: number;
  revoked_at: number | null;
}

type WriteParameters = Omit<CredentialRow, 'revoked_at'>;

export interface SqliteCredentialStoreOptions {
  /** The IRL recorded as `account.homePage` in each new credential's authority. */
  authorityHomePage: string;
}

/** Credentials in the `credentials` table, one row per key; scopes, authority and secret hash as JSON. */
export class SqliteCredentialStore implements CredentialStore {
  private readonly insert: Statement<WriteParameters>;
  private readonly upsertRow: Transaction<(row: WriteParameters) => { row: CredentialRow; created: boolean }>;
  private readonly selectActive: Statement<[string], CredentialRow>;
  private readonly selectAll: Statement<[], CredentialRow>;
  private readonly revokeRow: Statement<[number, number, string]>;

  constructor(
    db: SqliteDatabase,
    private readonly options: SqliteCredentialStoreOptions,
  ) {
    const columns = '(key, name, scopes, authority, secret_hash, created_at, updated_at)';
    const values = '(@key, @name, @scopes, @authority, @secret_hash, @created_at, @updated_at)';
    this.insert = db.prepare(`INSERT INTO credentials ${columns} VALUES ${values} ON CONFLICT (key) DO NOTHING`);
    const exists: Statement<[string], { found: 1 }> = db.prepare('SELECT 1 AS found FROM credentials WHERE key = ?');
    const upsert: Statement<WriteParameters, CredentialRow> = db.prepare(
      `INSERT INTO credentials ${columns} VALUES ${values}
       ON CONFLICT (key) DO UPDATE SET name = excluded.name, scopes = excluded.scopes, authority = excluded.authority,
         secret_hash = excluded.secret_hash, updated_at = excluded.updated_at, revoked_at = NULL
       RETURNING *`,
    );
    this.upsertRow = db.transaction((row: WriteParameters) => {
      const created = exists.get(row.key) === undefined;
      return { row: upsert.get(row)!, created };
    });
    this.selectActive = db.prepare('SELECT * FROM credentials WHERE key = ? AND revoked_at IS NULL');
    this.selectAll = db.prepare('SELECT * FROM credentials ORDER BY created_at, key');
    this.revokeRow = db.prepare('UPDATE credentials SET revoked_at = ?, updated_at = ? WHERE key = ? AND revoked_at IS NULL');
  }

  async create(input: CreateCredentialInput): Promise<IssuedCredential> {
    const prepared = await prepareCredential(input, this.options.authorityHomePage);
    const row = rowOf(prepared, new Date());
    if (this.insert.run(row).changes === 0) throw credentialExistsError(prepared.key);
    return { key: prepared.key, secret: prepared.secret, credential: toCredential({ ...row, revoked_at: null }) };
  }

  async upsert(key: string, secret: string, name: string, scopes: Scope[]): Promise<UpsertResult> {
    const prepared = await prepareCredential({ key, secret, name, scopes }, this.options.authorityHomePage);
    const { row, created } = this.upsertRow.immediate(rowOf(prepared, new Date()));
    return { credential: toCredential(row), created };
  }

  async findActive(key: string): Promise<StoredCredential | null> {
    const row = this.selectActive.get(key);
    return row === undefined ? null : { credential: toCredential(row), secretHash: JSON.parse(row.secret_hash) as SecretHash };
  }

  async list(): Promise<Credential[]> {
    return this.selectAll.all().map(toCredential);
  }

  async revoke(key: string): Promise<boolean> {
    const now = Date.now();
    return this.revokeRow.run(now, now, key).changes === 1;
  }
}

function rowOf({ key, description, secretHash }: PreparedCredential, now: Date): WriteParameters {
  return {
    key,
    name: description.name,
    scopes: JSON.stringify(description.scopes),
    authority: JSON.stringify(description.authority),
    secret_hash: JSON.stringify(secretHash),
    created_at: now.getTime(),
    updated_at: now.getTime(),
  };
}

function toCredential(row: CredentialRow): Credential {
  return storedCredential(
    row.key,
    { name: row.name, scopes: JSON.parse(row.scopes) as Scope[], authority: JSON.parse(row.authority) as Credential['authority'] },
    {
      createdAt: new Date(row.created_at),
      updatedAt: new Date(row.updated_at),
      revokedAt: row.revoked_at === null ? undefined : new Date(row.revoked_at),
    },
  );
}
