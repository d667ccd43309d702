import { Binary, type Collection, type Db } from 'mongodb';
import type { Blob, BlobStore } from './blob-store';

interface BlobDocument {
  _id: string;
  contentType: string;
  length: number;
  chunks: number;
  storedAt: Date;
}

interface ChunkDocument {
  _id: string;
  data: Binary;
}

export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Chunks are written before the blob's head document, and readers look up the head first, so a
 * crash mid-write leaves at worst unreferenced chunks that the next put of that hash overwrites.
 */
export class MongoBlobStore implements BlobStore {
  private readonly heads: Collection<BlobDocument>;
  private readonly chunks: Collection<ChunkDocument>;

  constructor(
    db: Db,
    prefix: string,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {
    this.heads = db.collection(`${prefix}_blobs`);
    this.chunks = db.collection(`${prefix}_blob_chunks`);
  }

  async put(hash: string, contentType: string, content: Buffer): Promise<void> {
    if ((await this.heads.countDocuments({ _id: hash }, { limit: 1 })) > 0) return;
    const count = Math.max(1, Math.ceil(content.length / this.chunkBytes));
    await this.chunks.bulkWrite(
      Array.from({ length: count }, (_, index) => ({
        replaceOne: {
          filter: { _id: chunkId(hash, index) },
          replacement: { data: new Binary(content.subarray(index * this.chunkBytes, (index + 1) * this.chunkBytes)) },
          upsert: true,
        },
      })),
      { ordered: false },
    );
    await this.heads.replaceOne(
      { _id: hash },
      { contentType, length: content.length, chunks: count, storedAt: new Date() },
      { upsert: true },
    );
  }

  async get(hash: string): Promise<Blob | undefined> {
    const head = await this.heads.findOne({ _id: hash });
    if (head === null) return undefined;
    const parts = await Promise.all(
      Array.from({ length: head.chunks }, (_, index) => this.chunks.findOne({ _id: chunkId(hash, index) })),
    );
    if (parts.some((part) => part === null)) return undefined;
    const content = Buffer.concat(parts.map((part) => Buffer.from(part!.data.buffer)));
    return { contentType: head.contentType, content };
  }

  async storedBefore(time: Date, limit: number): Promise<string[]> {
    const heads = await this.heads
      .find({ storedAt: { $lt: time } }, { projection: { _id: 1 } })
      .sort({ storedAt: 1 })
      .limit(limit)
      .toArray();
    return heads.map((head) => head._id);
  }

  /** Head first, then chunks: a reader never finds a head whose chunks are gone. */
  async delete(hash: string): Promise<void> {
    const head = await this.heads.findOneAndDelete({ _id: hash });
    if (head === null) return;
    await this.chunks.bulkWrite(
      Array.from({ length: head.chunks }, (_, index) => ({ deleteOne: { filter: { _id: chunkId(hash, index) } } })),
      { ordered: false },
    );
  }
}

function chunkId(hash: string, index: number): string {
  return `${hash}#${index}`;
}
