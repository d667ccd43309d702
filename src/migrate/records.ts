import { createHash } from 'node:crypto';
import type { StoredCredential } from '../auth/credential-store';
import type { IndexDeclaration } from '../storage/collections/collection-store';
import { stableStringify } from '../xapi/statements/fingerprint';
import type { DocumentKind } from '../xapi/documents/document-storage';
import type { FeedPosition, StatementRecord } from '../xapi/statements/statement-storage';

/**
 * The engine-neutral records a migration carries from a dump reader to a dump writer, one type per
 * kind of data. Each engine's reader turns its rows or documents into these and its writer turns
 * them back; nothing in between knows an engine. Where a port already has the type (statements,
 * credentials with their secret hash, collection declarations) it is reused.
 */
export interface RecordOf {
  credentials: StoredCredential;
  activities: ActivityRecord;
  agents: AgentRecord;
  attachments: BlobRecord;
  documents: DocumentRecord;
  statements: MigratedStatement;
  waitingReferences: WaitingReferenceRecord;
  collections: CollectionRecord;
  collectionDocuments: CollectionDocumentRecord;
}

export type Kind = keyof RecordOf;
export type AnyRecord = RecordOf[Kind];

/**
 * The kinds, in the order they are copied: statements after the attachments they refer to, the
 * StatementRef bookkeeping after the statements, the collection store (core features' and
 * plugins' data, which may refer to statements) last, each collection's indexes before its
 * documents so that the target's unique indexes hold them as they arrive.
 */
export const KINDS: readonly Kind[] = [
  'credentials',
  'activities',
  'agents',
  'attachments',
  'documents',
  'statements',
  'waitingReferences',
  'collections',
  'collectionDocuments',
];

/** The kinds kept in the collection store (CollectionStore), the same way on every engine. */
export type CollectionKind = 'collections' | 'collectionDocuments';
/** The kinds each engine keeps in tables or collections of their own. */
export type TableKind = Exclude<Kind, CollectionKind>;

export function isCollectionKind(kind: Kind): kind is CollectionKind {
  return kind === 'collections' || kind === 'collectionDocuments';
}

export function isKind(value: string): value is Kind {
  return (KINDS as readonly string[]).includes(value);
}

/**
 * A statement with its feed position (SQLite's seq, MongoDB's p), which event subscribers and
 * plugins save in the collection store (checkpoints, anchoring batch edges). MongoDB keeps it as
 * it is. SQLite numbers its feed in (stored, id) order, as statements are copied: that keeps a
 * SQLite source's positions, not a MongoDB source's, which follow commit order.
 */
export interface MigratedStatement extends StatementRecord {
  /** Absent on MongoDB until the LRS numbers the statements written without one (at its start). */
  position?: FeedPosition;
}

/** A canonical Activity definition, as the JSON text both engines store. */
export interface ActivityRecord {
  id: string;
  definition: string;
}

/**
 * The names seen with one agent IFI key, in the order first seen (as GET /agents lists them).
 * Agents seen without a name have no record: SQLite keeps nothing for them, and MongoDB's empty
 * placeholder answers GET /agents exactly as no record does.
 */
export interface AgentRecord {
  ifi: string;
  names: string[];
}

/** Attachment content held by the LRS, with its last stored time (content sweeps go by it). */
export interface BlobRecord {
  hash: string;
  contentType: string;
  content: Buffer;
  storedAt: Date;
}

/**
 * A State / Activity Profile / Agent Profile document under its hashed ids (document-storage.ts:
 * documentRecordId, documentContextId), which is all the LRS looks documents up by.
 */
export interface DocumentRecord {
  recordId: string;
  contextId: string;
  registration?: string;
  documentId: string;
  contentType: string;
  etag: string;
  updated: Date;
  content: Buffer;
  /**
   * The readable key parts MongoDB keeps beside the hashes for operators. SQLite does not store
   * them, so they are carried when the source has them, written where the target can keep them,
   * and left out of the verification digest.
   */
  labels?: DocumentLabels;
}

export interface DocumentLabels {
  kind: DocumentKind;
  activityId?: string;
  agentKey?: string;
}

/**
 * Stored statements whose object is a StatementRef to a statement not stored (yet): when it
 * arrives, their filter views grow (and a voiding one voids it). MongoDB keeps them in
 * `statement_waiting_references`; SQLite finds them through its target_id index.
 */
export interface WaitingReferenceRecord {
  targetId: string;
  /** Sorted. */
  referrers: string[];
}

/**
 * A collection of the collection store with its declared indexes (sorted by name). Collections
 * without indexes have no record: they exist through their documents alone.
 */
export interface CollectionRecord {
  owner: string;
  collection: string;
  indexes: IndexDeclaration[];
}

/** A document of the collection store, with its revision (what optimistic updates compare). */
export interface CollectionDocumentRecord {
  owner: string;
  collection: string;
  id: string;
  revision: number;
  value: Record<string, unknown>;
}

/**
 * Where in the collection store: a collection (by owner, then name), or a document in it (then by
 * id, compared as UTF-8 bytes as both engines do).
 */
export interface CollectionPosition {
  owner: string;
  collection: string;
  id?: string;
}

/** Where a kind's records are ordered: a record's key, compared as the databases compare it. */
export type Position = string | number | { stored: number; id: string } | CollectionPosition;

const KEYS: { [K in Kind]: (record: RecordOf[K]) => Position } = {
  credentials: (record) => record.credential.key,
  activities: (record) => record.id,
  agents: (record) => record.ifi,
  attachments: (record) => record.hash,
  documents: (record) => record.recordId,
  statements: (record) => ({ stored: record.stored.getTime(), id: record.id }),
  waitingReferences: (record) => record.targetId,
  collections: ({ owner, collection }) => ({ owner, collection }),
  collectionDocuments: ({ owner, collection, id }) => ({ owner, collection, id }),
};

export function keyOf<K extends Kind>(kind: K, record: RecordOf[K]): Position {
  if (!Object.hasOwn(KEYS, kind)) throw new Error(`unknown kind ${String(kind)}`);
  return (KEYS[kind] as (record: RecordOf[K]) => Position)(record);
}

/**
 * The canonical serialisation of a record, the same on every engine for the same data: JSON with
 * object members in code-unit order and undefined members left out (stableStringify, the form
 * statement fingerprints use, which walks any depth), Dates as ISO-8601 text, Buffers as base64
 * (`{"$base64": …}`). What a kind does not keep on every engine (document labels, feed
 * positions) is left out; what is a set (waiting referrers) is sorted.
 */
export function canonicalRecord<K extends Kind>(kind: K, record: RecordOf[K]): string {
  switch (kind) {
    case 'documents': {
      const { labels: _labels, ...rest } = record as DocumentRecord;
      return canonicalJson(rest);
    }
    case 'statements': {
      const { position: _position, ...rest } = record as MigratedStatement;
      return canonicalJson(rest);
    }
    case 'waitingReferences': {
      const waiting = record as WaitingReferenceRecord;
      return canonicalJson({ ...waiting, referrers: [...waiting.referrers].sort() });
    }
    default:
      return canonicalJson(record);
  }
}

/**
 * Dates and Buffers occur only in a record's own members and theirs (a credential's times), never
 * inside statements or other JSON content, so they are converted to JSON down to that depth.
 */
export function canonicalJson(value: unknown): string {
  return stableStringify(jsonOf(value, 2));
}

function jsonOf(value: unknown, depth: number): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return { $base64: value.toString('base64') };
  if (depth === 0 || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([name, member]) => [name, jsonOf(member, depth - 1)]));
}

/** Count and SHA-256 of a kind's records in key order (each canonical record followed by a newline). */
export class KindDigest {
  private readonly hash = createHash('sha256');
  count = 0;

  constructor(private readonly kind: Kind) {}

  add(record: AnyRecord): void {
    this.hash.update(canonicalRecord(this.kind, record));
    this.hash.update('\n');
    this.count++;
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}
