import { randomUUID } from 'node:crypto';
import os from 'node:os';
import pino from 'pino';
import { useTestDatabase } from '../../../test-support/database';
import { MongoStatementStorage, toDocument } from './mongo-statement-storage';
import { stampRecords } from './stamp';
import { describeStatementStorageContract, recordOf } from './statement-storage.contract';

const database = useTestDatabase();

describeStatementStorageContract('MongoStatementStorage', async () => {
  const db = database();
  await Promise.all(['statements', 'statement_batches', 'statement_waiting_references', 'statement_positions'].map((name) => db.collection(name).deleteMany({})));
  const storage = new MongoStatementStorage(db, pino({ level: 'silent' }));
  await storage.ensureIndexes();
  return storage;
});

describe('MongoStatementStorage: batches a dead process left behind', () => {
  const DEAD_PID = 2 ** 22 + 12345; // above Linux's pid_max: never a live process
  const logger = pino({ level: 'silent' });

  async function leftBehind(state: 'pending' | 'committed', effects?: object) {
    const db = database();
    const batchId = randomUUID();
    const record = stampRecords([recordOf()], new Date())[0]!;
    await db.collection('statements').insertOne(toDocument(batchId, record) as never);
    await db.collection('statement_batches').insertOne({
      _id: batchId,
      ids: [record.id],
      startedAt: new Date(),
      state,
      owner: { instance: randomUUID(), host: os.hostname(), pid: DEAD_PID },
      ...(effects ? { effects } : {}),
    } as never);
    return { batchId, record };
  }

  it('rolls back a pending batch at once, so its statements can be stored again without waiting', async () => {
    const storage = new MongoStatementStorage(database(), logger);
    const { record } = await leftBehind('pending');
    expect((await storage.consistentThrough(new Date(Date.now() + 1000))).getTime()).toBeLessThan(Date.now());
    expect(await storage.recover()).toBe(1);
    expect(await storage.getById(record.id)).toBeUndefined();
    const now = new Date();
    expect((await storage.consistentThrough(now)).getTime()).toBe(now.getTime());
    const started = Date.now();
    const retried = await storage.storeBatch([{ ...record, statement: recordOf({ id: record.id }).statement }]);
    expect(retried.stored.map((r) => r.id)).toEqual([record.id]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a retry meeting a dead process’s pending batch rolls it back itself and stores the statements', async () => {
    const storage = new MongoStatementStorage(database(), logger);
    const { record } = await leftBehind('pending');
    const retried = await storage.storeBatch([recordOf({ id: record.id, fingerprint: record.fingerprint })]);
    expect(retried.stored.map((r) => r.id)).toEqual([record.id]);
    expect(await database().collection('statement_batches').countDocuments({})).toBe(0);
  });

  it('applies the recorded effects of a committed batch (here: voiding)', async () => {
    const storage = new MongoStatementStorage(database(), logger);
    const target = recordOf();
    await storage.storeBatch([target]);
    await leftBehind('committed', { voidStored: [target.id], grownViews: [], unresolved: [], resolved: [] });
    expect((await storage.getById(target.id))?.voided).toBe(false);
    expect(await storage.recover()).toBe(1);
    expect((await storage.getById(target.id))?.voided).toBe(true);
    expect(await database().collection('statement_batches').countDocuments({})).toBe(0);
  });

  it('leaves a live instance’s batch alone', async () => {
    const db = database();
    await db.collection('statement_batches').insertOne({
      _id: randomUUID(),
      ids: [],
      startedAt: new Date(),
      state: 'pending',
      owner: { instance: randomUUID(), host: os.hostname(), pid: process.pid === 1 ? 2 : 1 },
    } as never);
    expect(await new MongoStatementStorage(db, logger).recover()).toBe(0);
    await db.collection('statement_batches').deleteMany({});
  });
});
