import { accessSync, constants, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StorageOpenError } from './database';

const LOCK_FILE = 'keiko-lrs.lock';
const OWNER_FILE = 'keiko-lrs.lock.owner';
const KEIKO_FILE_PREFIX = 'keiko-lrs.';

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

/**
 * The first use of DATA_DIR, so a directory that cannot be used (a file, not writable, its Keiko
 * files another user's) is reported here, with what to do, before anything is written.
 */
function openLockFile(dataDir: string): Database.Database {
  try {
    mkdirSync(dataDir, { recursive: true });
    for (const file of [dataDir, ...keikoFiles(dataDir)]) accessSync(file, constants.R_OK | constants.W_OK);
    return new Database(path.join(dataDir, LOCK_FILE));
  } catch (error) {
    throw dataDirError(error, dataDir);
  }
}

/** Why DATA_DIR could not be opened, or that SQLite itself could not be loaded, which is not DATA_DIR's fault. */
export function dataDirError(error: unknown, dataDir: string): StorageOpenError {
  if ((error as NodeJS.ErrnoException).code === 'ERR_DLOPEN_FAILED') {
    // Typically better-sqlite3 was installed under another Node.js version than the one running now.
    const reason = (error as Error).message.replace(/\s+/g, ' ').trim();
    return new StorageOpenError(`SQLite (better-sqlite3) cannot be loaded by Node.js ${process.version}: ${reason}`);
  }
  return new StorageOpenError(
    `The data directory ${dataDir} cannot be used: ${unusableReason(error, dataDir)}. Set DATA_DIR to a directory this user can write to.`,
  );
}

/** The database, its WAL files and the lock files. */
function keikoFiles(dataDir: string): string[] {
  return readdirSync(dataDir)
    .filter((name) => name.startsWith(KEIKO_FILE_PREFIX))
    .map((name) => path.join(dataDir, name));
}

function unusableReason(error: unknown, dataDir: string): string {
  const { code, path: file } = error as NodeJS.ErrnoException;
  switch (code) {
    case 'EEXIST':
    case 'ENOTDIR':
      return 'it, or a folder on its path, is a file';
    case 'EACCES':
    case 'EPERM':
      return file && file !== dataDir ? `this user may not read and write ${path.basename(file)} in it` : 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
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
