import { createHash } from 'node:crypto';
import { MongoClient, type Db } from 'mongodb';
import { dropTestDatabase, testDatabase } from '../../../test-support/database';
import type { BlobStore } from '../../storage/blob-store';
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

async function emptyStorage(blobs: BlobStore = new MongoBlobStore(db, 'document')): Promise<MongoDocumentStorage> {
  await db.collection(DOCUMENTS_COLLECTION).deleteMany({});
  await db.collection('document_blobs').deleteMany({});
  await db.collection('document_blob_chunks').deleteMany({});
  const storage = new MongoDocumentStorage(db, blobs, { inlineLimitBytes: INLINE_LIMIT });
  await storage.ensureIndexes();
  return storage;
}

describeDocumentStorageContract('MongoDocumentStorage', () => emptyStorage());

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

  it('sweeps the content of replaced and deleted documents once it is older than the cut-off', async () => {
    const storage = await emptyStorage();
    await storage.put(key, documentOf(Buffer.alloc(INLINE_LIMIT + 1, 1)), 'any');
    await storage.put(key, documentOf(Buffer.alloc(INLINE_LIMIT + 1, 2)), 'any');
    await storage.put({ ...key, id: 'gone' }, documentOf(Buffer.alloc(INLINE_LIMIT + 1, 3)), 'any');
    await storage.delete({ ...key, id: 'gone' }, 'any');
    expect(await storage.sweepUnreferencedContent(new Date(Date.now() - 60_000))).toBe(0);
    expect(await storage.sweepUnreferencedContent(new Date(Date.now() + 60_000))).toBe(2);
    expect(await db.collection('document_blobs').countDocuments()).toBe(1);
    expect((await storage.get(key))?.content).toEqual(Buffer.alloc(INLINE_LIMIT + 1, 2));
  });

  it('creates its indexes once and tolerates being asked again', async () => {
    const storage = await emptyStorage();
    await storage.ensureIndexes();
    const names = (await db.collection(DOCUMENTS_COLLECTION).listIndexes().toArray()).map((index) => index.name);
    expect(names).toEqual(expect.arrayContaining(DOCUMENT_INDEXES.map((index) => index.name)));
  });
});

describe('MongoDocumentStorage sweeping while documents are written', () => {
  const T0 = Date.parse('2024-01-01T00:00:00.000Z');
  const HOUR = 3_600_000;
  const keyOf = (id: string): DocumentKey => ({ kind: 'activity-profile', activityId: 'http://example.org/a', id });
  const documentOf = (content: Buffer): NewDocument => ({
    content,
    contentType: 'application/octet-stream',
    etag: createHash('sha1').update(content).digest('hex'),
    updated: new Date(),
  });

  /** A blob store on a settable clock that runs `before[method]` once, just before that method. */
  function interleavingBlobs() {
    const clock = { now: T0 };
    const inner = new MongoBlobStore(db, 'document', { now: () => new Date(clock.now) });
    const before: Partial<Record<'get' | 'delete', () => Promise<unknown>>> = {};
    const once = async (method: 'get' | 'delete') => {
      const run = before[method];
      delete before[method];
      await run?.();
    };
    const blobs: BlobStore = {
      put: (hash, contentType, content) => inner.put(hash, contentType, content),
      storedBefore: (time, limit) => inner.storedBefore(time, limit),
      get: async (hash) => (await once('get'), inner.get(hash)),
      delete: async (hash, storedBefore) => (await once('delete'), inner.delete(hash, storedBefore)),
    };
    return { blobs, clock, before };
  }

  it('keeps content that a PUT stores again between the check that nothing refers to it and its delete', async () => {
    const { blobs, clock, before } = interleavingBlobs();
    const storage = await emptyStorage(blobs);
    const content = Buffer.alloc(INLINE_LIMIT + 1, 7);
    await storage.put(keyOf('first'), documentOf(content), 'any');
    await storage.delete(keyOf('first'), 'any');
    clock.now = T0 + 2 * HOUR;
    before.delete = () => storage.put(keyOf('second'), documentOf(content), 'any');

    expect(await storage.sweepUnreferencedContent(new Date(T0 + HOUR))).toBe(0);
    expect(before.delete).toBeUndefined();
    expect((await storage.get(keyOf('second')))?.content).toEqual(content);
  });

  it('reads a document again when the content its record named was replaced and swept before it was read', async () => {
    const { blobs, clock, before } = interleavingBlobs();
    const storage = await emptyStorage(blobs);
    const old = Buffer.alloc(INLINE_LIMIT + 1, 1);
    const replacement = Buffer.alloc(INLINE_LIMIT + 1, 2);
    await storage.put(keyOf('doc'), documentOf(old), 'any');
    clock.now = T0 + 2 * HOUR;
    before.get = async () => {
      await storage.put(keyOf('doc'), documentOf(replacement), 'any');
      expect(await storage.sweepUnreferencedContent(new Date(T0 + HOUR))).toBe(1);
    };

    expect((await storage.get(keyOf('doc')))?.content).toEqual(replacement);
    expect(before.get).toBeUndefined();
  });
});
