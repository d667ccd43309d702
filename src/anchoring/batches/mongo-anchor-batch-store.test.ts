import { useTestDatabase } from '../../../test-support/database';
import { describeAnchorBatchStoreContract } from './anchor-batch-store.contract';
import { MongoAnchorBatchStore } from './mongo-anchor-batch-store';

const database = useTestDatabase();

describeAnchorBatchStoreContract('MongoAnchorBatchStore', async () => {
  await database().collection('anchor_batches').deleteMany({});
  await database().collection('anchor_leaves').deleteMany({});
  const store = new MongoAnchorBatchStore(database());
  await store.ensureIndexes();
  return store;
});

describe('MongoAnchorBatchStore', () => {
  it('removes a field changed to undefined from the document rather than storing null', async () => {
    const store = new MongoAnchorBatchStore(database());
    await database().collection('anchor_batches').deleteMany({});
    const position = { stored: new Date(0), id: 'a' };
    const batch = { seq: 8, state: 'recorded' as const, first: position, last: position, count: 1, root: '0x1' };
    await store.record({ ...batch, recordedAt: new Date(0), attempts: 1, nextAttemptAt: new Date(0), lastError: 'failed' }, []);
    await store.update(8, { state: 'sent', lastError: undefined });
    const document = await database().collection('anchor_batches').findOne({ _id: 8 as never });
    expect(document).toMatchObject({ state: 'sent' });
    expect(document).not.toHaveProperty('lastError');
  });

  it('reads fields that earlier versions stored as null as absent', async () => {
    const store = new MongoAnchorBatchStore(database());
    await database().collection('anchor_batches').deleteMany({});
    await database()
      .collection('anchor_batches')
      .insertOne({
        _id: 9,
        state: 'sent',
        first: { stored: new Date(0), id: 'a' },
        last: { stored: new Date(1), id: 'b' },
        count: 2,
        root: '0x1',
        transactionHash: '0xt',
        recordedAt: new Date(2),
        attempts: 0,
        nextAttemptAt: new Date(2),
        lastError: null,
      } as never);
    expect(await store.get(9)).not.toHaveProperty('lastError');
  });
});
