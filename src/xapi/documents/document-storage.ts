import { createHash } from 'node:crypto';

/**
 * The storage port of the three Document Resources (Communication 2.2): State, Activity Profile
 * and Agent Profile documents. Storage knows nothing of HTTP, JSON merging or preconditions; it
 * keeps opaque content with its metadata and offers compare-and-swap writes on the ETag, which the
 * service uses to make precondition checks and merges safe without transactions. Each `put` and
 * `delete` is atomic: of two writes expecting the same version, at most one succeeds (adapters
 * that cannot rely on the database for that serialize writes themselves; see MongoDocumentStorage).
 * Adapters: MongoDocumentStorage, SqliteDocumentStorage; each must pass
 * describeDocumentStorageContract (document-storage.contract.ts).
 */
export interface DocumentStorage {
  ensureIndexes(): Promise<void>;

  /** The document with its content; undefined when there is none. */
  get(key: DocumentKey): Promise<StoredDocument | undefined>;
  /** The document's metadata without reading its content; undefined when there is none. */
  getMeta(key: DocumentKey): Promise<DocumentMeta | undefined>;
  /**
   * Stores the document if the one stored now is what `expected` says; returns whether it did.
   * `'any'` creates or replaces, `'absent'` only creates, `{ etag }` only replaces that version.
   */
  put(key: DocumentKey, document: NewDocument, expected: Expected): Promise<boolean>;
  /** Deletes the document if it is the expected version (`'any'`: whatever is stored); returns whether one was deleted. */
  delete(key: DocumentKey, expected: 'any' | { etag: string }): Promise<boolean>;

  /** Ids of the documents in the query's context, each once, in no particular order. */
  listIds(query: DocumentQuery): Promise<DocumentIdList>;
  /** Deletes every document in the query's context (its `since` is ignored); returns how many. */
  deleteAll(query: DocumentQuery): Promise<number>;
  /**
   * Deletes stored large-document content that no document refers to any more (replaced or
   * deleted documents), if it was last stored before `storedBefore`; returns how many were
   * deleted. Content a document refers to is never deleted, and neither is content written by a
   * put still in progress, provided that put started after `storedBefore`. Adapters that keep
   * content inside the document record have nothing to sweep and return 0.
   */
  sweepUnreferencedContent(storedBefore: Date): Promise<number>;
}

/** The key as one string, unambiguous however its parts look. */
export function documentKeyText(key: DocumentKey): string {
  return JSON.stringify([key.kind, key.activityId ?? null, key.agentKey ?? null, key.registration ?? null, key.id]);
}

/** The primary key of a stored document: the SHA-256 of its key text, short whatever the activity IRI or the id. */
export function documentRecordId(key: DocumentKey): string {
  return sha256(documentKeyText(key));
}

/** What the documents of one list context share (their registration aside), hashed like documentRecordId. */
export function documentContextId(context: DocumentContext): string {
  return sha256(JSON.stringify([context.kind, context.activityId ?? null, context.agentKey ?? null]));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The resource a document belongs to. */
export type DocumentKind = 'state' | 'activity-profile' | 'agent-profile';

/**
 * The context a document id is unique in: an Activity (activity profiles), an Agent (agent
 * profiles), or both (state). The Agent is identified by its IFI key (see ifiKey in actors.ts).
 */
export interface DocumentContext {
  kind: DocumentKind;
  activityId?: string;
  agentKey?: string;
}

/** One document: its context, the state registration (if any) and its stateId or profileId. */
export interface DocumentKey extends DocumentContext {
  registration?: string;
  id: string;
}

/**
 * The documents of a context. Without `registration`, states of every registration match
 * (Communication 2.3.s4, 2.3.s5: "Activity + Agent [+ registration if specified]").
 */
export interface DocumentQuery extends DocumentContext {
  registration?: string;
  /** Only documents updated strictly after this time. */
  since?: Date;
}

export interface DocumentMeta {
  /** The Content-Type the document was stored with. */
  contentType: string;
  /** Lower-case hexadecimal SHA-1 of the content (Communication 3.1.s4.b2), without quotes. */
  etag: string;
  /** When the document was last stored (Communication 2.2.s2 "updated"). */
  updated: Date;
}

export interface StoredDocument extends DocumentMeta {
  content: Buffer;
}

export type NewDocument = StoredDocument;

export type Expected = 'any' | 'absent' | { etag: string };

export interface DocumentIdList {
  ids: string[];
  /** When the most recently updated of the listed documents was updated; undefined when none. */
  lastModified?: Date;
}
