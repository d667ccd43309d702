import { MongoServerError, type Db } from 'mongodb';
import { isFerretDbUnderTest, useTestDatabase } from '../../../test-support/database';
import { describeActivityStoreContract } from './activity-store.contract';
import { MongoActivityStore } from './mongo-activity-store';

const database = useTestDatabase();

describeActivityStoreContract(
  'MongoActivityStore',
  async () => {
    await database().collection('activities').deleteMany({});
    return new MongoActivityStore(database());
  },
  () => new MongoActivityStore(database()),
  // FerretDB v1's conditional updates are not atomic: MongoActivityStore serializes merges within
  // one store, which is safe only while one LRS process (one store) uses the database.
  { atomicAcrossStores: !isFerretDbUnderTest() },
);

describe('MongoActivityStore errors', () => {
  it('reports a failed write as the failure it is, not as a concurrent update', async () => {
    const failure = new MongoServerError({ message: 'not writable', code: 13 });
    const collection = {
      findOne: async () => null,
      insertOne: async () => {
        throw failure;
      },
    };
    const db = { collection: () => collection } as unknown as Db;
    await expect(new MongoActivityStore(db).mergeDefinitions([{ id: 'http://example.org/a', definition: { name: { en: 'A' } } }])).rejects.toBe(
      failure,
    );
  });
});
