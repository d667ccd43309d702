import { createHash } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { dropTestDatabase, testDatabase } from '../../../test-support/database';
import { MongoBlobStore } from '../../storage/mongo-blob-store';
import { describeDocumentStorageContract } from './document-storage.contract';
import type { DocumentKey, NewDocument } from './document-storage';
import { DOCUMENTS_COLLECTION, DOCUMENT_INDEXES, MongoDocumentStorage } from './mongo-document-storage';

const database = testDatabase();
const INLINE_LIMIT = 1024;

let client: MongoClient;
let db: Db;

beforeAll(async () => {
  client = await MongoClient.connect(database.uri);
  db = client.db(database.dbName);
});

afterAll(async () => {
  await client.close();
  await dropTestDatabase(database);
});

async function emptyStorage(): Promise<MongoDocumentStorage> {
  await db.collection(DOCUMENTS_COLLECTION).deleteMany({});
  const storage = new MongoDocumentStorage(db, new MongoBlobStore(db, 'document'), { inlineLimitBytes: INLINE_LIMIT });
  await storage.ensureIndexes();
  return storage;
}

describeDocumentStorageContract('MongoDocumentStorage', emptyStorage);

describe('MongoDocumentStorage layout', () => {
  const key: DocumentKey = { kind: 'state', activityId: 'http://example.org/a', agentKey: 'mbox:mailto:a@example.org', id: 's' };
  const documentOf = (content: Buffer): NewDocument => ({
    content,
    contentType: 'application/octet-stream',
    etag: createHash('sha1').update(content).digest('hex'),
    updated: new Date(),
  });
  const recordOf = async () => db.collection(DOCUMENTS_COLLECTION).findOne({});

  it('keeps content up to the inline limit inside the record', async () => {
    const storage = await emptyStorage();
    await storage.put(key, documentOf(Buffer.alloc(INLINE_LIMIT, 1)), 'any');
    const record = await recordOf();
    expect(record).toMatchObject({ kind: 'state', documentId: 's', length: INLINE_LIMIT, agentKey: key.agentKey });
    expect(record!._id).toMatch(/^[0-9a-f]{64}$/);
    expect(record!.inline).toBeDefined();
    expect(record!.blob).toBeUndefined();
    expect(record!.registration).toBeUndefined();
  });

  it('moves larger content to the blob store under its SHA-256', async () => {
    const storage = await emptyStorage();
    const content = Buffer.alloc(INLINE_LIMIT + 1, 2);
    await storage.put(key, documentOf(content), 'any');
    const record = await recordOf();
    expect(record!.inline).toBeUndefined();
    expect(record!.blob).toBe(createHash('sha256').update(content).digest('hex'));
    expect(await db.collection('document_blobs').countDocuments({ _id: record!.blob })).toBe(1);
  });

  it('creates its indexes once and tolerates being asked again', async () => {
    const storage = await emptyStorage();
    await storage.ensureIndexes();
    const names = (await db.collection(DOCUMENTS_COLLECTION).listIndexes().toArray()).map((index) => index.name);
    expect(names).toEqual(expect.arrayContaining(DOCUMENT_INDEXES.map((index) => index.name)));
  });
});
