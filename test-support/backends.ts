import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { StorageBackend, StorageEngine } from '../src/storage/backend';
import { MongoBackend } from '../src/storage/mongo-backend';
import { SqliteBackend } from '../src/storage/sqlite-backend';
import { dropTestDatabase, testDatabase } from './database';

export const TEST_ENGINES: readonly StorageEngine[] = ['sqlite', 'mongodb'];

/** The engine app-level tests run on: KEIKO_TEST_ENGINE (jest projects set it), else SQLite. */
export function testEngine(): StorageEngine {
  const engine = process.env.KEIKO_TEST_ENGINE ?? 'sqlite';
  if (!(TEST_ENGINES as readonly string[]).includes(engine)) throw new Error(`KEIKO_TEST_ENGINE must be sqlite or mongodb, got ${engine}`);
  return engine as StorageEngine;
}

export interface TestBackend {
  backend: StorageBackend;
  /** Closes the backend and removes its data. */
  dispose(): Promise<void>;
}

/** A prepared backend on fresh, empty storage: a temporary SQLite data dir, or a new database on the test run's Mongo server. */
export async function openTestBackend(engine: StorageEngine = testEngine(), authorityHomePage = 'http://lrs.test/'): Promise<TestBackend> {
  const logger = pino({ level: 'silent' });
  if (engine === 'sqlite') {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'keiko-test-backend-'));
    const backend = SqliteBackend.open({ dataDir, exclusive: true, authorityHomePage });
    await backend.prepare();
    return {
      backend,
      dispose: async () => {
        await backend.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  }
  const database = testDatabase();
  const backend = await MongoBackend.open({ uri: database.uri, dbName: database.dbName, authorityHomePage, logger });
  await backend.prepare();
  return {
    backend,
    dispose: async () => {
      await backend.close();
      await dropTestDatabase(database).catch(() => undefined);
    },
  };
}
