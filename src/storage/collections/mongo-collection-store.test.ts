import type { Db } from 'mongodb';
import { isFerretDbUnderTest, useTestDatabase } from '../../../test-support/database';
import { describeCollectionStoreContract } from './collection-store.contract';
import { MongoCollectionStore } from './mongo-collection-store';

const database = useTestDatabase();

let db: Db;

beforeAll(() => {
  db = database();
});

async function emptyStore(): Promise<MongoCollectionStore> {
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) await db.collection(name).drop();
  return new MongoCollectionStore(db);
}

describeCollectionStoreContract('MongoCollectionStore', emptyStore, () => new MongoCollectionStore(db), {
  // FerretDB v1 runs a conditional update as a read and a write: MongoCollectionStore serializes
  // the writes of one document within its process.
  atomicAcrossStores: !isFerretDbUnderTest(),
});

describe('MongoCollectionStore storage', () => {
  it('keeps a collection as collections.<owner>.<collection>, one document per id with the value under v', async () => {
    const store = await emptyStore();
    const people = await store.open('people', 'people', { indexes: [{ name: 'by_email', fields: ['email'], unique: true }, { name: 'by_name', fields: ['name'] }] });
    await people.put('ada', { email: 'ada@example.org', name: 'Ada' });
    await people.put('anonymous', { name: 'Nobody' });
    const stored = db.collection('collections.people.people');
    expect(await stored.find({}).sort({ _id: 1 }).toArray()).toEqual([
      { _id: 'ada', r: 1, v: { email: 'ada@example.org', name: 'Ada' }, u: { by_email: '["ada@example.org"]' } },
      { _id: 'anonymous', r: 1, v: { name: 'Nobody' }, u: { by_email: '#anonymous' } },
    ]);
    const indexes = await stored.listIndexes().toArray();
    expect(indexes.map(({ name, key, unique }) => ({ name, key, unique }))).toEqual(
      expect.arrayContaining([
        { name: 'x_by_email', key: { 'v.email': 1 }, unique: undefined },
        { name: 'u_by_email', key: { 'u.by_email': 1 }, unique: true },
        { name: 'x_by_name', key: { 'v.name': 1 }, unique: undefined },
      ]),
    );
  });
});
