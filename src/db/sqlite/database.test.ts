import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DataDirLock } from './data-dir-lock';
import { databasePath, KEIKO_APPLICATION_ID, openSqliteDatabase, schemaVersion, StorageOpenError } from './database';
import { MIGRATIONS, type Migration } from './schema';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'keiko-sqlite-open-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function openError(file: string, migrations?: readonly Migration[]): StorageOpenError {
  try {
    openSqliteDatabase(file, { migrations }).close();
  } catch (error) {
    if (error instanceof StorageOpenError) return error;
    throw error;
  }
  throw new Error('expected the database to be refused');
}

describe('opening the SQLite database', () => {
  it('creates a Keiko database at the latest schema version, in WAL mode with synchronous=FULL', () => {
    const db = openSqliteDatabase(databasePath(dir));
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
    expect(db.pragma('application_id', { simple: true })).toBe(KEIKO_APPLICATION_ID);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    db.close();
  });

  it('upgrades an older database in place, keeping its data', () => {
    const file = databasePath(dir);
    const older = [MIGRATIONS[0]!];
    const v1 = openSqliteDatabase(file, { migrations: older });
    v1.prepare("INSERT INTO leases (name, holder, expires_at) VALUES ('job', 'someone', 1)").run();
    v1.close();
    const next: Migration = { version: older[0]!.version + 1, description: 'test', sql: 'CREATE TABLE upgrade_marker (x INTEGER);' };
    const upgraded = openSqliteDatabase(file, { migrations: [...older, next] });
    expect(schemaVersion(upgraded)).toBe(next.version);
    expect(upgraded.prepare("SELECT holder FROM leases WHERE name = 'job'").pluck().get()).toBe('someone');
    expect(upgraded.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'upgrade_marker'").pluck().get()).toBe(1);
    upgraded.close();
  });

  it('refuses a database written by a newer version, and leaves it unchanged', () => {
    const file = databasePath(dir);
    const newer = openSqliteDatabase(file, {
      migrations: [...MIGRATIONS, { version: MIGRATIONS.at(-1)!.version + 5, description: 'future', sql: 'SELECT 1;' }],
    });
    newer.close();
    const before = readFileSync(file);
    const error = openError(file);
    expect(error.message).toMatch(/written by a newer version of Keiko LRS \(schema version \d+; this version knows up to \d+\)/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a file that is not a SQLite database (corrupt or foreign), and leaves it unchanged', () => {
    const file = databasePath(dir);
    writeFileSync(file, 'this is not a database, it is a shopping list\n'.repeat(200));
    const before = readFileSync(file);
    expect(openError(file).message).toMatch(/is not a SQLite database .* Keiko has not changed it/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a database whose pages are corrupt, and leaves it unchanged', () => {
    const file = databasePath(dir);
    openSqliteDatabase(file).close();
    const bytes = readFileSync(file);
    bytes.fill(0xa5, 100, bytes.length); // keep the header, destroy the schema pages
    writeFileSync(file, bytes);
    expect(openError(file).message).toMatch(/cannot be read as a SQLite database|not a Keiko LRS database/);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('refuses another application’s SQLite database, and leaves it unchanged', () => {
    const file = databasePath(dir);
    const foreign = new Database(file);
    foreign.exec('CREATE TABLE recipes (name TEXT)');
    foreign.close();
    const size = statSync(file).size;
    expect(openError(file).message).toMatch(/another application, not a Keiko LRS database/);
    expect(statSync(file).size).toBe(size);
  });
});

describe('the data directory lock', () => {
  it('lets one LRS at a time hold a data directory, and frees it when released', () => {
    const lock = DataDirLock.acquire(dir);
    expect(() => DataDirLock.acquire(dir)).toThrow(new RegExp(`data directory ${dir} is in use by another Keiko LRS \\(process ${process.pid}\\)`));
    lock.release();
    DataDirLock.acquire(dir).release();
  });
});
