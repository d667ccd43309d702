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
  type StoredCredential,
  type UpsertResult,
} from './credential-store';
import type { Scope } from './scopes';
import type { SecretHash } from './secret-hash';

/** A row of `credentials`. */
export interface CredentialRow {
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

export interface SqliteCredentialStoreOptions {
  /** The IRL recorded as `account.homePage` in each new credential's authority. */
  authorityHomePage: string;
}

/** Credentials in the `credentials` table, one row per key; scopes, authority and secret hash as JSON. */
export class SqliteCredentialStore implements CredentialStore {
  private readonly insert: Statement<CredentialRow>;
  private readonly upsertRow: Transaction<(row: CredentialRow) => { row: CredentialRow; created: boolean }>;
  private readonly selectActive: Statement<[string], CredentialRow>;
  private readonly selectAll: Statement<[], CredentialRow>;
  private readonly revokeRow: Statement<[number, number, string]>;
  private readonly rehomeRows: Statement<{ homePage: string; now: number }>;

  constructor(
    db: SqliteDatabase,
    private readonly options: SqliteCredentialStoreOptions,
  ) {
    const columns = '(key, name, scopes, authority, secret_hash, created_at, updated_at)';
    const values = '(@key, @name, @scopes, @authority, @secret_hash, @created_at, @updated_at)';
    this.insert = db.prepare(`INSERT INTO credentials ${columns} VALUES ${values} ON CONFLICT (key) DO NOTHING`);
    const exists: Statement<[string], { found: 1 }> = db.prepare('SELECT 1 AS found FROM credentials WHERE key = ?');
    const upsert: Statement<CredentialRow, CredentialRow> = db.prepare(
      `INSERT INTO credentials ${columns} VALUES ${values}
       ON CONFLICT (key) DO UPDATE SET name = excluded.name, scopes = excluded.scopes, authority = excluded.authority,
         secret_hash = excluded.secret_hash, updated_at = excluded.updated_at, revoked_at = NULL
       RETURNING *`,
    );
    this.upsertRow = db.transaction((row: CredentialRow) => {
      const created = exists.get(row.key) === undefined;
      return { row: upsert.get(row)!, created };
    });
    this.selectActive = db.prepare('SELECT * FROM credentials WHERE key = ? AND revoked_at IS NULL');
    this.selectAll = db.prepare('SELECT * FROM credentials ORDER BY created_at, key');
    this.revokeRow = db.prepare('UPDATE credentials SET revoked_at = ?, updated_at = ? WHERE key = ? AND revoked_at IS NULL');
    this.rehomeRows = db.prepare(
      `UPDATE credentials SET authority = json_set(authority, '$.account.homePage', @homePage), updated_at = @now
       WHERE json_extract(authority, '$.account.homePage') IS NOT @homePage`,
    );
  }

  async create(input: CreateCredentialInput): Promise<IssuedCredential> {
    const { key, secret, ...stored } = await this.prepare(input);
    if (this.insert.run(credentialRowOf(stored)).changes === 0) throw credentialExistsError(key);
    return { key, secret, credential: stored.credential };
  }

  async upsert(key: string, secret: string, name: string, scopes: Scope[]): Promise<UpsertResult> {
    const { row, created } = this.upsertRow.immediate(credentialRowOf(await this.prepare({ key, secret, name, scopes })));
    return { credential: storedCredentialOf(row).credential, created };
  }

  async findActive(key: string): Promise<StoredCredential | null> {
    const row = this.selectActive.get(key);
    return row === undefined ? null : storedCredentialOf(row);
  }

  async list(): Promise<Credential[]> {
    return this.selectAll.all().map((row) => storedCredentialOf(row).credential);
  }

  async revoke(key: string): Promise<boolean> {
    const now = Date.now();
    return this.revokeRow.run(now, now, key).changes === 1;
  }

  async rehomeAuthorities(homePage: string): Promise<number> {
    return this.rehomeRows.run({ homePage, now: Date.now() }).changes;
  }

  /** The validated credential, created now, with its plain secret (to hand back) and the secret's hash (to store). */
  private async prepare(fields: CreateCredentialInput): Promise<StoredCredential & { key: string; secret: string }> {
    const { key, secret, description, secretHash } = await prepareCredential(fields, this.options.authorityHomePage);
    const now = new Date();
    return { key, secret, credential: storedCredential(key, description, { createdAt: now, updatedAt: now }), secretHash };
  }
}

export function credentialRowOf({ credential, secretHash }: StoredCredential): CredentialRow {
  return {
    key: credential.key,
    name: credential.name,
    scopes: JSON.stringify(credential.scopes),
    authority: JSON.stringify(credential.authority),
    secret_hash: JSON.stringify(secretHash),
    created_at: credential.createdAt.getTime(),
    updated_at: credential.updatedAt.getTime(),
    revoked_at: credential.revokedAt?.getTime() ?? null,
  };
}

export function storedCredentialOf(row: CredentialRow): StoredCredential {
  const credential = storedCredential(
    row.key,
    { name: row.name, scopes: JSON.parse(row.scopes) as Scope[], authority: JSON.parse(row.authority) as Credential['authority'] },
    {
      createdAt: new Date(row.created_at),
      updatedAt: new Date(row.updated_at),
      revokedAt: row.revoked_at === null ? undefined : new Date(row.revoked_at),
    },
  );
  return { credential, secretHash: JSON.parse(row.secret_hash) as SecretHash };
}
