import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteDatabase, type SqliteDatabase } from '../src/db/sqlite/database';

/** A fresh Keiko SQLite database in a temporary directory. */
export function createTestSqliteDatabase(): { db: SqliteDatabase; dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'keiko-test-sqlite-'));
  const db = openSqliteDatabase(path.join(dir, 'keiko-lrs.db'));
  return {
    db,
    dir,
    remove: () => {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh SQLite database for one test file: created before its tests, removed after them.
 * Returns a getter, valid inside tests and hooks.
 */
export function useTestSqliteDatabase(): () => SqliteDatabase {
  let current: ReturnType<typeof createTestSqliteDatabase> | undefined;
  beforeAll(() => {
    current = createTestSqliteDatabase();
  });
  afterAll(() => current?.remove());
  return () => {
    if (!current) throw new Error('useTestSqliteDatabase: the database is only available inside tests and hooks');
    return current.db;
  };
}
