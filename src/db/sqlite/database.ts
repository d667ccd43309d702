import { closeSync, existsSync, mkdirSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './schema';

export type SqliteDatabase = Database.Database;

/** The database file under DATA_DIR. */
export const DATABASE_FILE = 'keiko-lrs.db';

/** `PRAGMA application_id` of Keiko databases ("KEIK"), so a foreign SQLite file is never taken for one. */
export const KEIKO_APPLICATION_ID = 0x4b45494b;

const SQLITE_HEADER = 'SQLite format 3\0';

/** The data directory or its database cannot be used; the message says why and what to do. */
export class StorageOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageOpenError';
  }
}

export interface OpenOptions {
  /** Defaults to MIGRATIONS; tests pass others to exercise upgrades. */
  migrations?: readonly Migration[];
  /** Page cache per connection, in MiB (default 64). */
  cacheMiB?: number;
}

export function databasePath(dataDir: string): string {
  return path.join(path.resolve(dataDir), DATABASE_FILE);
}

/**
 * Opens (creating if needed) the Keiko database at `file` and brings its schema up to date.
 * Refuses, before writing anything, a file that is not a SQLite database, a SQLite database of
 * another application, and one whose schema is newer than this version of Keiko knows.
 *
 * WAL with synchronous=FULL: a transaction is durable once its commit returns, through a process
 * kill and through a power cut (docs/storage.md).
 */
export function openSqliteDatabase(file: string, options: OpenOptions = {}): SqliteDatabase {
  const migrations = options.migrations ?? MIGRATIONS;
  mkdirSync(path.dirname(file), { recursive: true });
  assertSqliteFile(file);
  let db: SqliteDatabase;
  try {
    db = new Database(file);
  } catch (error) {
    throw new StorageOpenError(`Cannot open the database ${file}: ${(error as Error).message}`);
  }
  try {
    assertKeikoDatabase(db, file, migrations);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 10000');
    db.pragma(`cache_size = -${(options.cacheMiB ?? 64) * 1024}`);
    db.pragma('temp_store = MEMORY');
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Reads the first bytes only: an existing file that is not SQLite is never opened for writing. */
function assertSqliteFile(file: string): void {
  if (!existsSync(file)) return;
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(file, 'r');
  let read: number;
  try {
    read = readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (read === 0) return; // an empty file is an empty database
  if (read < header.length || header.toString('latin1') !== SQLITE_HEADER) {
    throw new StorageOpenError(
      `${file} is not a SQLite database (it may be corrupt or another program's file). Keiko has not changed it; ` +
        'move it away or point DATA_DIR at another directory.',
    );
  }
}

function assertKeikoDatabase(db: SqliteDatabase, file: string, migrations: readonly Migration[]): void {
  let applicationId: number;
  let tables: number;
  let version: number;
  try {
    applicationId = db.pragma('application_id', { simple: true }) as number;
    version = db.pragma('user_version', { simple: true }) as number;
    tables = (db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number }).n;
  } catch (error) {
    throw new StorageOpenError(`${file} cannot be read as a SQLite database (${(error as Error).message}). Keiko has not changed it.`);
  }
  if (applicationId !== KEIKO_APPLICATION_ID && (tables > 0 || version !== 0)) {
    throw new StorageOpenError(
      `${file} is a SQLite database of another application, not a Keiko LRS database. Keiko has not changed it; ` +
        'point DATA_DIR at another directory.',
    );
  }
  const latest = migrations.at(-1)?.version ?? 0;
  if (version > latest) {
    throw new StorageOpenError(
      `${file} was written by a newer version of Keiko LRS (schema version ${version}; this version knows up to ${latest}). ` +
        'Run that newer version, or restore a backup made before the upgrade. Keiko has not changed the file.',
    );
  }
}

/** Applies each pending migration in its own transaction, with the version it reaches. */
function migrate(db: SqliteDatabase, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`application_id = ${KEIKO_APPLICATION_ID}`);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

/** The schema version of an open database. */
export function schemaVersion(db: SqliteDatabase): number {
  return db.pragma('user_version', { simple: true }) as number;
}
