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
    const db = openLockFile(dataDir);
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

/** The first use of DATA_DIR, so a directory that cannot be used is reported here, with what to do. */
function openLockFile(dataDir: string): Database.Database {
  try {
    mkdirSync(dataDir, { recursive: true });
    return new Database(path.join(dataDir, LOCK_FILE));
  } catch (error) {
    throw new StorageOpenError(
      `The data directory ${dataDir} cannot be used: ${unusableReason(error)}. Set DATA_DIR to a directory this user can write to.`,
    );
  }
}

function unusableReason(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EEXIST':
    case 'ENOTDIR':
      return 'it, or a folder on its path, is a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'SQLITE_CANTOPEN':
      return 'files cannot be created in it';
    default:
      return (error as Error).message;
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
