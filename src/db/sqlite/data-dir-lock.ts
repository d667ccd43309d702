import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StorageOpenError } from './database';

const LOCK_FILE = 'keiko-lrs.lock';
const OWNER_FILE = 'keiko-lrs.lock.owner';

/**
 * Ties a data directory to one running LRS. The lock is an exclusive SQLite lock on a file of its
 * own (an operating-system lock), so it is released whenever the process ends, SIGKILL included,
 * and a second LRS on the same DATA_DIR refuses to start instead of sharing it. Tools that may run
 * beside the LRS (the credentials CLI) open the database without it; SQLite keeps that safe.
 */
export class DataDirLock {
  private constructor(private readonly db: Database.Database) {}

  static acquire(dataDir: string): DataDirLock {
    mkdirSync(dataDir, { recursive: true });
    const db = new Database(path.join(dataDir, LOCK_FILE));
    try {
      db.pragma('busy_timeout = 0');
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('BEGIN EXCLUSIVE');
    } catch {
      db.close();
      throw new StorageOpenError(
        `The data directory ${dataDir} is in use by another Keiko LRS${ownerText(dataDir)}. ` +
          'Stop it first, or give this one another DATA_DIR.',
      );
    }
    writeFileSync(path.join(dataDir, OWNER_FILE), `${process.pid}\n`);
    return new DataDirLock(db);
  }

  release(): void {
    if (!this.db.open) return;
    this.db.exec('ROLLBACK');
    this.db.close();
  }
}

function ownerText(dataDir: string): string {
  try {
    const pid = readFileSync(path.join(dataDir, OWNER_FILE), 'utf8').trim();
    return /^\d+$/.test(pid) ? ` (process ${pid})` : '';
  } catch {
    return '';
  }
}
