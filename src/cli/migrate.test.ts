import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import { databasePath } from '../db/sqlite/database';
import { DataDirLock } from '../db/sqlite/data-dir-lock';
import { recordOf } from '../xapi/statements/statement-storage.contract';
import { openTestBackend, type TestBackend } from '../../test-support/backends';
import { dropTestDatabase, testDatabase } from '../../test-support/database';
import { ensureBuilt, runKeiko, type Finished } from '../../test-support/keiko-cli';

const STATEMENTS = 4000;
const CRASH_ARGS = ['--page-size', '25', '--progress-every', '25'];

/** Runs `keiko migrate` as a user would, from the compiled command; with `killOn`, SIGKILL as soon as its stderr matches. */
function runCli(args: string[], killOn?: RegExp): Promise<Finished> {
  return runKeiko(['migrate', ...args], { killOn });
}

const FIRST_STATEMENTS_PROGRESS = /\[migrate\] statements: [\d,]+ of [\d,]+ copied/;

describe('keiko migrate', () => {
  let source: TestBackend;
  let sourceDir: string;
  const dirs: string[] = [];

  async function tempDir(): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'keiko-migrate-cli-'));
    dirs.push(dir);
    return dir;
  }

  beforeAll(async () => {
    ensureBuilt();
    source = await openTestBackend('sqlite');
    sourceDir = path.dirname(source.backend.location);
    for (let start = 0; start < STATEMENTS; start += 400) {
      const batch = Array.from({ length: 400 }, (_, n) =>
        recordOf({
          views: { a: [`mbox:mailto:learner${(start + n) % 37}@example.org`], vb: ['http://example.org/verbs/completed'], rg: [randomUUID()] },
        }),
      );
      await source.backend.statements.storeBatch(batch);
    }
    await source.backend.credentials.create({ name: 'Moodle', scopes: ['all'], key: 'moodle', secret: 'moodle-secret-1' });
    await source.backend.close(); // releases the data directory's lock
  }, 60_000);

  afterAll(async () => {
    await source.dispose();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('resumes into SQLite after being killed in the middle, keeping seq in (stored, id) order, and verifies', async () => {
    const target = await tempDir();
    const killed = await runCli(['--from', sourceDir, '--to', target, ...CRASH_ARGS], FIRST_STATEMENTS_PROGRESS);
    expect(killed.signal).toBe('SIGKILL');
    const db = new Database(databasePath(target), { readonly: true });
    try {
      const checkpoint = db.prepare("SELECT copied, done FROM migration_progress WHERE kind = 'statements'").get() as {
        copied: number;
        done: number;
      };
      expect(checkpoint.done).toBe(0);
      expect(checkpoint.copied).toBeGreaterThan(0);
      expect(checkpoint.copied).toBeLessThan(STATEMENTS);
      // Each page and its checkpoint are one transaction.
      expect(db.prepare('SELECT count(*) FROM statements').pluck().get()).toBe(checkpoint.copied);
    } finally {
      db.close();
    }

    const resumed = await runCli(['--from', sourceDir, '--to', target, ...CRASH_ARGS]);
    expect(resumed.stderr).toMatch(/Resuming the migration/);
    expect(resumed.stderr).toMatch(/statements: resuming after [\d,]+ copied before/);
    expect(resumed.stdout).toMatch(/^statements\s+4000\s+4000\s+[0-9a-f]{16}\s+[0-9a-f]{16}\s+ok$/m);
    expect(resumed.stdout).toMatch(/Verified: every kind has the same count and digest on both sides/);
    expect(resumed.code).toBe(0);

    const after = new Database(databasePath(target), { readonly: true });
    try {
      expect(after.prepare('SELECT id FROM statements ORDER BY seq').pluck().all()).toEqual(
        after.prepare('SELECT id FROM statements ORDER BY stored, id').pluck().all(),
      );
    } finally {
      after.close();
    }
  }, 120_000);

  it('resumes into MongoDB after being killed in the middle, and verifies', async () => {
    const database = testDatabase();
    const uri = `${database.uri.replace(/\/$/, '')}/${database.dbName}`;
    try {
      const killed = await runCli(['--from', sourceDir, '--to', uri, ...CRASH_ARGS], FIRST_STATEMENTS_PROGRESS);
      expect(killed.signal).toBe('SIGKILL');
      const client = await MongoClient.connect(database.uri);
      try {
        const db = client.db(database.dbName);
        const checkpoint = await db.collection<{ _id: string; copied: number; done: boolean }>('migration_progress').findOne({ _id: 'statements' });
        expect(checkpoint?.done).toBe(false);
        expect(checkpoint!.copied).toBeLessThan(STATEMENTS);
        // A page is written before its checkpoint: at most one page more than the checkpoint says.
        const count = await db.collection('statements').countDocuments({});
        expect(count).toBeGreaterThanOrEqual(checkpoint!.copied);
        expect(count).toBeLessThan(STATEMENTS);
      } finally {
        await client.close();
      }

      const resumed = await runCli(['--from', sourceDir, '--to', uri, ...CRASH_ARGS]);
      expect(resumed.stderr).toMatch(/statements: resuming after [\d,]+ copied before/);
      expect(resumed.stdout).toMatch(/^statements\s+4000\s+4000\s+[0-9a-f]{16}\s+[0-9a-f]{16}\s+ok$/m);
      expect(resumed.code).toBe(0);
    } finally {
      await dropTestDatabase(database);
    }
  }, 120_000);

  it('refuses a target data directory in use by a running LRS', async () => {
    const target = await tempDir();
    const lock = DataDirLock.acquire(target);
    try {
      const refused = await runCli(['--from', sourceDir, '--to', target]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/The target data directory .* is in use by a running Keiko LRS.*Stop that LRS/s);
      expect(refused.stdout).toBe('');
    } finally {
      lock.release();
    }
  }, 30_000);

  it.each([
    [[], /required option '--from <source>' not specified/],
    [['--from', 'a'], /required option '--to <target>' not specified/],
    [['--from', 'a', '--to', 'b', '--bogus'], /unknown option '--bogus'/],
    [['--from', 'a', '--to', 'b', 'extra'], /too many arguments for 'migrate'/],
    [['--from', 'a', '--to', 'b', '--page-size', '0'], /--page-size <n>' argument '0' is invalid. must be a whole number/],
    [['--from', 'a', '--to', 'b', '--from-db', 'x'], /--from-db applies only to a mongodb:\/\/ from/],
    [['--from', 'http://example.org', '--to', 'b'], /neither a data directory nor a mongodb:\/\/ URI/],
  ])('says what is wrong and exits with 2 on bad arguments: %j', async (args, message) => {
    const result = await runCli(args);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
  }, 30_000);

  it('prints the usage on stdout and exits with 0 on --help', async () => {
    const result = await runCli(['--help']);
    expect(result.stdout).toMatch(/^Usage: keiko migrate \[options\]/);
    expect(result.stdout).toMatch(/--from <source>/);
    expect(result.code).toBe(0);
  }, 30_000);
});
