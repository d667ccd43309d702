import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { MongoClient, type Db } from 'mongodb';
import { toolOptionsFromEnvironment, type ToolOptions } from './mongo-server';

/** A database on the test run's server (started by global-setup.ts), for one test file. */
export interface TestDatabase {
  uri: string;
  dbName: string;
}

/** The test run's server and a database name that no other test file uses. */
export function testDatabase(): TestDatabase {
  const uri = process.env.KEIKO_TEST_MONGODB_URI;
  if (!uri) {
    throw new Error('KEIKO_TEST_MONGODB_URI is not set: run the tests through jest, whose globalSetup starts the database');
  }
  return { uri, dbName: `keiko_test_${randomBytes(6).toString('hex')}` };
}

export async function dropTestDatabase({ uri, dbName }: TestDatabase): Promise<void> {
  const client = await MongoClient.connect(uri);
  try {
    await client.db(dbName).dropDatabase();
  } finally {
    await client.close();
  }
}

/** Whether the test run's server is FerretDB rather than MongoDB (global-setup.ts asks it). */
export function isFerretDbUnderTest(): boolean {
  return process.env.KEIKO_TEST_DB_FLAVOR === 'ferretdb';
}

/** Tool locations for tests that start embedded databases of their own. */
export function testToolOptions(): ToolOptions {
  return toolOptionsFromEnvironment(process.env, os.homedir());
}

/**
 * A fresh database on the test run's server for one test file: connected before its tests,
 * dropped after them. Returns a getter, valid inside tests and hooks.
 */
export function useTestDatabase(): () => Db {
  const { uri, dbName } = testDatabase();
  let client: MongoClient | undefined;
  beforeAll(async () => {
    client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5_000 });
  });
  afterAll(async () => {
    await client?.db(dbName).dropDatabase().catch(() => undefined);
    await client?.close();
  });
  return () => {
    if (!client) throw new Error('useTestDatabase: the database is only available inside tests and hooks');
    return client.db(dbName);
  };
}
