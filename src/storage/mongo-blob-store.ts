import { randomBytes } from 'node:crypto';
import { Binary, type Collection, type Db } from 'mongodb';
import { isDuplicateKeyError } from '../db/mongo';
import type { Blob, BlobStore, BlobStoreOptions } from './blob-store';
import { KeyedSerializer } from './keyed-serializer';

interface BlobDocument {
  _id: string;
  contentType: string;
  length: number;
  chunks: number;
  /**
   * Names the chunks of the write that created this head, so that a write after a delete never
   * shares chunks with it. Absent on heads written before generations existed, whose chunks are
   * `<hash>#<index>`.
   */
  generation?: string;
  storedAt: Date;
}

interface ChunkDocument {
  _id: string;
  data: Binary;
}

export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;

/** Attempts at storing content whose head other processes keep creating and deleting meanwhile. */
const MAX_PUT_ATTEMPTS = 5;

export interface MongoBlobStoreOptions extends BlobStoreOptions {
  /** Largest chunk, in bytes (default DEFAULT_CHUNK_BYTES). */
  chunkBytes?: number;
}

/**
 * A head document per blob (`<prefix>_blobs`) and its content in chunks (`<prefix>_blob_chunks`).
 *
 * A new blob's chunks are written under a fresh generation before its head, and readers look the
 * head up first, so a reader never follows a head to chunks not yet written; a crash mid-write
 * leaves at worst chunks that no head names. Storing content already held only refreshes the
 * head's `storedAt`. Deletes remove the head first, conditionally on `storedAt` when the caller
 * sweeps, then the chunks of that head's generation only: a put of the same content racing the
 * delete either refreshed the head in time (and nothing is deleted) or finds no head and writes
 * chunks of a new generation that the delete does not touch.
 *
 * Each of these steps is a single-document write, atomic on MongoDB. FerretDB v1 evaluates a
 * conditional write's filter and writes in separate steps, so puts and deletes of one hash are
 * also serialized within this process, which makes them safe there as long as one LRS process
 * uses the database.
 */
export class MongoBlobStore implements BlobStore {
  private readonly heads: Collection<BlobDocument>;
  private readonly chunks: Collection<ChunkDocument>;
  private readonly chunkBytes: number;
  private readonly now: () => Date;
  private readonly writes = new KeyedSerializer();

  constructor(db: Db, prefix: string, options: MongoBlobStoreOptions = {}) {
    this.heads = db.collection(`${prefix}_blobs`);
    this.chunks = db.collection(`${prefix}_blob_chunks`);
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.now = options.now ?? (() => new Date());
  }

  put(hash: string, contentType: string, content: Buffer): Promise<void> {
    return this.writes.run(hash, async () => {
      for (let attempt = 0; attempt < MAX_PUT_ATTEMPTS; attempt++) {
        if (await this.refresh(hash)) return;
        if (await this.create(hash, contentType, content)) return;
      }
      throw new Error(`Blob ${hash} kept being created and deleted by other writers while it was stored`);
    });
  }

  async get(hash: string): Promise<Blob | undefined> {
    const head = await this.heads.findOne({ _id: hash });
    if (head === null) return undefined;
    const parts = await Promise.all(chunkIds(head).map((_id) => this.chunks.findOne({ _id })));
    // A delete that came in between: the blob is gone.
    if (parts.some((part) => part === null)) return undefined;
    const content = Buffer.concat(parts.map((part) => Buffer.from(part!.data.buffer)));
    return { contentType: head.contentType, content };
  }

  async storedBefore(time: Date, limit: number): Promise<string[]> {
    const heads = await this.heads
      .find({ storedAt: { $lt: time } }, { projection: { _id: 1 } })
      .sort({ storedAt: 1, _id: 1 })
      .limit(limit)
      .toArray();
    return heads.map((head) => head._id);
  }

  /** Head first, then its generation's chunks: a reader never finds a head whose chunks are gone. */
  delete(hash: string, storedBefore?: Date): Promise<boolean> {
    return this.writes.run(hash, async () => {
      const filter = storedBefore === undefined ? { _id: hash } : { _id: hash, storedAt: { $lt: storedBefore } };
      const head = await this.heads.findOneAndDelete(filter);
      if (head === null) return false;
      await this.deleteChunks(head);
      return true;
    });
  }

  /** Marks a stored blob as stored now; false when there is none. */
  private async refresh(hash: string): Promise<boolean> {
    const result = await this.heads.updateOne({ _id: hash }, { $set: { storedAt: this.now() } });
    return result.matchedCount === 1;
  }

  /** Chunks of a new generation, then the head; false (and no chunks left) when another writer created the head first. */
  private async create(hash: string, contentType: string, content: Buffer): Promise<boolean> {
    const head: Omit<BlobDocument, 'storedAt'> = {
      _id: hash,
      contentType,
      length: content.length,
      chunks: Math.max(1, Math.ceil(content.length / this.chunkBytes)),
      generation: randomBytes(8).toString('hex'),
    };
    await this.chunks.insertMany(
      chunkIds(head).map((_id, index) => ({
        _id,
        data: new Binary(content.subarray(index * this.chunkBytes, (index + 1) * this.chunkBytes)),
      })),
      { ordered: false },
    );
    try {
      await this.heads.insertOne({ ...head, storedAt: this.now() });
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      await this.deleteChunks(head);
      return false;
    }
  }

  /** One point delete per chunk: FerretDB answers lookups by `_id` without a scan, but not `$in`. */
  private async deleteChunks(head: Pick<BlobDocument, '_id' | 'chunks' | 'generation'>): Promise<void> {
    await this.chunks.bulkWrite(
      chunkIds(head).map((_id) => ({ deleteOne: { filter: { _id } } })),
      { ordered: false },
    );
  }
}

function chunkIds(head: Pick<BlobDocument, '_id' | 'chunks' | 'generation'>): string[] {
  const prefix = head.generation === undefined ? head._id : `${head._id}#${head.generation}`;
  return Array.from({ length: head.chunks }, (_, index) => `${prefix}#${index}`);
}
