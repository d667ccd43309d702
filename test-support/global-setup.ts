import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import {
  detectServerFlavor,
  startEmbeddedDatabase,
  toolOptionsFromEnvironment,
  type EmbeddedDatabase,
} from './mongo-server';
import { clearStaleServer, readPidFile } from './mongo-server/pid-file';
import { isRunning } from './mongo-server/processes';
import { createLogger, type Logger } from '../src/logger';
import { redactedUri } from '../src/storage/mongo-backend';

/** Shared with global-teardown.ts, which runs in the same (parent) process. */
export interface TestRunDatabase {
  database: EmbeddedDatabase;
  dataDir: string;
}

declare global {
  var keikoTestRunDatabase: TestRunDatabase | undefined;
}

const TEST_DATA_DIR_PREFIX = 'keiko-test-db-';
/** A data directory without a pid file this old is a set-up that died before its server started. */
const ABANDONED_SET_UP_MS = 60 * 60_000;

/**
 * Jest globalSetup, run once in the parent process: the MongoDB server the Mongo adapter is tested
 * against — MONGODB_URI_TEST (or MONGODB_URI) when set, else one launched (mongod, or FerretDB built
 * with Go) in a fresh temporary directory for the whole run. Workers inherit the environment
 * set here: KEIKO_TEST_MONGODB_URI, and KEIKO_TEST_DB_FLAVOR ('ferretdb' or 'mongodb').
 */
export default async function globalSetup(): Promise<void> {
  // ts-jest runs src/ directly, so the passport's VC bundles must be in src/ (rebuilt when stale).
  execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'build-vc-bundles.js')], { stdio: 'inherit' });
  const logger = createLogger('info');
  const external = process.env.MONGODB_URI_TEST?.trim() || process.env.MONGODB_URI?.trim();
  const uri = external || (await startTestRunDatabase(logger));
  process.env.KEIKO_TEST_MONGODB_URI = uri;
  process.env.KEIKO_TEST_DB_FLAVOR = await flavorOf(uri);
  const sqliteVersion = (new Database(':memory:').prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  const mongo = external ? `MongoDB at ${redactedUri(uri)}` : `${globalThis.keikoTestRunDatabase?.database.kind ?? 'embedded'} (launched for this run)`;
  console.log(
    `\nStorage engines under test: sqlite (better-sqlite3, SQLite ${sqliteVersion}); ` +
      `mongodb adapter on ${mongo}, server flavor ${process.env.KEIKO_TEST_DB_FLAVOR}\n`,
  );
}

async function startTestRunDatabase(logger: Logger): Promise<string> {
  await removeAbandonedTestDatabases(logger);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), TEST_DATA_DIR_PREFIX));
  const database = await startEmbeddedDatabase({
    dataDir,
    logger,
    tools: toolOptionsFromEnvironment(process.env, os.homedir()),
  });
  globalThis.keikoTestRunDatabase = { database, dataDir };
  return database.uri;
}

/** An interrupted run (Ctrl-C skips globalTeardown) leaves its server and directory behind. */
async function removeAbandonedTestDatabases(logger: Logger): Promise<void> {
  for (const name of await readdir(os.tmpdir())) {
    const dir = path.join(os.tmpdir(), name);
    if (!name.startsWith(TEST_DATA_DIR_PREFIX) || !(await isAbandoned(dir))) continue;
    await clearStaleServer(dir, logger);
    await rm(dir, { recursive: true, force: true });
  }
}

async function isAbandoned(dir: string): Promise<boolean> {
  const record = await readPidFile(dir);
  if (record !== undefined) return !(await isRunning(record.ownerPid));
  const { mtimeMs } = await stat(dir);
  return Date.now() - mtimeMs > ABANDONED_SET_UP_MS;
}

async function flavorOf(uri: string): Promise<string> {
  const client = await MongoClient.connect(uri);
  try {
    return await detectServerFlavor(client);
  } finally {
    await client.close();
  }
}
