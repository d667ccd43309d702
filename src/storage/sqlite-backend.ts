import { SqliteCredentialStore } from '../auth/sqlite-credential-store';
import { databasePath, openSqliteDatabase, type SqliteDatabase } from '../db/sqlite/database';
import { DataDirLock } from '../db/sqlite/data-dir-lock';
import { SqliteLeaseStore } from '../jobs/sqlite-lease-store';
import { SqliteActivityStore } from '../xapi/activities/sqlite-activity-store';
import { SqliteAgentStore } from '../xapi/agents/sqlite-agent-store';
import { SqliteDocumentStorage } from '../xapi/documents/sqlite-document-storage';
import { SqliteStatementStorage } from '../xapi/statements/sqlite-statement-storage';
import type { BackendOptions, StorageBackend } from './backend';
import { SqliteCollectionStore } from './collections/sqlite-collection-store';
import { SqliteBlobStore } from './sqlite-blob-store';

export interface SqliteBackendOptions extends BackendOptions {
  dataDir: string;
  /**
   * Hold the data directory's lock (the LRS does; tools that may run beside it, such as the
   * credentials CLI, do not).
   */
  exclusive: boolean;
}

/**
 * The embedded default: one SQLite database file under DATA_DIR, no other process. A batch is
 * one transaction, so there is nothing to recover after a crash: SQLite rolls back what was not
 * committed when the file is next opened.
 */
export class SqliteBackend implements StorageBackend {
  readonly engine = 'sqlite';
  readonly location: string;
  readonly statements: SqliteStatementStorage;
  readonly attachments: SqliteBlobStore;
  readonly documents: SqliteDocumentStorage;
  readonly credentials: SqliteCredentialStore;
  readonly activities: SqliteActivityStore;
  readonly agents: SqliteAgentStore;
  readonly leases: SqliteLeaseStore;
  readonly collections: SqliteCollectionStore;

  private constructor(
    private readonly db: SqliteDatabase,
    private readonly lock: DataDirLock | undefined,
    options: BackendOptions,
  ) {
    this.location = db.name;
    this.statements = new SqliteStatementStorage(db);
    this.attachments = new SqliteBlobStore(db);
    this.documents = new SqliteDocumentStorage(db);
    this.credentials = new SqliteCredentialStore(db, { authorityHomePage: options.authorityHomePage });
    this.activities = new SqliteActivityStore(db);
    this.agents = new SqliteAgentStore(db);
    this.leases = new SqliteLeaseStore(db);
    this.collections = new SqliteCollectionStore(db);
  }

  /** Opens the data directory's database, creating or upgrading its schema. */
  static open(options: SqliteBackendOptions): SqliteBackend {
    const lock = options.exclusive ? DataDirLock.acquire(options.dataDir) : undefined;
    try {
      return new SqliteBackend(openSqliteDatabase(databasePath(options.dataDir)), lock, options);
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  /** The schema is brought up to date when the database is opened. */
  async prepare(): Promise<void> {}

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
    this.lock?.release();
  }
}
