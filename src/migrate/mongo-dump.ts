import {
  type AnyBulkWriteOperation,
  type Collection,
  type Db,
  type Document,
  type Filter,
  type MongoClient,
} from 'mongodb';
import pino from 'pino';
import { storedCredential, type Credential, type StoredCredential } from '../auth/credential-store';
import { CREDENTIALS_COLLECTION } from '../auth/mongo-credential-store';
import type { SecretHash } from '../auth/secret-hash';
import { connectMongo, isDuplicateKeyError, refusedDuplicates } from '../db/mongo';
import { MongoCollectionStore } from '../storage/collections/mongo-collection-store';
import { MongoBlobStore } from '../storage/mongo-blob-store';
import { redactedUri } from '../storage/mongo-backend';
import type { DocumentKind } from '../xapi/documents/document-storage';
import {
  DEFAULT_INLINE_LIMIT_BYTES,
  DOCUMENTS_COLLECTION,
  documentContentOf,
  MongoDocumentStorage,
  placeDocumentContent,
  type DocumentRecord as DocumentDocument,
} from '../xapi/documents/mongo-document-storage';
import { MongoFeedPositions } from '../xapi/statements/mongo-feed-positions';
import {
  ABANDONED_BATCH_MS,
  MongoStatementStorage,
  toDocument as statementDocumentOf,
  toRecord as statementRecordOf,
  type StatementDocument,
} from '../xapi/statements/mongo-statement-storage';
import {
  DEFAULT_PAGE_LIMITS,
  KeysetDumpReader,
  MigrationError,
  positionText,
  storedCheckpoint,
  withinBudget,
  type Checkpoint,
  type DumpReader,
  type DumpWriter,
  type PageFetchers,
  type PageLimits,
  type PageWriter,
  type PageWriters,
} from './dump';
import { CollectionPages } from './collections';
import {
  isCollectionKind,
  isKind,
  type CollectionKind,
  type AgentRecord,
  type BlobRecord,
  type DocumentRecord,
  type Kind,
  type Position,
  type RecordOf,
  type TableKind,
  type WaitingReferenceRecord,
} from './records';

/**
 * Collections holding each kind (attachment content also lives in `attachment_blob_chunks`; the
 * collection kinds are in the collection store's `collections.<owner>.<collection>`).
 */
const COLLECTIONS: Record<TableKind, string> = {
  credentials: CREDENTIALS_COLLECTION,
  activities: 'activities',
  agents: 'agents',
  attachments: 'attachment_blobs',
  documents: DOCUMENTS_COLLECTION,
  statements: 'statements',
  waitingReferences: 'statement_waiting_references',
};

const PROGRESS_COLLECTION = 'migration_progress';
/** Where a Keiko from before anchoring became a plugin kept its batches and leaves (mongo-legacy-anchoring.ts moves them). */
const LEGACY_ANCHORING = ['anchor_batches', 'anchor_leaves'] as const;
const MIGRATION_ID = '*';
/**
 * The batch (`b`) of migrated statements. No batch record has this id (batch ids are UUIDs), so
 * readers see them as committed.
 */
export const MIGRATED_BATCH = 'migrated';

interface KeyedDocument extends Document {
  _id: string | number;
}

/** Document layouts as the adapters write them (fields the migration reads or writes). */
interface CredentialDocument {
  _id: string;
  name: string;
  scopes: Credential['scopes'];
  authority: Credential['authority'];
  secretHash: SecretHash;
  createdAt: Date;
  updatedAt: Date;
  revokedAt?: Date;
}

interface BlobHead {
  _id: string;
  contentType: string;
  length: number;
  storedAt: Date;
}

/** A document as the documents collection holds it (MongoDocumentStorage), `kind` absent from older ones. */
type StoredDocumentDocument = Omit<DocumentDocument, 'kind'> & { kind?: DocumentKind };

interface BatchDocument {
  _id: string;
  state: 'pending' | 'committed' | 'aborted';
  startedAt: Date;
}

interface ProgressDocument {
  _id: string;
  source: string;
  position?: string;
  copied?: number;
  done?: boolean;
  updatedAt: Date;
}

/** A MongoDB database for a migration, checked not to be in use by an LRS. */
export class MongoDumpDatabase {
  private constructor(
    private readonly client: MongoClient,
    readonly db: Db,
    readonly location: string,
    /** Batches whose statements readers must skip (pending or aborted). */
    readonly invisibleBatches: string[],
  ) {}

  static async open(uri: string, dbName: string, role: 'source' | 'target', now = Date.now()): Promise<MongoDumpDatabase> {
    const location = `MongoDB ${redactedUri(uri)} (database ${dbName})`;
    let client: MongoClient;
    try {
      client = await connectMongo(uri);
    } catch (error) {
      throw new MigrationError(`Cannot connect to the ${role}, ${location}: ${(error as Error).message}`);
    }
    try {
      const db = client.db(dbName);
      const invisible = await checkNotInUse(db, role, location, now);
      return new MongoDumpDatabase(client, db, location, invisible);
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  collection<T extends Document>(kind: TableKind): Collection<T> {
    return this.db.collection<T>(COLLECTIONS[kind]);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/**
 * Refuses a database an LRS is writing to: one with a statement batch younger than a minute (the
 * time after which the LRS itself deems a batch abandoned), or, for a target, a job lease still
 * held. Refuses a source with committed batches whose effects were not applied (voiding,
 * StatementRef views), or with anchoring data from before anchoring became a plugin: the LRS
 * completes the former and moves the latter into the collection store when it starts. Returns the batches whose statements
 * must be skipped (pending or aborted: never acknowledged).
 */
async function checkNotInUse(db: Db, role: 'source' | 'target', location: string, now: number): Promise<string[]> {
  const batches = await db
    .collection<BatchDocument>('statement_batches')
    .find({}, { projection: { _id: 1, state: 1, startedAt: 1 } })
    .toArray();
  const recent = batches.filter((batch) => now - batch.startedAt.getTime() < ABANDONED_BATCH_MS);
  if (recent.length > 0) {
    const age = Math.max(0, Math.round((now - Math.min(...recent.map((batch) => batch.startedAt.getTime()))) / 1000));
    throw new MigrationError(
      `The ${role}, ${location}, has ${recent.length} unfinished statement batch(es) started ${age} s ago: a Keiko LRS is ` +
        'probably writing to it. Stop every LRS that uses it, wait a minute, then run the migration again.',
    );
  }
  if (role === 'target') {
    const held = await db.collection<{ _id: string; expiresAt: Date }>('leases').findOne({ expiresAt: { $gt: new Date(now) } });
    if (held !== null) {
      throw new MigrationError(
        `The target, ${location}, seems in use by a running Keiko LRS: it holds the job lease "${held._id}" until ` +
          `${held.expiresAt.toISOString()}. Stop that LRS first (the lease of one that was killed expires by then).`,
      );
    }
    return [];
  }
  const committed = batches.filter((batch) => batch.state === 'committed');
  if (committed.length > 0) {
    throw new MigrationError(
      `The source, ${location}, has ${committed.length} statement batch(es) committed by an LRS that stopped before ` +
        'applying their effects (voiding, StatementRef filters). Start the LRS on it once (it completes them at start-up), ' +
        'stop it, then run the migration again.',
    );
  }
  const [legacyBatches, legacyLeaves] = await Promise.all(LEGACY_ANCHORING.map((name) => db.collection(name).countDocuments({})));
  if (legacyBatches! + legacyLeaves! > 0) {
    throw new MigrationError(
      `The source, ${location}, holds ${legacyBatches} anchoring batch(es) and ${legacyLeaves} leaf record(s) in ` +
        `${LEGACY_ANCHORING.join(' and ')}, from before anchoring became a plugin. Start the LRS (this version) on it once: it ` +
        "moves them into the anchoring plugin's collections. Stop it, then run the migration again.",
    );
  }
  return batches.map((batch) => batch._id);
}

/** Reads every kind from a Keiko MongoDB database, in key order; statements of unfinished batches are skipped. */
export class MongoDumpReader extends KeysetDumpReader {
  private readonly collections: CollectionPages;

  constructor(
    private readonly database: MongoDumpDatabase,
    limits: PageLimits = DEFAULT_PAGE_LIMITS,
    closeDatabase = true,
  ) {
    const collections = new CollectionPages(new MongoCollectionStore(database.db));
    super(database.location, { ...mongoFetchers(database), ...collections.fetchers }, limits, closeDatabase ? () => database.close() : undefined);
    this.collections = collections;
  }

  async count(kind: Kind): Promise<number> {
    if (isCollectionKind(kind)) return this.collections.count(kind);
    if (kind === 'statements' && this.database.invisibleBatches.length > 0) {
      return this.database.collection<StatementDocument>(kind).countDocuments({ b: { $nin: this.database.invisibleBatches } });
    }
    return this.database.collection(kind).countDocuments({});
  }

  async feedHead(): Promise<number> {
    return (await new MongoFeedPositions(this.database.db).watermark()) - 1;
  }
}

/** Each kind's page of records from the database's own collections, in key order. */
function mongoFetchers(database: MongoDumpDatabase): Omit<PageFetchers, CollectionKind> {
  const attachmentBlobs = new MongoBlobStore(database.db, 'attachment');
  const documentBlobs = new MongoBlobStore(database.db, 'document');
  const byId = <T extends KeyedDocument>(kind: TableKind, after: Position | undefined, limit: number, filter: Filter<T> = {}) =>
    database
      .collection<T>(kind)
      .find(after === undefined ? filter : ({ ...filter, _id: { $gt: after } } as Filter<T>))
      .sort({ _id: 1 })
      .limit(limit)
      .toArray() as Promise<T[]>;
  return {
    credentials: async (after, { records }) =>
      (await byId<CredentialDocument>('credentials', after, records)).map((document) => ({
        credential: storedCredential(document._id, document, document),
        secretHash: document.secretHash,
      })),
    activities: async (after, { records }) =>
      (await byId<{ _id: string; d: string }>('activities', after, records)).map((document) => ({
        id: document._id,
        definition: document.d,
      })),
    agents: async (after, { records: limit }) => {
      // Agents seen only without a name have no record: skip their placeholders, page after page.
      let position = after;
      for (;;) {
        const documents = await byId<{ _id: string; names?: string[] }>('agents', position, limit);
        const records = documents.flatMap((doc): AgentRecord[] => (doc.names?.length ? [{ ifi: doc._id, names: doc.names }] : []));
        if (records.length > 0 || documents.length < limit) return records;
        position = documents[documents.length - 1]!._id;
      }
    },
    attachments: async (after, limits) => {
      const heads = await byId<BlobHead>('attachments', after, limits.records);
      const records: BlobRecord[] = [];
      for (const { _id: hash, storedAt } of withinBudget(heads, (head) => head.length, limits)) {
        const blob = await attachmentBlobs.get(hash);
        if (blob === undefined) continue; // deleted meanwhile
        records.push({ hash, contentType: blob.contentType, content: blob.content, storedAt });
      }
      return records;
    },
    documents: async (after, limits) => {
      const documents = await byId<StoredDocumentDocument>('documents', after, limits.records);
      const records: DocumentRecord[] = [];
      for (const document of withinBudget(documents, (stored) => stored.length, limits)) {
        const content = await documentContentOf(document, documentBlobs);
        if (content === undefined) throw new MigrationError(`The content of document ${document._id} is missing from ${database.location}`);
        records.push(documentRecordOf(document, content));
      }
      return records;
    },
    statements: async (after, { records: limit }) => {
      const filter: Filter<StatementDocument> = {};
      if (database.invisibleBatches.length > 0) filter.b = { $nin: database.invisibleBatches };
      const position = after as { stored: number; id: string } | undefined;
      if (position !== undefined) {
        const stored = new Date(position.stored);
        filter.$or = [{ stored: { $gt: stored } }, { stored, _id: { $gt: position.id } }];
      }
      const documents = await database
        .collection<StatementDocument>('statements')
        .find(filter)
        .sort({ stored: 1, _id: 1 })
        .limit(limit)
        .toArray();
      return documents.map((document) => ({ ...statementRecordOf(document), ...(document.p === undefined ? {} : { position: document.p }) }));
    },
    waitingReferences: async (after, { records }) =>
      (await byId<{ _id: string; referrers: string[] }>('waitingReferences', after, records)).map(
        (document): WaitingReferenceRecord => ({ targetId: document._id, referrers: [...document.referrers].sort() }),
      ),
  };
}

/**
 * Writes pages into a Keiko MongoDB database: every record an upsert by `_id` (so a page written
 * again changes nothing), then the kind's checkpoint. Indexes are created first, by the adapters.
 * Attachment content goes through MongoBlobStore (its head/chunk layout) with the record's stored
 * time; statements through the adapter's toDocument.
 */
export class MongoDumpWriter implements DumpWriter {
  readonly location: string;
  private readonly progress: Collection<ProgressDocument>;
  private blobTime = new Date(0);
  private readonly attachmentBlobs: MongoBlobStore;
  private readonly documentBlobs: MongoBlobStore;
  private readonly writers: PageWriters;
  private readonly collections: CollectionPages;

  private constructor(
    private readonly database: MongoDumpDatabase,
    private readonly limits: PageLimits,
  ) {
    this.location = database.location;
    this.progress = database.db.collection<ProgressDocument>(PROGRESS_COLLECTION);
    this.attachmentBlobs = new MongoBlobStore(database.db, 'attachment', { now: () => this.blobTime });
    this.documentBlobs = new MongoBlobStore(database.db, 'document');
    const replace = (kind: TableKind, documents: KeyedDocument[]) => upsertAll(database.collection<KeyedDocument>(kind), documents);
    const replaceAll = <K extends TableKind>(kind: K, records: RecordOf[K][], documentOf: (record: RecordOf[K]) => KeyedDocument) =>
      replace(kind, records.map(documentOf));
    this.writers = {
      credentials: (records) => replaceAll('credentials', records, credentialDocumentOf),
      activities: (records) => replaceAll('activities', records, (record) => ({ _id: record.id, d: record.definition, rev: 1 })),
      agents: (records) => replaceAll('agents', records, (record) => ({ _id: record.ifi, names: record.names })),
      attachments: async (records) => {
        for (const record of records) {
          this.blobTime = record.storedAt;
          await this.attachmentBlobs.put(record.hash, record.contentType, record.content);
        }
      },
      documents: async (records) => {
        const documents: KeyedDocument[] = [];
        for (const record of records) documents.push(await this.documentDocumentOf(record));
        await replace('documents', documents);
      },
      statements: (records) => replaceAll('statements', records, (record) => statementDocumentOf(MIGRATED_BATCH, record, record.position)),
      waitingReferences: (records) =>
        replaceAll('waitingReferences', records, (record) => ({ _id: record.targetId, referrers: record.referrers })),
    };
    this.collections = new CollectionPages(new MongoCollectionStore(database.db));
  }

  /** The writer of a target, its indexes created as the LRS creates them. */
  static async open(database: MongoDumpDatabase, limits: PageLimits = DEFAULT_PAGE_LIMITS): Promise<MongoDumpWriter> {
    const { db } = database;
    await new MongoStatementStorage(db, pino({ level: 'silent' })).ensureIndexes();
    await new MongoDocumentStorage(db, new MongoBlobStore(db, 'document')).ensureIndexes();
    return new MongoDumpWriter(database, limits);
  }

  async migrationSource(): Promise<string | undefined> {
    return (await this.progress.findOne({ _id: MIGRATION_ID }))?.source;
  }

  async startMigration(source: string): Promise<void> {
    try {
      await this.progress.insertOne({ _id: MIGRATION_ID, source, updatedAt: new Date() });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async checkpoints(): Promise<Map<Kind, Checkpoint>> {
    const checkpoints = new Map<Kind, Checkpoint>();
    for (const document of await this.progress.find({}).toArray()) {
      if (isKind(document._id)) {
        checkpoints.set(document._id, storedCheckpoint(document._id, document.position, document.copied ?? 0, document.done === true));
      }
    }
    return checkpoints;
  }

  async holdsAny(kind: Kind): Promise<boolean> {
    if (isCollectionKind(kind)) return this.collections.holdsAny(kind);
    return (await this.database.collection(kind).findOne({}, { projection: { _id: 1 } })) !== null;
  }

  async write<K extends Kind>(kind: K, records: RecordOf[K][], checkpoint: Checkpoint): Promise<void> {
    if (isCollectionKind(kind)) await this.collections.write(kind, records as RecordOf[CollectionKind][]);
    else await (this.writers[kind as TableKind] as PageWriter<K>)(records);
    const source = (await this.migrationSource()) ?? '';
    const position = positionText(checkpoint);
    const progress: ProgressDocument = {
      _id: kind,
      source,
      copied: checkpoint.copied,
      done: checkpoint.done,
      updatedAt: new Date(),
      ...(position === undefined ? {} : { position }),
    };
    const { _id, ...replacement } = progress;
    await this.progress.replaceOne({ _id }, replacement, { upsert: true });
  }

  reader(): DumpReader {
    return new MongoDumpReader(this.database, this.limits, false);
  }

  async close(): Promise<void> {
    await this.database.close();
  }

  /** Takes the positions up to `head` (MongoFeedPositions hands out positions after its last range). */
  async continueFeed(head: number): Promise<void> {
    const positions = new MongoFeedPositions(this.database.db);
    const next = await positions.watermark();
    if (head < next) return;
    await positions.take(MIGRATED_BATCH, head - next + 1);
    await positions.release(MIGRATED_BATCH);
  }

  /** The documents collection's layout (MongoDocumentStorage): large content in the document blob store. */
  private async documentDocumentOf(record: DocumentRecord): Promise<KeyedDocument> {
    const document: StoredDocumentDocument = {
      _id: record.recordId,
      context: record.contextId,
      ...(record.labels ?? {}),
      ...(record.registration === undefined ? {} : { registration: record.registration }),
      documentId: record.documentId,
      contentType: record.contentType,
      length: record.content.length,
      etag: record.etag,
      updated: record.updated,
    };
    const content = await placeDocumentContent(record.contentType, record.content, this.documentBlobs, DEFAULT_INLINE_LIMIT_BYTES);
    return { ...document, ...content };
  }
}

/**
 * Stores the documents, replacing those whose `_id` exists. Inserted first, as the LRS inserts,
 * and only the duplicates (a page written again after a crash) replaced: FerretDB answers an
 * upsert much more slowly than an insert.
 */
async function upsertAll(collection: Collection<KeyedDocument>, documents: KeyedDocument[]): Promise<void> {
  if (documents.length === 0) return;
  let duplicates: KeyedDocument[];
  try {
    await collection.insertMany(documents, { ordered: false });
    return;
  } catch (error) {
    duplicates = refusedDuplicates(error, documents);
  }
  const operations: AnyBulkWriteOperation<KeyedDocument>[] = duplicates.map(({ _id, ...replacement }) => ({
    replaceOne: { filter: { _id }, replacement },
  }));
  await collection.bulkWrite(operations, { ordered: false });
}

function credentialDocumentOf({ credential, secretHash }: StoredCredential): CredentialDocument {
  return {
    _id: credential.key,
    name: credential.name,
    scopes: credential.scopes,
    authority: credential.authority,
    secretHash,
    createdAt: credential.createdAt,
    updatedAt: credential.updatedAt,
    ...(credential.revokedAt === undefined ? {} : { revokedAt: credential.revokedAt }),
  };
}

function documentRecordOf(document: StoredDocumentDocument, content: Buffer): DocumentRecord {
  const labels =
    document.kind === undefined
      ? undefined
      : {
          kind: document.kind,
          ...(document.activityId === undefined ? {} : { activityId: document.activityId }),
          ...(document.agentKey === undefined ? {} : { agentKey: document.agentKey }),
        };
  return {
    recordId: document._id,
    contextId: document.context,
    ...(document.registration === undefined ? {} : { registration: document.registration }),
    documentId: document.documentId,
    contentType: document.contentType,
    etag: document.etag,
    updated: document.updated,
    content,
    ...(labels === undefined ? {} : { labels }),
  };
}
