import { createHash } from 'node:crypto';
import { Binary, type Collection, type Db, type Filter } from 'mongodb';
import { ensureIndexes, type IndexDefinition } from '../../db/indexes';
import { isDuplicateKeyError } from '../../db/mongo';
import type { BlobStore } from '../../storage/blob-store';
import { KeyedSerializer } from '../../storage/keyed-serializer';
import { dropUndefined } from '../actors';
import {
  documentContextId,
  documentRecordId,
  type DocumentIdList,
  type DocumentKey,
  type DocumentKind,
  type DocumentMeta,
  type DocumentQuery,
  type DocumentStorage,
  type Expected,
  type NewDocument,
  type StoredDocument,
} from './document-storage';

export const DOCUMENTS_COLLECTION = 'documents';

/** Content up to this size is kept inside the document record; larger content goes to the blob store. */
export const DEFAULT_INLINE_LIMIT_BYTES = 256 * 1024;

/**
 * One record per document. `_id` is derived from the whole key, so reading or writing one
 * document is a point lookup by `_id` (the one query FerretDB answers without a scan); `context`
 * is derived from the list context and, with `registration` and `updated`, serves the id lists,
 * `since` and multi-document DELETE. The key parts are kept readable for operators.
 */
export interface DocumentRecord {
  _id: string;
  context: string;
  kind: DocumentKind;
  activityId?: string;
  agentKey?: string;
  registration?: string;
  documentId: string;
  contentType: string;
  length: number;
  etag: string;
  updated: Date;
  /** The content, when at most the inline limit. */
  inline?: Binary;
  /** Otherwise the SHA-256 under which the blob store holds it. */
  blob?: string;
}

export const DOCUMENT_INDEXES: readonly IndexDefinition[] = [
  { key: { context: 1, registration: 1, updated: 1 }, name: 'context_registration_updated' },
  { key: { blob: 1 }, name: 'blob' },
];

const SWEEP_PAGE = 500;
/** Reads of a document whose large content a sweep deleted after it was replaced, before giving up. */
const MAX_READ_ATTEMPTS = 3;

const META_PROJECTION = { contentType: 1, etag: 1, updated: 1 } as const;

export interface MongoDocumentStorageOptions {
  /** Largest content stored inline, in bytes (default DEFAULT_INLINE_LIMIT_BYTES). */
  inlineLimitBytes?: number;
}

/**
 * Documents in the `documents` collection, large content in a BlobStore.
 *
 * Each conditional write is one single-document operation, atomic on MongoDB across processes.
 * FerretDB v1 evaluates a write's filter and writes in separate steps, so two concurrent
 * conditional writes can both succeed; `put` and `delete` of one document are therefore also
 * serialized within this process, which makes them atomic on FerretDB too as long as one LRS
 * process uses the database.
 */
export class MongoDocumentStorage implements DocumentStorage {
  private readonly records: Collection<DocumentRecord>;
  private readonly inlineLimitBytes: number;
  private readonly writes = new KeyedSerializer();

  constructor(
    db: Db,
    private readonly blobs: BlobStore,
    options: MongoDocumentStorageOptions = {},
  ) {
    this.records = db.collection(DOCUMENTS_COLLECTION);
    this.inlineLimitBytes = options.inlineLimitBytes ?? DEFAULT_INLINE_LIMIT_BYTES;
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.records, DOCUMENT_INDEXES);
  }

  /**
   * The record, then its content. Large content the record named can be gone by then if the
   * document was replaced meanwhile and a sweep deleted the old content: the record is read again.
   */
  async get(key: DocumentKey): Promise<StoredDocument | undefined> {
    const _id = documentRecordId(key);
    for (let attempt = 0; attempt < MAX_READ_ATTEMPTS; attempt++) {
      const record = await this.records.findOne({ _id });
      if (record === null) return undefined;
      const content = await documentContentOf(record, this.blobs);
      if (content !== undefined) return { ...metaOf(record), content };
    }
    throw new Error(`The content of document ${_id} is missing from the blob store`);
  }

  async getMeta(key: DocumentKey): Promise<DocumentMeta | undefined> {
    const record = await this.records.findOne({ _id: documentRecordId(key) }, { projection: META_PROJECTION });
    return record === null ? undefined : metaOf(record);
  }

  async put(key: DocumentKey, document: NewDocument, expected: Expected): Promise<boolean> {
    const { _id, ...fields } = await this.toRecord(key, document);
    return this.writes.run(_id, async () => {
      try {
        if (expected === 'absent') {
          await this.records.insertOne({ _id, ...fields });
          return true;
        }
        const filter: Filter<DocumentRecord> = expected === 'any' ? { _id } : { _id, etag: expected.etag };
        const result = await this.records.replaceOne(filter, fields, { upsert: expected === 'any' });
        return result.matchedCount + result.upsertedCount === 1;
      } catch (error) {
        // A concurrent writer created the document first; the caller decides what to do next.
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    });
  }

  async delete(key: DocumentKey, expected: 'any' | { etag: string }): Promise<boolean> {
    const _id = documentRecordId(key);
    return this.writes.run(_id, async () => {
      const result = await this.records.deleteOne(expected === 'any' ? { _id } : { _id, etag: expected.etag });
      return result.deletedCount === 1;
    });
  }

  async listIds(query: DocumentQuery): Promise<DocumentIdList> {
    const filter = queryFilter(query);
    if (query.since !== undefined) filter.updated = { $gt: query.since };
    const records = await this.records.find(filter, { projection: { documentId: 1, updated: 1 } }).toArray();
    const lastModified = records.reduce<Date | undefined>(
      (latest, record) => (latest === undefined || record.updated > latest ? record.updated : latest),
      undefined,
    );
    return { ids: [...new Set(records.map((record) => record.documentId))], lastModified };
  }

  async deleteAll(query: DocumentQuery): Promise<number> {
    const result = await this.records.deleteMany(queryFilter(query));
    return result.deletedCount;
  }

  /**
   * Content is written to the blob store (which refreshes its stored time) before the record that
   * names it, so content unreferenced when checked here and referenced by a put in progress was
   * stored again after `storedBefore`, and the conditional delete keeps it.
   */
  async sweepUnreferencedContent(storedBefore: Date): Promise<number> {
    let deleted = 0;
    for (const hash of await this.blobs.storedBefore(storedBefore, SWEEP_PAGE)) {
      if ((await this.records.countDocuments({ blob: hash }, { limit: 1 })) > 0) continue;
      if (await this.blobs.delete(hash, storedBefore)) deleted++;
    }
    return deleted;
  }

  private async toRecord(key: DocumentKey, document: NewDocument): Promise<DocumentRecord> {
    const record: DocumentRecord = {
      _id: documentRecordId(key),
      context: documentContextId(key),
      kind: key.kind,
      ...dropUndefined({ activityId: key.activityId, agentKey: key.agentKey, registration: key.registration }),
      documentId: key.id,
      contentType: document.contentType,
      length: document.content.length,
      etag: document.etag,
      updated: document.updated,
    };
    return { ...record, ...(await placeDocumentContent(document.contentType, document.content, this.blobs, this.inlineLimitBytes)) };
  }
}

/**
 * Where a record keeps its content: inline up to the limit, else in the blob store under its
 * SHA-256, stored by this call. Content first, record second: a crash in between leaves an
 * unreferenced blob, never a dangling record.
 */
export async function placeDocumentContent(
  contentType: string,
  content: Buffer,
  blobs: BlobStore,
  inlineLimitBytes: number,
): Promise<Pick<DocumentRecord, 'inline' | 'blob'>> {
  if (content.length <= inlineLimitBytes) return { inline: new Binary(content) };
  const hash = sha256(content);
  await blobs.put(hash, contentType, content);
  return { blob: hash };
}

/** A record's content, undefined when the blob it names is not (or no longer) stored. */
export async function documentContentOf(record: Pick<DocumentRecord, 'inline' | 'blob'>, blobs: BlobStore): Promise<Buffer | undefined> {
  if (record.inline !== undefined) return Buffer.from(record.inline.buffer);
  return record.blob === undefined ? undefined : (await blobs.get(record.blob))?.content;
}

function metaOf(record: Pick<DocumentRecord, 'contentType' | 'etag' | 'updated'>): DocumentMeta {
  return { contentType: record.contentType, etag: record.etag, updated: record.updated };
}

function queryFilter(query: DocumentQuery): Filter<DocumentRecord> {
  const filter: Filter<DocumentRecord> = { context: documentContextId(query) };
  if (query.registration !== undefined) filter.registration = query.registration;
  return filter;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
