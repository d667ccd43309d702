import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dataDirError } from './data-dir-lock';

describe('dataDirError', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'keiko-data-dir-error-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('blames the native module, not DATA_DIR, when SQLite cannot be loaded (better-sqlite3 built for another Node.js)', () => {
    const notAModule = path.join(dir, 'better_sqlite3.node');
    writeFileSync(notAModule, 'not a shared object');
    let loadError: unknown;
    try {
      process.dlopen({ exports: {} }, notAModule);
    } catch (error) {
      loadError = error;
    }
    expect((loadError as NodeJS.ErrnoException).code).toBe('ERR_DLOPEN_FAILED');
    const message = dataDirError(loadError, dir).message;
    expect(message).toMatch(new RegExp(`^SQLite \\(better-sqlite3\\) cannot be loaded by Node\\.js ${process.version.replace(/\./g, '\\.')}: .*better_sqlite3\\.node`));
    expect(message).not.toContain('DATA_DIR');
    expect(message).not.toContain('\n');
  });

  it('still names DATA_DIR for a directory that cannot be used', () => {
    const file = path.join(dir, 'a-file');
    writeFileSync(file, '');
    let mkdirError: unknown;
    try {
      mkdirSync(file, { recursive: true });
    } catch (error) {
      mkdirError = error;
    }
    expect(dataDirError(mkdirError, file).message).toBe(
      `The data directory ${file} cannot be used: it, or a folder on its path, is a file. Set DATA_DIR to a directory this user can write to.`,
    );
  });
});
