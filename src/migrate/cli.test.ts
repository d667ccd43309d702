import { spawn } from 'node:child_process';
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

const STATEMENTS = 4000;
const CRASH_ARGS = ['--page-size', '25', '--progress-every', '25'];

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI as `npm run migrate` would, from the TypeScript sources; with `killOn`, sends
 * SIGKILL as soon as a line of its stderr matches.
 */
function runCli(args: string[], killOn?: RegExp): Promise<Finished> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/migrate/cli.ts', ...args], {
    cwd: path.resolve(__dirname, '../..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (killOn !== undefined && killOn.test(stderr)) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const FIRST_STATEMENTS_PROGRESS = /\[migrate\] statements: [\d,]+ of [\d,]+ copied/;

describe('npm run migrate (the CLI)', () => {
  let source: TestBackend;
  let sourceDir: string;
  const dirs: string[] = [];

  async function tempDir(): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'keiko-migrate-cli-'));
    dirs.push(dir);
    return dir;
  }

  beforeAll(async () => {
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
    [[], /--from is required/],
    [['--from', 'a'], /--to is required/],
    [['--from', 'a', '--to', 'b', '--bogus'], /Unknown option '--bogus'/],
    [['--from', 'a', '--to', 'b', 'extra'], /Unexpected argument 'extra'/],
    [['--from', 'a', '--to', 'b', '--page-size', '0'], /--page-size must be a whole number/],
    [['--from', 'a', '--to', 'b', '--from-db', 'x'], /--from-db applies only to a mongodb:\/\/ from/],
    [['--from', 'http://example.org', '--to', 'b'], /neither a data directory nor a mongodb:\/\/ URI/],
  ])('prints the usage and exits with 2 on bad arguments: %j', async (args, message) => {
    const result = await runCli(args);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/Usage: npm run migrate -- --from/);
    expect(result.code).toBe(2);
  }, 30_000);

  it('prints the usage and exits with 0 on --help', async () => {
    const result = await runCli(['--help']);
    expect(result.stdout).toMatch(/Usage: npm run migrate/);
    expect(result.code).toBe(0);
  }, 30_000);
});
