import { MongoServerError, type Collection as MongoCollection, type Db, type Filter } from 'mongodb';
import { isDuplicateKeyError, refusedDuplicates } from '../../db/mongo';
import { KeyedSerializer } from '../keyed-serializer';
import {
  assertCollectionName,
  assertId,
  assertOwner,
  assertRevision,
  checkedIndexes,
  checkedQuery,
  checkedWhere,
  encodeDocument,
  type Condition,
} from './collection-rules';
import {
  UniqueIndexViolation,
  type Collection,
  type CollectionDeclaration,
  type CollectionDump,
  type CollectionStore,
  type FindQuery,
  type IndexDeclaration,
  type ListedCollection,
  type StoredDocument,
} from './collection-store';

/**
 * A stored document: the value under `v` (so that its keys never meet ours), the revision `r`, and
 * under `u` one key per unique index (uniqueKey), which that index's MongoDB unique index is on.
 */
interface DocumentRecord {
  _id: string;
  r: number;
  v: Record<string, unknown>;
  u?: Record<string, string>;
}

/** Names cannot hold a `.`, so this is unambiguous. */
const COLLECTION_PREFIX = 'collections.';
const QUERY_INDEX_PREFIX = 'x_';
const UNIQUE_INDEX_PREFIX = 'u_';
/** A write refused by a unique index whose conflicting document was gone when looked for is tried again this often. */
const WRITE_ATTEMPTS = 3;

/**
 * One MongoDB collection per (owner, collection), named `collections.<owner>.<collection>`.
 *
 * A declared index is a MongoDB index `x_<name>` on `v.<field>...`, for queries. A unique one is
 * enforced through a second index, `u_<name>`, unique on `u.<name>`: the JSON of the document's
 * values of the index's fields, or, when one is missing or null, `#` and the document's id, which
 * no other document has. Neither sparse nor partial indexes could do this on both MongoDB and
 * FerretDB v1 (which has no partial indexes and treats a missing field as null), and this keeps
 * SQLite's rule: documents missing a field, or holding null in it, are not constrained.
 *
 * Each write is one single-document operation, atomic on MongoDB across processes. FerretDB v1
 * evaluates a write's filter and writes in separate steps, so two concurrent updates at one
 * revision could both succeed: writes of one document are therefore also serialized within the
 * process, which makes them atomic on FerretDB too as long as one LRS process uses the database.
 */
export class MongoCollectionStore implements CollectionStore, CollectionDump {
  private readonly writes = new KeyedSerializer();

  constructor(private readonly db: Db) {}

  async open<T extends object = Record<string, unknown>>(owner: string, name: string, declaration?: CollectionDeclaration): Promise<Collection<T>> {
    assertOwner(owner);
    assertCollectionName(name);
    const indexes = checkedIndexes(declaration);
    const collection = this.db.collection<DocumentRecord>(collectionName(owner, name));
    await reconcileIndexes(collection, indexes);
    return new MongoCollectionOfDocuments<T>(collection, indexes.filter((index) => index.unique), this.writes);
  }

  async clearOwner(owner: string): Promise<void> {
    assertOwner(owner);
    const prefix = `${COLLECTION_PREFIX}${owner}.`;
    const collections = await this.db.listCollections({}, { nameOnly: true }).toArray();
    for (const { name } of collections) {
      if (name.startsWith(prefix)) await this.db.collection(name).deleteMany({});
    }
  }

  /**
   * Every collection there is, with its declaration as its indexes tell it and how many documents
   * it holds, in no particular order: for dumps (`npm run migrate`).
   */
  async listCollections(): Promise<ListedCollection[]> {
    const listed: ListedCollection[] = [];
    for (const { name: collectionName } of await this.db.listCollections({}, { nameOnly: true }).toArray()) {
      if (!collectionName.startsWith(COLLECTION_PREFIX)) continue;
      const [owner, name, ...rest] = collectionName.slice(COLLECTION_PREFIX.length).split('.');
      if (owner === undefined || name === undefined || rest.length > 0) continue;
      const collection = this.db.collection<DocumentRecord>(collectionName);
      listed.push({ owner, name, indexes: await declaredIndexes(collection), documents: await collection.countDocuments({}) });
    }
    return listed;
  }

  /**
   * A collection's documents in id order after `afterId`, revisions included, at most `limit` and,
   * beyond the first, at most `maxBytes` of JSON: for dumps.
   */
  async documentsAfter(owner: string, name: string, afterId: string | undefined, limit: number, maxBytes: number): Promise<StoredDocument<Record<string, unknown>>[]> {
    assertOwner(owner);
    assertCollectionName(name);
    const filter = afterId === undefined ? {} : { _id: { $gt: afterId } };
    const cursor = this.db.collection<DocumentRecord>(collectionName(owner, name)).find(filter, { projection: { r: 1, v: 1 }, sort: { _id: 1 }, limit });
    const documents: StoredDocument<Record<string, unknown>>[] = [];
    let bytes = 0;
    for await (const record of cursor) {
      bytes += Buffer.byteLength(JSON.stringify(record.v));
      if (documents.length > 0 && bytes > maxBytes) break;
      documents.push(toStoredDocument(record));
    }
    return documents;
  }

  /**
   * Stores the documents as they are, revisions included, replacing those with the same ids (for
   * restoring a dump: the collection is opened with its declaration first, so that its unique
   * indexes, and the keys they compare, hold). Throws UniqueIndexViolation like insert.
   */
  async restore(owner: string, name: string, documents: StoredDocument<Record<string, unknown>>[]): Promise<void> {
    assertOwner(owner);
    assertCollectionName(name);
    const collection = this.db.collection<DocumentRecord>(collectionName(owner, name));
    const uniqueIndexes = (await declaredIndexes(collection)).filter((index) => index.unique);
    await new MongoCollectionOfDocuments<Record<string, unknown>>(collection, uniqueIndexes, this.writes).restore(documents);
  }
}

function collectionName(owner: string, name: string): string {
  return `${COLLECTION_PREFIX}${owner}.${name}`;
}

class MongoCollectionOfDocuments<T extends object> implements Collection<T> {
  constructor(
    private readonly collection: MongoCollection<DocumentRecord>,
    private readonly uniqueIndexes: IndexDeclaration[],
    private readonly writes: KeyedSerializer,
  ) {}

  async get(id: string): Promise<StoredDocument<T> | undefined> {
    assertId(id);
    const record = await this.collection.findOne({ _id: id }, { projection: { r: 1, v: 1 } });
    return record ? toStoredDocument<T>(record) : undefined;
  }

  async insert(id: string, value: T): Promise<boolean> {
    assertId(id);
    const record = this.record(id, value);
    return this.write(id, record, async () => {
      await this.collection.insertOne({ _id: id, r: 1, ...record });
      return true;
    }, async () => ((await this.collection.countDocuments({ _id: id }, { limit: 1 })) > 0 ? false : undefined));
  }

  async put(id: string, value: T): Promise<void> {
    assertId(id);
    const record = this.record(id, value);
    await this.write(id, record, async () => {
      await this.collection.updateOne({ _id: id }, { $set: record, $inc: { r: 1 } }, { upsert: true });
      return true;
    });
  }

  /**
   * One unordered bulk write; with unique indexes, one put at a time (each write checks its keys).
   * Bulk writes are not atomic without transactions (FerretDB): a failure may leave some written.
   */
  async putMany(entries: ReadonlyArray<{ id: string; value: T }>): Promise<void> {
    entries.forEach(({ id }) => assertId(id));
    if (this.uniqueIndexes.length > 0) {
      for (const { id, value } of entries) await this.put(id, value);
      return;
    }
    const last = new Map(entries.map(({ id, value }) => [id, value]));
    if (last.size === 0) return;
    await this.collection.bulkWrite(
      [...last].map(([id, value]) => ({ updateOne: { filter: { _id: id }, update: { $set: this.record(id, value), $inc: { r: 1 } }, upsert: true } })),
      { ordered: false },
    );
  }

  async update(id: string, value: T, revision: number): Promise<boolean> {
    assertId(id);
    const record = this.record(id, value);
    if (!Number.isSafeInteger(revision)) return false;
    return this.write(id, record, async () => {
      const result = await this.collection.updateOne({ _id: id, r: revision }, { $set: record, $inc: { r: 1 } });
      return result.matchedCount === 1;
    });
  }

  async delete(id: string): Promise<boolean> {
    assertId(id);
    return this.writes.run(this.writeKey(id), async () => (await this.collection.deleteOne({ _id: id })).deletedCount === 1);
  }

  async find(query?: FindQuery): Promise<StoredDocument<T>[]> {
    const { conditions, orderBy, idDescending, limit } = checkedQuery(query);
    const sort: Record<string, 1 | -1> = {};
    for (const { field, descending } of orderBy) sort[`v.${field}`] = descending ? -1 : 1;
    sort._id = idDescending ? -1 : 1;
    const records = await this.collection.find(filterOf(conditions), { projection: { r: 1, v: 1 }, sort, limit }).toArray();
    return records.map((record) => toStoredDocument<T>(record));
  }

  async count(where?: FindQuery['where']): Promise<number> {
    return this.collection.countDocuments(filterOf(checkedWhere(where)));
  }

  async deleteMany(where?: FindQuery['where']): Promise<number> {
    return (await this.collection.deleteMany(filterOf(checkedWhere(where)))).deletedCount;
  }

  /** MongoCollectionStore.restore: inserted at once, and those whose ids exist replaced one by one. */
  async restore(documents: StoredDocument<T>[]): Promise<void> {
    const records: DocumentRecord[] = documents.map(({ id, revision, value }) => {
      assertId(id);
      assertRevision(revision);
      return { _id: id, r: revision, ...this.record(id, value) };
    });
    if (records.length === 0) return;
    let refused: DocumentRecord[];
    try {
      await this.collection.insertMany(records, { ordered: false });
      return;
    } catch (error) {
      refused = refusedDuplicates(error, records);
    }
    for (const { _id, ...replacement } of refused) {
      await this.write(_id, replacement, async () => {
        await this.collection.replaceOne({ _id }, replacement, { upsert: true });
        return true;
      });
    }
  }

  /** What a write sets: the value, as JSON makes it, and its unique keys. */
  private record(id: string, value: T): Pick<DocumentRecord, 'v' | 'u'> {
    const v = encodeDocument(value).value;
    if (this.uniqueIndexes.length === 0) return { v };
    return { v, u: Object.fromEntries(this.uniqueIndexes.map((index) => [index.name, uniqueKey(index, v, id)])) };
  }

  /**
   * Runs a write, turning a duplicate key into UniqueIndexViolation of the index whose key another
   * document holds. FerretDB names no index in its duplicate key errors (and reports one on update
   * as a generic error), so the conflicting document is looked for; when there is none (it went
   * meanwhile, or two upserts of one id raced) the write is tried again. `duplicateId` answers a
   * duplicate `_id` (insert), undefined to go on.
   */
  private write(id: string, record: Pick<DocumentRecord, 'u'>, attempt: () => Promise<boolean>, duplicateId?: () => Promise<boolean | undefined>): Promise<boolean> {
    return this.writes.run(this.writeKey(id), () => this.attemptWrite(record, attempt, duplicateId));
  }

  private async attemptWrite(record: Pick<DocumentRecord, 'u'>, attempt: () => Promise<boolean>, duplicateId?: () => Promise<boolean | undefined>): Promise<boolean> {
    for (let attempts = 1; ; attempts++) {
      try {
        return await attempt();
      } catch (error) {
        if (!mayBeDuplicateKey(error)) throw error;
        const answer = await duplicateId?.();
        if (answer !== undefined) return answer;
        const index = await this.conflictingIndex(record);
        if (index) throw new UniqueIndexViolation(index);
        if (attempts >= WRITE_ATTEMPTS) throw error;
      }
    }
  }

  /** Collection names hold no `/`. */
  private writeKey(id: string): string {
    return `${this.collection.collectionName}/${id}`;
  }

  private async conflictingIndex(record: Pick<DocumentRecord, 'u'>): Promise<string | undefined> {
    for (const index of this.uniqueIndexes) {
      const key = record.u?.[index.name];
      if (key === undefined || key.startsWith('#')) continue;
      if ((await this.collection.countDocuments({ [`u.${index.name}`]: key }, { limit: 1 })) > 0) return index.name;
    }
    return undefined;
  }
}

/** FerretDB v1 reports a unique index refusing an update as error 1 with SQLite's message. */
function mayBeDuplicateKey(error: unknown): boolean {
  return isDuplicateKeyError(error) || (error instanceof MongoServerError && /UNIQUE constraint failed/.test(error.message));
}

function toStoredDocument<T>(record: Pick<DocumentRecord, '_id' | 'r' | 'v'>): StoredDocument<T> {
  return { id: record._id, revision: record.r, value: record.v as T };
}

/** The key the unique index `u_<name>` compares: the values' JSON, or one only this document has. */
export function uniqueKey(index: IndexDeclaration, value: Record<string, unknown>, id: string): string {
  const values = index.fields.map((field) => (Object.hasOwn(value, field) ? value[field] : null) ?? null);
  return values.includes(null) ? `#${id}` : JSON.stringify(values);
}

function filterOf(conditions: Condition[]): Filter<DocumentRecord> {
  const filter: Record<string, unknown> = {};
  for (const condition of conditions) {
    const path = `v.${condition.field}`;
    if (condition.kind === 'eq') filter[path] = condition.value;
    else if (condition.kind === 'in') filter[path] = { $in: condition.values };
    else filter[path] = { ...(filter[path] as object | undefined), [`$${condition.operator}`]: condition.value };
  }
  return filter as Filter<DocumentRecord>;
}

interface MongoIndex {
  name: string;
  key: Record<string, 1>;
  unique: boolean;
}

/** A declared index's MongoDB indexes: the one queries use, and for a unique one the one that enforces it. */
function mongoIndexes(index: IndexDeclaration): { query: MongoIndex; unique?: MongoIndex } {
  const query: MongoIndex = { name: `${QUERY_INDEX_PREFIX}${index.name}`, key: Object.fromEntries(index.fields.map((field) => [`v.${field}`, 1])), unique: false };
  if (!index.unique) return { query };
  return { query, unique: { name: `${UNIQUE_INDEX_PREFIX}${index.name}`, key: { [`u.${index.name}`]: 1 }, unique: true } };
}

/**
 * Creates the declared indexes the collection lacks, replaces changed ones and drops those no
 * longer declared. The unique index of a declaration whose fields changed is rebuilt too (its key
 * path names no fields): every document gets its key before it is created. A process still
 * writing with the former declaration meanwhile can leave a document with a stale key.
 */
async function reconcileIndexes(collection: MongoCollection<DocumentRecord>, indexes: IndexDeclaration[]): Promise<void> {
  const existing = ((await collection.listIndexes().toArray().catch(() => [])) as ExistingIndex[]).filter(
    ({ name }) => name.startsWith(QUERY_INDEX_PREFIX) || name.startsWith(UNIQUE_INDEX_PREFIX),
  );
  const kept = unchangedIndexes(existing, indexes);
  for (const { name } of existing) {
    if (kept.has(name)) continue;
    await collection.dropIndex(name);
    if (name.startsWith(UNIQUE_INDEX_PREFIX)) await collection.updateMany({}, { $unset: { [`u.${name.slice(UNIQUE_INDEX_PREFIX.length)}`]: '' } });
  }
  for (const index of indexes) {
    const { query, unique } = mongoIndexes(index);
    for (const mongoIndex of unique ? [query, unique] : [query]) {
      if (kept.has(mongoIndex.name)) continue;
      if (mongoIndex.unique) await writeUniqueKeys(collection, index);
      try {
        await collection.createIndex(mongoIndex.key, { name: mongoIndex.name, unique: mongoIndex.unique });
      } catch (error) {
        if (mayBeDuplicateKey(error)) throw new UniqueIndexViolation(index.name);
        throw error;
      }
    }
  }
}

interface ExistingIndex {
  name: string;
  key: Record<string, unknown>;
  unique?: boolean;
}

/** The declaration a collection's indexes were created from (mongoIndexes), by their names and keys. */
async function declaredIndexes(collection: MongoCollection<DocumentRecord>): Promise<IndexDeclaration[]> {
  const existing = (await collection.listIndexes().toArray().catch(() => [])) as ExistingIndex[];
  const uniqueKeys = new Set(existing.filter((index) => index.unique === true && index.name.startsWith(UNIQUE_INDEX_PREFIX)).map((index) => index.name));
  return existing
    .filter((index) => index.name.startsWith(QUERY_INDEX_PREFIX))
    .map(({ name: queryName, key }) => {
      const name = queryName.slice(QUERY_INDEX_PREFIX.length);
      return { name, fields: Object.keys(key).map((path) => path.slice('v.'.length)), unique: uniqueKeys.has(`${UNIQUE_INDEX_PREFIX}${name}`) };
    });
}

/** The names of the existing indexes that are as declared: a unique one only while its query index (which names the fields) is. */
function unchangedIndexes(existing: ExistingIndex[], indexes: IndexDeclaration[]): Set<string> {
  const byName = new Map(existing.map((index) => [index.name, index]));
  const isCurrent = ({ name, key, unique }: MongoIndex) => {
    const found = byName.get(name);
    return found !== undefined && JSON.stringify(found.key) === JSON.stringify(key) && (found.unique === true) === unique;
  };
  const kept = new Set<string>();
  for (const index of indexes) {
    const { query, unique } = mongoIndexes(index);
    if (!isCurrent(query)) continue;
    kept.add(query.name);
    if (unique && isCurrent(unique)) kept.add(unique.name);
  }
  return kept;
}

async function writeUniqueKeys(collection: MongoCollection<DocumentRecord>, index: IndexDeclaration): Promise<void> {
  const projection = Object.fromEntries(index.fields.map((field) => [`v.${field}`, 1]));
  for await (const record of collection.find({}, { projection })) {
    await collection.updateOne({ _id: record._id }, { $set: { [`u.${index.name}`]: uniqueKey(index, record.v ?? {}, record._id) } });
  }
}
