import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { MongoClient, type Db } from 'mongodb';
import pino from 'pino';
import { dropTestDatabase, testDatabase } from '../../../test-support/database';
import { ConflictError } from '../../errors';
import { MongoStatementStorage, toDocument } from './mongo-statement-storage';
import { stampRecords } from './stamp';
import type { FeedRecord, StatementStorage } from './statement-storage';
import { recordOf } from './statement-storage.contract';

/**
 * The statement feed on MongoDB with several LRS instances on one database (each with a client
 * of its own): positions come from one sequence, and a reader following the feed never skips a
 * statement that a slower instance commits after a faster one.
 */
jest.setTimeout(120_000);

const logger = pino({ level: 'silent' });
const database = testDatabase();
const clients: MongoClient[] = [];
let db: Db;

/** One LRS instance's statement storage, prepared as at its start. */
async function openInstance(): Promise<MongoStatementStorage> {
  const client = await MongoClient.connect(database.uri);
  clients.push(client);
  const storage = new MongoStatementStorage(client.db(database.dbName), logger);
  await storage.ensureIndexes();
  await storage.recover();
  return storage;
}

beforeAll(async () => {
  const client = await MongoClient.connect(database.uri);
  clients.push(client);
  db = client.db(database.dbName);
});

afterAll(async () => {
  await dropTestDatabase(database).catch(() => undefined);
  await Promise.all(clients.map((client) => client.close()));
});

beforeEach(async () => {
  await Promise.all(['statements', 'statement_batches', 'statement_positions'].map((name) => db.collection(name).deleteMany({})));
});

/** Follows the feed from the start with small pages until `done()` and the head is reached. */
async function follow(storage: StatementStorage, done: () => boolean): Promise<FeedRecord[]> {
  const seen: FeedRecord[] = [];
  let through = 0;
  while (!done() || through < (await storage.feedHead())) {
    const page = await storage.readFeed(through, 7);
    seen.push(...page.records);
    through = page.through;
  }
  return seen;
}

it('two instances writing at once: a reader following the feed sees every stored statement once, in increasing positions', async () => {
  const [first, second] = [await openInstance(), await openInstance()];
  const acknowledged: string[] = [];
  let conflicts = 0;
  const writer = async (instance: MongoStatementStorage, batches: number) => {
    for (let n = 0; n < batches; n++) {
      const records = Array.from({ length: 1 + (n % 5) }, () => recordOf());
      if (n % 7 === 3 && acknowledged.length > 0) {
        // A conflict: the batch is rolled back, leaving a gap in the positions.
        const clash = recordOf({ id: acknowledged[0]!, fingerprint: 'other content' });
        const refused = await instance.storeBatch([...records, clash]).catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(ConflictError);
        conflicts++;
        continue;
      }
      const { stored } = await instance.storeBatch(records);
      acknowledged.push(...stored.map((record) => record.id));
    }
  };
  let writing = true;
  const reader = follow(first, () => !writing);
  await Promise.all([writer(first, 30), writer(first, 30), writer(second, 30), writer(second, 30)]);
  writing = false;
  const seen = await reader;

  expect(conflicts).toBeGreaterThan(0);
  const positions = seen.map((record) => record.position);
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
  expect(new Set(positions).size).toBe(positions.length);
  expect(seen.map((record) => record.id).sort()).toEqual([...acknowledged].sort());
  // The other instance reads the same feed.
  expect((await follow(second, () => true)).map((record) => record.id)).toEqual(seen.map((record) => record.id));
});

it('holds the feed at a batch a dead process left in flight until recovery ends it, then reads on', async () => {
  const instance = await openInstance();
  const before = recordOf();
  await instance.storeBatch([before]);
  const head = await instance.feedHead();

  // A process took positions head+1.. for a batch and died before committing it.
  const batchId = randomUUID();
  const orphan = stampRecords([recordOf()], new Date())[0]!;
  await db.collection('statement_batches').insertOne({
    _id: batchId,
    ids: [orphan.id],
    startedAt: new Date(),
    state: 'pending',
    owner: { instance: randomUUID(), host: os.hostname(), pid: 2 ** 22 + 12345 },
  } as never);
  await db.collection('statement_positions').insertOne({ _id: head + 1, n: 1, b: batchId, open: true, at: new Date() } as never);
  await db.collection('statements').insertOne(toDocument(batchId, orphan, head + 1) as never);
  const after = recordOf();
  await instance.storeBatch([after]);

  expect(await instance.feedHead()).toBe(head);
  expect((await instance.readFeed(head, 10)).records).toEqual([]);
  await instance.recover();
  const page = await instance.readFeed(head, 10);
  expect(page.records.map((record) => record.id)).toEqual([after.id]);
  expect(page.through).toBe(await instance.feedHead());
});

it('closes a range whose batch committed without effects just before its process died', async () => {
  const instance = await openInstance();
  // Committed (the batch record deleted: its commit point) but the range never closed.
  const record = stampRecords([recordOf()], new Date())[0]!;
  await db.collection('statement_positions').insertOne({ _id: 1, n: 1, b: randomUUID(), open: true, at: new Date() } as never);
  await db.collection('statements').insertOne(toDocument('finished-batch', record, 1) as never);
  expect(await instance.feedHead()).toBe(0);
  await instance.recover();
  expect((await instance.readFeed(undefined, 10)).records.map((r) => r.id)).toEqual([record.id]);
});

it('gives positions at start to statements written without one (the migration), in stored order', async () => {
  const records = stampRecords([recordOf(), recordOf(), recordOf()], new Date(Date.now() - 60_000));
  await db.collection('statements').insertMany(records.map((record) => toDocument('migrated', record)) as never);
  const restarted = await openInstance();
  const page = await restarted.readFeed(undefined, 10);
  expect(page.records.map((record) => record.id)).toEqual(records.map((record) => record.id).sort());
  expect(page.through).toBe(3);
});
