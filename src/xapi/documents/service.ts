import { createHash } from 'node:crypto';
import { BadRequestError, ConflictError, NotFoundError } from '../../errors';
import { isJsonDocument, mergeJsonObjects, parseJsonContent, parseJsonObject, type DocumentBody } from './content';
import { DocumentErrorCode } from './errors';
import {
  type DocumentIdList,
  type DocumentKey,
  type DocumentMeta,
  type DocumentQuery,
  type DocumentStorage,
  type Expected,
  type StoredDocument,
} from './document-storage';
import { checkPreconditions, hasPreconditions, type Preconditions } from './preconditions';

/** Whether a PUT must carry If-Match or If-None-Match: Profile resources yes, State no (Communication 3.1.s3). */
export type PutPolicy = 'preconditions-required' | 'preconditions-optional';

export interface DocumentServiceOptions {
  now?: () => Date;
  /** Compare-and-swap attempts before giving up on a document that keeps changing (default 10). */
  maxAttempts?: number;
  /**
   * Longest pause between two attempts, in ms (default 50). Each pause is random, up to a bound
   * that doubles from 1 ms, so that writers who lost to each other do not collide again.
   */
  maxBackoffMs?: number;
}

/**
 * The behaviour the three Document Resources share (Communication 2.2, 3.1). Every conditional
 * write reads the stored version, checks the request against it and writes only if that version
 * is still stored, retrying when another writer came in between; so preconditions and merges
 * are never applied to a document other than the one they were checked against.
 *
 * That relies on the storage's compare-and-swap being atomic, which the DocumentStorage port
 * promises (one statement on SQLite; on MongoDB one single-document write, which
 * MongoDocumentStorage also serializes within the process for FerretDB v1). The service itself
 * does not serialize requests: concurrent writers of one document retry after a random pause,
 * and each round at least one of them succeeds.
 */
export class DocumentService {
  private readonly now: () => Date;
  private readonly maxAttempts: number;
  private readonly maxBackoffMs: number;

  constructor(
    private readonly storage: DocumentStorage,
    options: DocumentServiceOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.maxAttempts = options.maxAttempts ?? 10;
    this.maxBackoffMs = options.maxBackoffMs ?? 50;
  }

  async get(key: DocumentKey): Promise<StoredDocument> {
    const document = await this.storage.get(key);
    if (document === undefined) {
      throw new NotFoundError(`There is no document "${key.id}" for these parameters`, DocumentErrorCode.NotFound);
    }
    return document;
  }

  listIds(query: DocumentQuery): Promise<DocumentIdList> {
    return this.storage.listIds(query);
  }

  /** PUT: stores the body as the whole document. */
  async put(key: DocumentKey, body: DocumentBody, preconditions: Preconditions, policy: PutPolicy): Promise<void> {
    if (isJsonDocument(body)) parseJsonContent(body.content, 'document');
    if (!hasPreconditions(preconditions)) {
      if (policy === 'preconditions-required') await this.refuseUnconditionalPut(key);
      await this.untilStored(() => this.storage.put(key, this.stamp(body), 'any'));
      return;
    }
    await this.untilStored(async () => {
      const current = await this.storage.getMeta(key);
      checkPreconditions(current, preconditions);
      return this.storage.put(key, this.stamp(body), expectationOf(current));
    });
  }

  /**
   * POST: merges a posted JSON Object into the stored one (Communication 2.2.s7), or stores the
   * body when there is no document yet. A posted application/json body must be a JSON Object
   * even then, so that the document can be merged into later.
   */
  async post(key: DocumentKey, body: DocumentBody, preconditions: Preconditions): Promise<void> {
    const posted = isJsonDocument(body) ? parseJsonObject(body.content, 'posted document') : undefined;
    await this.untilStored(async () => {
      const current = await this.storage.get(key);
      checkPreconditions(current, preconditions);
      const next = current === undefined ? body : merged(current, body, posted);
      return this.storage.put(key, this.stamp(next), expectationOf(current));
    });
  }

  async delete(key: DocumentKey, preconditions: Preconditions): Promise<void> {
    if (!hasPreconditions(preconditions)) {
      await this.storage.delete(key, 'any');
      return;
    }
    await this.untilStored(async () => {
      const current = await this.storage.getMeta(key);
      checkPreconditions(current, preconditions);
      return current === undefined || this.storage.delete(key, { etag: current.etag });
    });
  }

  async deleteAll(query: DocumentQuery): Promise<void> {
    await this.storage.deleteAll(query);
  }

  /**
   * 409 when the document exists (Communication 3.1.s4.b13–b15); else 400, as the client had to
   * send one of the headers (3.1.s3.b1) and the ADL conformance suite expects the LRS to say so.
   */
  private async refuseUnconditionalPut(key: DocumentKey): Promise<never> {
    if ((await this.storage.getMeta(key)) !== undefined) {
      throw new ConflictError(
        DocumentErrorCode.Exists,
        'The document already exists and the PUT has neither If-Match nor If-None-Match. Check its current state ' +
          '(GET it), then PUT again with If-Match set to its current ETag to replace it.',
      );
    }
    throw new BadRequestError(
      DocumentErrorCode.PreconditionRequired,
      'A PUT to a Profile document must have an If-Match or an If-None-Match header (Communication 3.1.s3.b1); ' +
        'send If-None-Match: * to create a document that does not exist yet.',
    );
  }

  private stamp(body: DocumentBody): StoredDocument {
    return { ...body, etag: createHash('sha1').update(body.content).digest('hex'), updated: this.now() };
  }

  /** Runs `attempt` until it reports success, at most maxAttempts times, pausing between attempts. */
  private async untilStored(attempt: () => Promise<boolean>): Promise<void> {
    for (let count = 0; count < this.maxAttempts; count++) {
      if (count > 0) await pause(Math.random() * Math.min(this.maxBackoffMs, 2 ** (count - 1)));
      if (await attempt()) return;
    }
    throw new ConflictError(
      DocumentErrorCode.ConcurrentUpdate,
      'The document kept changing while this request was applied; retry it',
    );
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function expectationOf(current: DocumentMeta | undefined): Expected {
  return current === undefined ? 'absent' : { etag: current.etag };
}

/** The stored document with the posted Object merged in; 400 unless both are JSON Objects (2.2.s8.b1). */
function merged(current: StoredDocument, body: DocumentBody, posted: Record<string, unknown> | undefined): DocumentBody {
  if (posted === undefined || !isJsonDocument(current)) {
    throw new BadRequestError(
      DocumentErrorCode.NotMergeable,
      'A POST to an existing document merges JSON Objects, so both documents must have Content-Type application/json ' +
        `(Communication 2.2.s8.b1); the stored one has "${current.contentType}", the posted one "${body.contentType}". ` +
        'Use PUT to replace the document.',
    );
  }
  const stored = parseJsonObject(current.content, 'stored document');
  return { contentType: current.contentType, content: mergeJsonObjects(stored, posted) };
}
