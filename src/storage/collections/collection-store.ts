/**
 * The generic document store that features and plugins keep their own data in: named collections
 * of JSON documents with declared indexes, owned by a namespace (a plugin's name, or a core
 * feature's such as `people`). Both engines implement it (SqliteCollectionStore, one table with
 * partial expression indexes; MongoCollectionStore, one MongoDB collection per collection), and
 * both pass describeCollectionStoreContract. There are no multi-document transactions (FerretDB
 * has none): atomicity is per document, with optimistic concurrency through `revision`, and
 * uniqueness through unique indexes.
 *
 * Both engines accept and refuse the same things (collection-rules.ts) and store a value as what
 * JSON makes of it: `undefined` properties are dropped, `-0` becomes `0`, dates become strings.
 * Limits: documents of at most 2 MiB of JSON nested at most 100 deep; find returns at most 1000.
 *
 * Comparisons (where, orderBy, unique indexes) are meant for fields holding one type of scalar:
 * a value only equals, or falls in a range bound by, values of its own type (`1` is not `true`,
 * nor `"1"`). Fields that hold several types sort in an engine's own order; fields holding arrays
 * or objects should not be compared (MongoDB matches an array by its elements, SQLite by its JSON).
 * Strings compare by their UTF-8 bytes on both engines.
 */

/** A top-level field value that can be indexed and compared. */
export type FieldValue = string | number | boolean | null;

export interface IndexDeclaration {
  /** [a-z][a-z0-9_]{0,40}, unique within its collection. */
  name: string;
  /** Top-level field names ([A-Za-z_][A-Za-z0-9_-]{0,63}), in index order; 1 to 8 of them. At most 16 indexes. */
  fields: string[];
  /**
   * Refuses a second document with the same values of every field. Documents missing one of the
   * fields, or holding null in it, are not constrained.
   */
  unique?: boolean;
}

export interface CollectionDeclaration {
  indexes?: IndexDeclaration[];
}

export interface StoredDocument<T> {
  id: string;
  value: T;
  /** 1 when inserted, +1 on every update: what `update` compares. */
  revision: number;
}

export interface RangeCondition {
  gt?: FieldValue;
  gte?: FieldValue;
  lt?: FieldValue;
  lte?: FieldValue;
}

export interface FindQuery {
  /**
   * Conditions on top-level fields, all of which a document meets: equality (a value `null`
   * matches a missing field too), a range (bounds not null), or `{ in: [...] }` (at most 1000
   * values; `null` among them matches a missing field). Field names as in IndexDeclaration.
   */
  where?: Record<string, FieldValue | RangeCondition | { in: FieldValue[] }>;
  /**
   * Sort keys, top-level fields (null and missing first when ascending); the document id is always
   * the last tie-breaker, in the direction of the last key (ascending without keys), so that one
   * index serves a descending order too.
   */
  orderBy?: Array<{ field: string; descending?: boolean }>;
  /** 1 to 1000 (the default); more is refused with CollectionQueryError. */
  limit?: number;
}

/**
 * One collection. Document values are JSON objects whose keys contain no `.` or NUL and do not
 * start with `$`, with no array directly inside an array and no lone surrogate (refused with
 * CollectionDocumentError on both engines, as FerretDB would). Ids are non-empty strings of at most
 * 512 characters, any but lone surrogates. A malformed query throws CollectionQueryError.
 *
 * A Collection keeps the declaration it was opened with: after the collection is opened again
 * with another one, use the new handle.
 */
export interface Collection<T extends object = Record<string, unknown>> {
  get(id: string): Promise<StoredDocument<T> | undefined>;
  /** false when the id exists; throws UniqueIndexViolation when a unique index refuses it. */
  insert(id: string, value: T): Promise<boolean>;
  /** Inserts or replaces, whatever the revision. Throws UniqueIndexViolation like insert. */
  put(id: string, value: T): Promise<void>;
  /** `put` of each entry, written together (one transaction where the engine has them); an id given twice keeps its last value. */
  putMany(entries: ReadonlyArray<{ id: string; value: T }>): Promise<void>;
  /** Replaces the document only while it still has `revision`; false otherwise (or when absent). */
  update(id: string, value: T, revision: number): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  find(query?: FindQuery): Promise<StoredDocument<T>[]>;
  count(where?: FindQuery['where']): Promise<number>;
  deleteMany(where?: FindQuery['where']): Promise<number>;
}

export interface CollectionStore {
  /**
   * The collection `name` of `owner` (both [a-z][a-z0-9_-]{0,40}), creating it and its declared
   * indexes when missing (idempotent; indexes no longer declared, or declared differently, are
   * dropped). Throws CollectionDeclarationError for malformed names or indexes, and
   * UniqueIndexViolation when a new unique index finds documents it would refuse.
   */
  open<T extends object = Record<string, unknown>>(owner: string, name: string, declaration?: CollectionDeclaration): Promise<Collection<T>>;
  /** Deletes every document of every collection of `owner` (a plugin's rebuild). */
  clearOwner(owner: string): Promise<void>;
}

/**
 * What copying a store's collections to another engine needs (`npm run migrate`, src/migrate),
 * beside `open`; both adapters have it. Documents are read and written as stored, revisions
 * included. Not for features or plugins.
 */
export interface CollectionDump {
  /** Every collection holding documents or declared indexes, in no particular order. */
  listCollections(): Promise<ListedCollection[]>;
  /**
   * The collection's documents with ids after `afterId` (from the first when undefined), in id
   * order (UTF-8 bytes): at most `limit`, and within `maxBytes` of JSON beyond the first.
   */
  documentsAfter(owner: string, name: string, afterId: string | undefined, limit: number, maxBytes: number): Promise<StoredDocument<Record<string, unknown>>[]>;
  /**
   * Stores the documents with their ids and revisions, replacing those with the same ids; checked
   * like any write, under the unique indexes the collection was last opened with.
   */
  restore(owner: string, name: string, documents: StoredDocument<Record<string, unknown>>[]): Promise<void>;
}

/** A collection as CollectionDump lists it. */
export interface ListedCollection {
  owner: string;
  name: string;
  /** As declared when it was last opened (none for a collection that only holds documents). */
  indexes: IndexDeclaration[];
  /** How many documents it holds. */
  documents: number;
}

/** A unique index refused a write. */
export class UniqueIndexViolation extends Error {
  constructor(readonly index: string) {
    super(`unique index ${index} refuses a second document with these values`);
    this.name = 'UniqueIndexViolation';
  }
}

/** A document that cannot be stored: a key with `.` or a leading `$`, too deep, not an object. */
export class CollectionDocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CollectionDocumentError';
  }
}

/** A collection's owner, name or declared indexes are malformed. */
export class CollectionDeclarationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CollectionDeclarationError';
  }
}

/** A find, count or deleteMany query is malformed (unknown operator, bad field name, limit out of range). */
export class CollectionQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CollectionQueryError';
  }
}
