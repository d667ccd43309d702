import type { Db } from 'mongodb';
import { useTestDatabase } from '../../test-support/database';
import { describeCredentialStoreContract } from './credential-store.contract';
import { CREDENTIALS_COLLECTION, MongoCredentialStore } from './mongo-credential-store';

const database = useTestDatabase();

let db: Db;

beforeAll(() => {
  db = database();
});

async function emptyStore(authorityHomePage: string): Promise<MongoCredentialStore> {
  await db.collection(CREDENTIALS_COLLECTION).deleteMany({});
  return new MongoCredentialStore(db, { authorityHomePage });
}

describeCredentialStoreContract('MongoCredentialStore', emptyStore);

describe('MongoCredentialStore storage', () => {
  it('keeps one document per credential, keyed by the key, holding only the hash of the secret', async () => {
    const store = await emptyStore('https://lrs.example.test/');
    await store.create({ name: 'Moodle', scopes: ['statements/write'], key: 'moodle', secret: 'moodle secret' });
    const document = await db.collection(CREDENTIALS_COLLECTION).findOne({ _id: 'moodle' as never });
    expect(document).toMatchObject({
      _id: 'moodle',
      name: 'Moodle',
      secretHash: { algorithm: 'scrypt', N: expect.any(Number), r: expect.any(Number), p: expect.any(Number) },
    });
    expect(JSON.stringify(document)).not.toContain('moodle secret');
  });
});
