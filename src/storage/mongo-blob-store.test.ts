import { createHash, randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import { useTestDatabase } from '../../test-support/database';
import { describeBlobStoreContract } from './blob-store.contract';
import { MongoBlobStore } from './mongo-blob-store';

const database = useTestDatabase();
const PREFIX = 'test';
const CHUNK_BYTES = 16 * 1024;

async function emptyStore(now?: () => Date): Promise<MongoBlobStore> {
  const db = database();
  await db.collection(`${PREFIX}_blobs`).deleteMany({});
  await db.collection(`${PREFIX}_blob_chunks`).deleteMany({});
  return new MongoBlobStore(db, PREFIX, { chunkBytes: CHUNK_BYTES, now });
}

describeBlobStoreContract('MongoBlobStore', emptyStore);

describe('MongoBlobStore layout', () => {
  let db: Db;
  const heads = () => db.collection(`${PREFIX}_blobs`);
  const chunks = () => db.collection<{ _id: string }>(`${PREFIX}_blob_chunks`);
  const chunkIds = async () => (await chunks().find({}, { projection: { _id: 1 } }).toArray()).map((chunk) => chunk._id).sort();

  beforeEach(() => {
    db = database();
  });

  it('splits content into chunks named by hash, generation and index, after which it writes the head', async () => {
    const store = await emptyStore();
    const content = randomBytes(2 * CHUNK_BYTES + 1);
    const hash = createHash('sha256').update(content).digest('hex');
    await store.put(hash, 'application/octet-stream', content);
    const head = await heads().findOne({ _id: hash as never });
    expect(head).toMatchObject({ length: content.length, chunks: 3, generation: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(await chunkIds()).toEqual([0, 1, 2].map((index) => `${hash}#${head!.generation}#${index}`));
  });

  it('writes chunks of a new generation when content is stored again after a delete, and deletes only its own', async () => {
    const store = await emptyStore();
    const content = randomBytes(CHUNK_BYTES + 1);
    const hash = createHash('sha256').update(content).digest('hex');
    await store.put(hash, 'application/octet-stream', content);
    const first = (await heads().findOne({ _id: hash as never }))!.generation as string;
    await store.delete(hash);
    expect(await chunkIds()).toEqual([]);
    await store.put(hash, 'application/octet-stream', content);
    const second = (await heads().findOne({ _id: hash as never }))!.generation as string;
    expect(second).not.toBe(first);
    expect(await chunkIds()).toEqual([`${hash}#${second}#0`, `${hash}#${second}#1`]);
  });

  it('stores content held already by refreshing its head only', async () => {
    let now = new Date('2024-01-01T00:00:00.000Z');
    const store = await emptyStore(() => now);
    const content = randomBytes(100);
    const hash = createHash('sha256').update(content).digest('hex');
    await store.put(hash, 'application/octet-stream', content);
    const before = await chunkIds();
    now = new Date('2024-01-02T00:00:00.000Z');
    await store.put(hash, 'application/octet-stream', content);
    expect(await chunkIds()).toEqual(before);
    expect((await heads().findOne({ _id: hash as never }))!.storedAt).toEqual(now);
  });

  it('reads and deletes blobs written before generations (chunks named by hash and index)', async () => {
    const store = await emptyStore();
    const hash = 'f'.repeat(64);
    await chunks().insertMany([
      { _id: `${hash}#0`, data: Buffer.from('legacy ') },
      { _id: `${hash}#1`, data: Buffer.from('content') },
    ] as never);
    await heads().insertOne({ _id: hash, contentType: 'text/plain', length: 14, chunks: 2, storedAt: new Date() } as never);
    expect(await store.get(hash)).toEqual({ contentType: 'text/plain', content: Buffer.from('legacy content') });
    expect(await store.delete(hash)).toBe(true);
    expect(await chunkIds()).toEqual([]);
  });
});
