import { existsSync } from 'node:fs';
import type { Statement } from 'better-sqlite3';
import { credentialRowOf, storedCredentialOf, type CredentialRow } from '../auth/sqlite-credential-store';
import { databasePath, openSqliteDatabase, StorageOpenError, type SqliteDatabase } from '../db/sqlite/database';
import { DataDirLock } from '../db/sqlite/data-dir-lock';
import { SqliteCollectionStore } from '../storage/collections/sqlite-collection-store';
import type { BlobRow } from '../storage/sqlite-blob-store';
import type { DocumentRow } from '../xapi/documents/sqlite-document-storage';
import type { FilterView } from '../xapi/statements/filter-view';
import { indexedValues, toRecord as statementRecordOf, toRow as statementRowOf, type StatementRow } from '../xapi/statements/sqlite-statement-storage';
import {
  DEFAULT_PAGE_LIMITS,
  KeysetDumpReader,
  MigrationError,
  positionText,
  storedCheckpoint,
  withinBudget,
  type Checkpoint,
  type DumpReader,
  type DumpWriter,
  type PageFetchers,
  type PageLimits,
  type PageWriter,
  type PageWriters,
} from './dump';
import { CollectionPages } from './collections';
import {
  isCollectionKind,
  isKind,
  type ActivityRecord,
  type CollectionKind,
  type AgentRecord,
  type BlobRecord,
  type DocumentRecord,
  type Kind,
  type Position,
  type RecordOf,
  type TableKind,
  type WaitingReferenceRecord,
} from './records';

/** The checkpoints, in the target database itself (one row per kind, and '*' for the migration). */
const PROGRESS_TABLE = `
  CREATE TABLE IF NOT EXISTS migration_progress (
    kind TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    position TEXT,
    copied INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
  )`;
const MIGRATION_ROW = '*';
/** Before any key: keys are non-empty text, stored times are not negative. */
const NO_TEXT = '';
const NO_NUMBER = -1;
const INTERNED_CACHE_SIZE = 100_000;

/**
 * Tables holding each kind (waiting references are derived from `statements`; the collection
 * kinds are in `collection_documents` and its indexes, read through SqliteCollectionStore).
 */
const TABLES: Record<TableKind, string> = {
  credentials: 'credentials',
  activities: 'activities',
  agents: 'agent_names',
  attachments: 'attachment_blobs',
  documents: 'documents',
  statements: 'statements',
  waitingReferences: 'statements',
};

/** Stored statements whose StatementRef target is not stored (what SQLite's target_id index answers at ingest). */
const WAITING_ROWS = `
  SELECT s.target_id AS target_id, s.id AS id FROM statements s
  WHERE s.target_id IS NOT NULL AND s.target_id > ? AND NOT EXISTS (SELECT 1 FROM statements t WHERE t.id = s.target_id)
  ORDER BY s.target_id, s.id`;

/**
 * The Keiko SQLite database of a data directory, for a migration: held with the data directory's
 * lock, so that no LRS uses it meanwhile (refused with a clear message when one does).
 */
export class SqliteDumpDatabase {
  private constructor(
    readonly db: SqliteDatabase,
    readonly location: string,
    private readonly lock: DataDirLock,
  ) {}

  static open(dataDir: string, role: 'source' | 'target'): SqliteDumpDatabase {
    const file = databasePath(dataDir);
    if (role === 'source' && !existsSync(file)) {
      throw new MigrationError(`There is no Keiko LRS database in ${dataDir} (no ${file}).`);
    }
    let lock: DataDirLock;
    try {
      lock = DataDirLock.acquire(dataDir);
    } catch (error) {
      if (!(error instanceof StorageOpenError)) throw error;
      throw new MigrationError(
        `The ${role} data directory ${dataDir} is in use by a running Keiko LRS (${error.message}) ` +
          `Stop that LRS, then run the migration again.`,
      );
    }
    try {
      return new SqliteDumpDatabase(openSqliteDatabase(file), `SQLite database ${file}`, lock);
    } catch (error) {
      lock.release();
      if (error instanceof StorageOpenError) throw new MigrationError(error.message);
      throw error;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
    this.lock.release();
  }
}

/** Reads every kind from a Keiko SQLite database, in key order. */
export class SqliteDumpReader extends KeysetDumpReader {
  private readonly collections: CollectionPages;

  constructor(
    private readonly database: SqliteDumpDatabase,
    limits: PageLimits = DEFAULT_PAGE_LIMITS,
    closeDatabase = true,
  ) {
    const collections = new CollectionPages(new SqliteCollectionStore(database.db));
    super(database.location, { ...sqliteFetchers(database.db), ...collections.fetchers }, limits, closeDatabase ? () => database.close() : undefined);
    this.collections = collections;
  }

  async count(kind: Kind): Promise<number> {
    if (isCollectionKind(kind)) return this.collections.count(kind);
    const { db } = this.database;
    const sql =
      kind === 'agents'
        ? 'SELECT count(DISTINCT ifi) FROM agent_names'
        : kind === 'waitingReferences'
          ? `SELECT count(DISTINCT target_id) FROM (${WAITING_ROWS.replace('s.target_id > ?', '1')})`
          : `SELECT count(*) FROM ${TABLES[kind]}`;
    return db.prepare(sql).pluck().get() as number;
  }

  async feedHead(): Promise<number> {
    return this.database.db.prepare('SELECT coalesce(max(seq), 0) FROM statements').pluck().get() as number;
  }}

/** Each kind's page of records from the database's own tables, in key order. */
function sqliteFetchers(db: SqliteDatabase): Omit<PageFetchers, CollectionKind> {
  const byKey = <Row>(sql: string) => db.prepare<[string, number], Row>(sql);
  const credentials = byKey<CredentialRow>('SELECT * FROM credentials WHERE key > ? ORDER BY key LIMIT ?');
  const activities = byKey<ActivityRecord>('SELECT id, definition FROM activities WHERE id > ? ORDER BY id LIMIT ?');
  const agentNames = db.prepare<[string], { ifi: string; name: string }>(
    'SELECT ifi, name FROM agent_names WHERE ifi > ? ORDER BY ifi, seq',
  );
  const blobs = db.prepare<[string], BlobRow>(
    'SELECT hash, content_type, content, stored_at FROM attachment_blobs WHERE hash > ? ORDER BY hash',
  );
  const documents = db.prepare<[string], DocumentRow>('SELECT * FROM documents WHERE key > ? ORDER BY key');
  const statements = db.prepare<[number, string, number], StatementRow>(
    'SELECT * FROM statements WHERE (stored, id) > (?, ?) ORDER BY stored, id LIMIT ?',
  );
  const waiting = db.prepare<[string], { target_id: string; id: string }>(WAITING_ROWS);
  return {
    credentials: (after, { records: limit }) => credentials.all(textAfter(after), limit).map(storedCredentialOf),
    activities: (after, { records: limit }) => activities.all(textAfter(after), limit),
    agents: (after, { records: limit }) =>
      grouped(agentNames.iterate(textAfter(after)), (row) => row.ifi, limit, (ifi, rows): AgentRecord => ({
        ifi,
        names: rows.map((row) => row.name),
      })),
    attachments: (after, limits) => withinBudget(blobs.iterate(textAfter(after)), (row) => row.content.length, limits).map(blobOf),
    documents: (after, limits) => withinBudget(documents.iterate(textAfter(after)), (row) => row.content.length, limits).map(documentOf),
    statements: (after, { records: limit }) => {
      const position = after as { stored: number; id: string } | undefined;
      return statements.all(position?.stored ?? NO_NUMBER, position?.id ?? NO_TEXT, limit).map((row) => ({ ...statementRecordOf(row), position: row.seq }));
    },
    waitingReferences: (after, { records: limit }) =>
      grouped(waiting.iterate(textAfter(after)), (row) => row.target_id, limit, (targetId, rows): WaitingReferenceRecord => ({
        targetId,
        referrers: rows.map((row) => row.id),
      })),
  };
}

/**
 * Writes pages into a Keiko SQLite database, each page and its checkpoint in one transaction, so
 * a crash loses no more than the page being written and never writes one twice. Statements are
 * inserted in the order they come, (stored, id), so `seq` (the rowid, their feed position) follows
 * that order as the adapter requires: positions from a MongoDB source, which numbers its feed in
 * commit order, are not kept (runMigration notes it); their filter-view rows are interned as the
 * adapter does.
 */
export class SqliteDumpWriter implements DumpWriter {
  readonly location: string;
  private readonly writers: PageWriters<void>;
  private readonly collections: CollectionPages;
  private readonly saveCheckpoint: Statement<[string, string, string | null, number, number, number]>;
  private readonly interned = new Map<string, number>();
  /** Value ids created by the transaction under way, cached once it commits (a rollback may reuse them). */
  private pendingValues = new Map<string, number>();
  private readonly selectValueId: Statement<[string, string]>;
  private readonly insertValue: Statement<[string, string]>;

  constructor(
    private readonly database: SqliteDumpDatabase,
    private readonly limits: PageLimits = DEFAULT_PAGE_LIMITS,
  ) {
    this.location = database.location;
    const { db } = database;
    db.exec(PROGRESS_TABLE);
    this.saveCheckpoint = db.prepare(
      `INSERT INTO migration_progress (kind, source, position, copied, done, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (kind) DO UPDATE SET position = excluded.position, copied = excluded.copied, done = excluded.done,
         updated_at = excluded.updated_at`,
    );
    const credential = db.prepare<CredentialRow>(
      `INSERT INTO credentials (key, name, scopes, authority, secret_hash, created_at, updated_at, revoked_at)
       VALUES (@key, @name, @scopes, @authority, @secret_hash, @created_at, @updated_at, @revoked_at)
       ON CONFLICT (key) DO UPDATE SET name = excluded.name, scopes = excluded.scopes, authority = excluded.authority,
         secret_hash = excluded.secret_hash, created_at = excluded.created_at, updated_at = excluded.updated_at,
         revoked_at = excluded.revoked_at`,
    );
    const activity = db.prepare<[string, string]>(
      'INSERT INTO activities (id, definition) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET definition = excluded.definition',
    );
    const agentName = db.prepare<[string, string]>('INSERT INTO agent_names (ifi, name) VALUES (?, ?) ON CONFLICT (ifi, name) DO NOTHING');
    const blob = db.prepare<BlobRow>(
      `INSERT INTO attachment_blobs (hash, content_type, content, stored_at) VALUES (@hash, @content_type, @content, @stored_at)
       ON CONFLICT (hash) DO UPDATE SET content_type = excluded.content_type, content = excluded.content, stored_at = excluded.stored_at`,
    );
    const document = db.prepare<DocumentRow>(
      `INSERT INTO documents (key, context, registration, document_id, content_type, etag, updated, content)
       VALUES (@key, @context, @registration, @document_id, @content_type, @etag, @updated, @content)
       ON CONFLICT (key) DO UPDATE SET context = excluded.context, registration = excluded.registration,
         document_id = excluded.document_id, content_type = excluded.content_type, etag = excluded.etag,
         updated = excluded.updated, content = excluded.content`,
    );
    const statement = db.prepare<Omit<StatementRow, 'seq'>>(
      `INSERT INTO statements (id, stored, body, fingerprint, views, target_id, voids_id, voided, credential, attachments)
       VALUES (@id, @stored, @body, @fingerprint, @views, @target_id, @voids_id, @voided, @credential, @attachments)`,
    );
    this.selectValueId = db.prepare('SELECT value_id FROM view_values WHERE field = ? AND value = ?');
    this.insertValue = db.prepare('INSERT INTO view_values (field, value) VALUES (?, ?)');
    const viewRow = db.prepare<[number, number, number]>('INSERT OR IGNORE INTO statement_views (value_id, stored, seq) VALUES (?, ?, ?)');
    this.writers = {
      credentials: (records) => records.forEach((record) => credential.run(credentialRowOf(record))),
      activities: (records) => records.forEach((record) => activity.run(record.id, record.definition)),
      agents: (records) => records.forEach((record) => record.names.forEach((name) => agentName.run(record.ifi, name))),
      attachments: (records) => records.forEach((record) => blob.run(blobRowOf(record))),
      documents: (records) => records.forEach((record) => document.run(documentRowOf(record))),
      statements: (records) => {
        for (const record of records) {
          const seq = Number(statement.run(statementRowOf(record)).lastInsertRowid);
          for (const valueId of this.viewValueIds(record.views)) viewRow.run(valueId, record.stored.getTime(), seq);
        }
      },
      // SQLite finds them through statements.target_id: nothing to write.
      waitingReferences: () => undefined,
    };
    this.collections = new CollectionPages(new SqliteCollectionStore(db));
  }

  async migrationSource(): Promise<string | undefined> {
    const row = this.database.db.prepare('SELECT source FROM migration_progress WHERE kind = ?').pluck().get(MIGRATION_ROW);
    return row as string | undefined;
  }

  async startMigration(source: string): Promise<void> {
    this.database.db
      .prepare('INSERT INTO migration_progress (kind, source, updated_at) VALUES (?, ?, ?) ON CONFLICT (kind) DO NOTHING')
      .run(MIGRATION_ROW, source, Date.now());
  }

  async checkpoints(): Promise<Map<Kind, Checkpoint>> {
    const rows = this.database.db.prepare('SELECT kind, position, copied, done FROM migration_progress').all() as {
      kind: string;
      position: string | null;
      copied: number;
      done: number;
    }[];
    const checkpoints = new Map<Kind, Checkpoint>();
    for (const row of rows) {
      if (isKind(row.kind)) checkpoints.set(row.kind, storedCheckpoint(row.kind, row.position, row.copied, row.done === 1));
    }
    return checkpoints;
  }

  async holdsAny(kind: Kind): Promise<boolean> {
    if (isCollectionKind(kind)) return this.collections.holdsAny(kind);
    if (kind === 'waitingReferences') return false;
    return this.database.db.prepare(`SELECT EXISTS (SELECT 1 FROM ${TABLES[kind]})`).pluck().get() === 1;
  }

  async write<K extends Kind>(kind: K, records: RecordOf[K][], checkpoint: Checkpoint): Promise<void> {
    const { db } = this.database;
    let write: PageWriter<K, void> | undefined;
    // The collection store writes a page in a transaction of its own, before the checkpoint's
    // (rewriting it on resume changes nothing).
    if (isCollectionKind(kind)) await this.collections.write(kind, records as RecordOf[CollectionKind][]);
    else write = this.writers[kind as TableKind] as PageWriter<K, void>;
    const source = (await this.migrationSource()) ?? '';
    this.pendingValues = new Map();
    db.transaction(() => {
      write?.(records);
      this.saveCheckpoint.run(
        kind,
        source,
        positionText(checkpoint) ?? null,
        checkpoint.copied,
        checkpoint.done ? 1 : 0,
        Date.now(),
      );
    }).immediate();
    for (const [key, id] of this.pendingValues) this.remember(key, id);
    this.pendingValues = new Map();
  }

  /**
   * Nothing can be done: SQLite's feed continues after its last statement (max(seq) + 1), which
   * reaches a SQLite source's head; a MongoDB source's positions are not kept anyway.
   */
  async continueFeed(): Promise<void> {}

  reader(): DumpReader {
    return new SqliteDumpReader(this.database, this.limits, false);
  }

  async close(): Promise<void> {
    this.database.close();
  }

  /** The interned ids of what a statement is indexed by (the adapter's indexedValues), creating those not seen yet. */
  private viewValueIds(views: FilterView): number[] {
    return indexedValues(views).map(([field, value]) => {
      const key = `${field}\n${value}`;
      let id = this.interned.get(key) ?? this.pendingValues.get(key);
      if (id === undefined) {
        id = (this.selectValueId.get(field, value) as { value_id: number } | undefined)?.value_id;
        id ??= Number(this.insertValue.run(field, value).lastInsertRowid);
        this.pendingValues.set(key, id);
      }
      return id;
    });
  }

  private remember(key: string, id: number): void {
    if (this.interned.size >= INTERNED_CACHE_SIZE) this.interned.delete(this.interned.keys().next().value!);
    this.interned.set(key, id);
  }
}

function textAfter(after: Position | undefined): string {
  return (after as string | undefined) ?? NO_TEXT;
}

/** Rows ordered by a group key, gathered into at most `limit` whole groups. */
function grouped<Row, R>(
  rows: IterableIterator<Row>,
  groupOf: (row: Row) => string,
  limit: number,
  build: (group: string, rows: Row[]) => R,
): R[] {
  const records: R[] = [];
  let current: { group: string; rows: Row[] } | undefined;
  for (const row of rows) {
    const group = groupOf(row);
    if (current?.group !== group) {
      if (current !== undefined) records.push(build(current.group, current.rows));
      if (records.length === limit) {
        current = undefined;
        break;
      }
      current = { group, rows: [] };
    }
    current.rows.push(row);
  }
  if (current !== undefined) records.push(build(current.group, current.rows));
  return records;
}

function blobOf(row: BlobRow): BlobRecord {
  return { hash: row.hash, contentType: row.content_type, content: row.content, storedAt: new Date(row.stored_at) };
}

function blobRowOf(record: BlobRecord): BlobRow {
  return { hash: record.hash, content_type: record.contentType, content: record.content, stored_at: record.storedAt.getTime() };
}

function documentOf(row: DocumentRow): DocumentRecord {
  return {
    recordId: row.key,
    contextId: row.context,
    ...(row.registration === null ? {} : { registration: row.registration }),
    documentId: row.document_id,
    contentType: row.content_type,
    etag: row.etag,
    updated: new Date(row.updated),
    content: row.content,
  };
}

function documentRowOf(record: DocumentRecord): DocumentRow {
  return {
    key: record.recordId,
    context: record.contextId,
    registration: record.registration ?? null,
    document_id: record.documentId,
    content_type: record.contentType,
    etag: record.etag,
    updated: record.updated.getTime(),
    content: record.content,
  };
}
