import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MongoClient } from 'mongodb';
import pino from 'pino';
import { verifySecret } from '../auth/secret-hash';
import { databasePath } from '../db/sqlite/database';
import type { StorageBackend } from '../storage/backend';
import { UniqueIndexViolation, type CollectionDeclaration, type CollectionStore, type FindQuery } from '../storage/collections/collection-store';
import { MongoBackend } from '../storage/mongo-backend';
import { SqliteBackend } from '../storage/sqlite-backend';
import type { DocumentKey, DocumentQuery } from '../xapi/documents/document-storage';
import { toDocument } from '../xapi/statements/mongo-statement-storage';
import { recordOf } from '../xapi/statements/statement-storage.contract';
import type { NewStatementRecord, StatementQuery } from '../xapi/statements/statement-storage';
import { openTestBackend } from '../../test-support/backends';
import { dropTestDatabase, testDatabase, type TestDatabase } from '../../test-support/database';
import type { CollectionDumpStore } from './collections';
import { MigrationError } from './dump';
import type { Endpoint } from './endpoint';
import { runMigration, type MigrationResult } from './migrate';
import { KINDS } from './records';

const HOME_PAGE = 'http://lrs.test/';
const ACTIVITY = 'http://example.org/activities/algebra';
const AGENT = 'mbox:mailto:ana@example.org';
const VERB = 'http://example.org/verbs/completed';
const SECRETS = { moodle: 'moodle-secret-1', canvas: 'canvas-secret-2', retired: 'retired-secret-3' } as const;
/** Small pages, so that every kind is copied and verified over several of them. */
const LIMITS = { records: 3, bytes: 64 * 1024 };

/** Everything a test fills in, to look at again on every engine. */
interface Filled {
  statementIds: string[];
  waitingTarget: string;
  voided: string;
  documentKeys: DocumentKey[];
  documentQueries: DocumentQuery[];
  attachmentHash: string;
  activityIds: string[];
  agentKeys: string[];
}

function documentKeys(): DocumentKey[] {
  return [
    { kind: 'state', activityId: ACTIVITY, agentKey: AGENT, id: 'bookmark' },
    { kind: 'state', activityId: ACTIVITY, agentKey: AGENT, registration: 'b7f0a3a6-8c1e-4a7e-9a38-1f2d3c4b5a69', id: 'bookmark' },
    { kind: 'activity-profile', activityId: ACTIVITY, id: 'syllabus' },
    { kind: 'agent-profile', agentKey: AGENT, id: 'preferences' },
    // Larger than MongoDB's inline limit: its content goes to the document blob store there.
    { kind: 'activity-profile', activityId: ACTIVITY, id: 'video' },
  ];
}

async function fill(backend: StorageBackend): Promise<Filled> {
  const { statements } = backend;
  const views = (more: Partial<NewStatementRecord['views']> = {}) => ({
    a: [AGENT],
    r: [AGENT, 'mbox:mailto:lrs@example.org'],
    vb: [VERB],
    ac: [ACTIVITY],
    ra: [ACTIVITY],
    ...more,
  });
  const attachmentContent = Buffer.from('%PDF-1.4 certificate');
  const attachmentHash = createHash('sha256').update(attachmentContent).digest('hex');
  await backend.attachments.put(attachmentHash, 'application/pdf', attachmentContent);

  const single = async (record: NewStatementRecord) => (await statements.storeBatch([record])).stored[0]!;
  const first = recordOf({ views: views({ rg: ['reg-1'] }), credentialKey: 'moodle' });
  first.statement.result = { extensions: { 'http://x.org/a.b': { $k: [[1, [2]], []] } } };
  await single(first);
  // One batch: five statements with one stored time, ordered by id.
  const batch = Array.from({ length: 5 }, (_, n) => recordOf({ views: views({ a: [`mbox:mailto:l${n}@example.org`] }), credentialKey: 'canvas' }));
  await statements.storeBatch(batch);
  const withAttachment = await single(recordOf({ views: views(), attachmentHashes: [attachmentHash], credentialKey: 'moodle' }));
  const target = await single(recordOf({ views: views({ vb: ['http://example.org/verbs/attempted'] }) }));
  // Voids `target`: the target is then voided, hidden from queries, still found by id.
  const voiding = await single(recordOf({ targetId: target.id, voidsId: target.id, views: { vb: ['http://adlnet.gov/expapi/verbs/voided'] } }));
  // A StatementRef to `first`: matches what `first` matches.
  const reference = await single(recordOf({ targetId: first.id, views: { vb: ['http://example.org/verbs/mentioned'] } }));
  // A StatementRef to a statement not stored: a waiting reference.
  const waitingTarget = randomUUID();
  const waiting = await single(recordOf({ targetId: waitingTarget, views: { vb: ['http://example.org/verbs/mentioned'] } }));
  const alsoWaiting = await single(recordOf({ targetId: waitingTarget, views: { vb: ['http://example.org/verbs/mentioned'] } }));
  const statementIds = [first.id, ...batch.map((r) => r.id), withAttachment.id, target.id, voiding.id, reference.id, waiting.id, alsoWaiting.id];

  const keys = documentKeys();
  const updated = new Date('2024-05-01T10:00:00.123Z');
  for (const [index, key] of keys.entries()) {
    const content = key.id === 'video' ? Buffer.alloc(300 * 1024, 7) : Buffer.from(JSON.stringify({ index, key: key.id }));
    const etag = createHash('sha1').update(content).digest('hex');
    const contentType = index === 3 ? 'text/plain' : 'application/json';
    await backend.documents.put(key, { contentType, etag, updated: new Date(updated.getTime() + index), content }, 'any');
  }

  await backend.credentials.create({ name: 'Moodle', scopes: ['statements/write', 'statements/read'], key: 'moodle', secret: SECRETS.moodle });
  await backend.credentials.create({ name: 'Canvas', scopes: ['all'], key: 'canvas', secret: SECRETS.canvas });
  await backend.credentials.create({ name: 'Retired', scopes: ['state'], key: 'retired', secret: SECRETS.retired });
  await backend.credentials.revoke('retired');

  await backend.activities.mergeDefinitions([
    { objectType: 'Activity', id: ACTIVITY, definition: { name: { 'en-US': 'Algebra' }, extensions: { 'http://x.org/a.b': 1 } } },
    { objectType: 'Activity', id: ACTIVITY, definition: { name: { 'es-ES': 'Álgebra' } } },
    { objectType: 'Activity', id: 'http://example.org/activities/other', definition: { type: 'http://adlnet.gov/expapi/activities/lesson' } },
  ]);
  await backend.agents.recordSeen([
    { mbox: 'mailto:ana@example.org', name: 'Zoë' },
    { mbox: 'mailto:ana@example.org', name: 'Ana' },
    { mbox: 'mailto:nameless@example.org' },
    { account: { homePage: 'http://lms.example.org', name: 'u-1' }, name: 'Learner 1' },
    ...[2, 3, 4].map((n) => ({ account: { homePage: 'http://lms.example.org', name: `u-${n}` }, name: `Learner ${n}` })),
  ]);

  const scanned = await statements.scanStored(undefined, new Date(Date.now() + 60_000), 4);
  await fillCollections(backend.collections, scanned.map((record) => record.id));

  return {
    statementIds,
    waitingTarget,
    voided: target.id,
    documentKeys: keys,
    documentQueries: [
      { kind: 'state', activityId: ACTIVITY, agentKey: AGENT },
      { kind: 'state', activityId: ACTIVITY, agentKey: AGENT, registration: 'b7f0a3a6-8c1e-4a7e-9a38-1f2d3c4b5a69' },
      { kind: 'state', activityId: ACTIVITY, agentKey: AGENT, since: new Date(updated.getTime()) },
      { kind: 'activity-profile', activityId: ACTIVITY },
      { kind: 'agent-profile', agentKey: AGENT },
    ],
    attachmentHash,
    activityIds: [ACTIVITY, 'http://example.org/activities/other', 'http://example.org/activities/unknown'],
    agentKeys: [AGENT, 'mbox:mailto:nameless@example.org', ...[1, 2, 3, 4].map((n) => `account:http://lms.example.org|u-${n}`)],
  };
}

/** Collections of the collection store as core features and plugins declare them. */
const COLLECTIONS: Array<{ owner: string; name: string; declaration: CollectionDeclaration; queries: FindQuery[] }> = [
  {
    owner: 'anchoring',
    name: 'batches',
    declaration: { indexes: [{ name: 'seq', fields: ['seq'], unique: true }, { name: 'state_seq', fields: ['state', 'seq'] }] },
    queries: [{ orderBy: [{ field: 'seq', descending: true }], limit: 1 }, { where: { state: { in: ['recorded', 'sent'] } }, orderBy: [{ field: 'seq' }] }],
  },
  { owner: 'anchoring', name: 'leaves', declaration: {}, queries: [{ where: { seq: 0 }, orderBy: [{ field: 'leafIndex' }] }] },
  {
    owner: 'people',
    name: 'people',
    declaration: { indexes: [{ name: 'by_email', fields: ['email'], unique: true }, { name: 'by_group_name', fields: ['group', 'name'] }] },
    queries: [{ where: { email: 'ana@example.org' } }, { where: { email: null } }, { where: { group: 'staff' }, orderBy: [{ field: 'name', descending: true }] }],
  },
  { owner: 'events', name: 'checkpoints', declaration: {}, queries: [{ where: { position: { gte: 2 } } }] },
  // Declared and empty: only its indexes are copied.
  { owner: 'profiles', name: 'registry', declaration: { indexes: [{ name: 'by_iri', fields: ['iri', 'version'], unique: true }] }, queries: [] },
];

/**
 * Documents in every collection: revisions above 1, documents a unique index does not constrain
 * (field missing or null), ids whose UTF-8 and UTF-16 orders differ, values of every JSON type,
 * and documents large enough that pages are cut by bytes.
 */
async function fillCollections(store: CollectionStore, anchoredIds: string[]): Promise<void> {
  const [batches, leaves, people, checkpoints] = await Promise.all(COLLECTIONS.map(({ owner, name, declaration }) => store.open(owner, name, declaration)));
  await batches!.insert('0', { seq: 0, state: 'recorded', root: '0x1234', recordedAt: '2024-05-01T10:10:00.000Z', attempts: 0 });
  const recorded = (await batches!.get('0'))!;
  await batches!.update('0', { ...recorded.value, state: 'sent', attempts: 1 }, 1);
  await batches!.update('0', { ...recorded.value, state: 'anchored', attempts: 1, finality: 'ACCEPTED_ON_L2', anchor: { blockNumber: 7 } }, 2);
  await batches!.insert('1', { seq: 1, state: 'sent', attempts: 2, lastError: 'timeout', count: 0 });
  for (const [leafIndex, id] of anchoredIds.entries()) {
    await leaves!.put(id, { seq: 0, leafIndex, digest: `digest-${leafIndex}`, proof: [`0xa${leafIndex}`, '0xb'] });
  }
  await people!.insert('ana', { email: 'ana@example.org', name: 'Ana', group: 'staff', roles: ['admin'] });
  await people!.insert('bea', { email: 'bea@example.org', name: 'Bea', group: 'staff' });
  await people!.put('bea', { email: 'bea@example.org', name: 'Beatriz', group: 'staff', verified: true });
  await people!.insert('zoë', { name: 'Zoë', group: 'students' });
  await people!.insert('\uE000', { email: null, name: 'Private use', group: 'students' });
  await people!.insert('😀', { name: 'Emoji', group: 'students', score: 1.5, big: 2 ** 40, negative: -3, nested: { list: [{ a: [1, 'two', false, null] }] } });
  for (let n = 1; n <= 5; n++) await checkpoints!.put('anchoring', { position: n, updatedAt: `2024-05-01T10:0${n}:00.000Z` });
  await checkpoints!.put('log-a', { position: 1, text: 'a'.repeat(40 * 1024) });
  await checkpoints!.put('log-b', { position: 1, text: 'b'.repeat(40 * 1024) });
}

/** What features and plugins read from the collection store: its listing (declarations and counts), every document, queries. */
async function observeCollections(store: CollectionStore) {
  const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const listing = (await (store as unknown as CollectionDumpStore).listCollections())
    .map((listed) => ({ ...listed, indexes: [...listed.indexes].sort(byName) }))
    .sort((a, b) => (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : byName(a, b)));
  const collections = [];
  for (const { owner, name, declaration, queries } of COLLECTIONS) {
    const collection = await store.open(owner, name, declaration);
    const all = await collection.find();
    collections.push({
      owner,
      name,
      all,
      byId: await Promise.all(all.map((document) => collection.get(document.id))),
      count: await collection.count(),
      queries: await Promise.all(queries.map((query) => collection.find(query))),
    });
  }
  return { listing, collections };
}

/**
 * On a target, the unique indexes refuse what they refused on the source and conditional updates
 * compare the copied revisions; with `update`, one succeeds (and changes the target).
 */
async function expectIndexesAndRevisionsHold(store: CollectionStore, update: boolean): Promise<void> {
  const people = await store.open('people', 'people', COLLECTIONS[2]!.declaration);
  await expect(people.insert('ana-2', { email: 'ana@example.org' })).rejects.toEqual(new UniqueIndexViolation('by_email'));
  await people.insert('nobody-2', { name: 'No email' }); // a missing field is not constrained
  await people.delete('nobody-2');
  const bea = (await people.get('bea'))!;
  expect(bea.revision).toBe(2);
  expect(await people.update('bea', { ...bea.value, name: 'B' }, 1)).toBe(false);
  if (update) {
    expect(await people.update('bea', { ...bea.value, name: 'B' }, 2)).toBe(true);
    expect((await people.get('bea'))?.revision).toBe(3);
  }
  const batches = await store.open('anchoring', 'batches', COLLECTIONS[0]!.declaration);
  await expect(batches.insert('2', { seq: 1 })).rejects.toEqual(new UniqueIndexViolation('seq'));
  const registry = await store.open('profiles', 'registry', COLLECTIONS[4]!.declaration);
  await registry.insert('a', { iri: 'http://example.org/p', version: 1 });
  await expect(registry.insert('b', { iri: 'http://example.org/p', version: 1 })).rejects.toEqual(new UniqueIndexViolation('by_iri'));
  await registry.delete('a');
}

const QUERIES: Partial<StatementQuery>[] = [
  {},
  { ascending: true },
  { verb: VERB },
  { agentKey: AGENT },
  { agentKey: AGENT, verb: VERB },
  { agentKey: 'mbox:mailto:l2@example.org' },
  { agentKey: 'mbox:mailto:lrs@example.org', relatedAgents: true },
  { activity: ACTIVITY, relatedActivities: true, ascending: true },
  { registration: 'reg-1' },
  { verb: 'http://example.org/verbs/mentioned' },
  { verb: 'http://example.org/verbs/attempted' },
  { credentialKey: 'canvas' },
];

/** What the LRS answers from this storage: every read the resources make, paged in twos. */
async function observe(backend: StorageBackend, filled: Filled) {
  const { statements } = backend;
  const pages = [];
  for (const query of QUERIES) {
    const full: StatementQuery = { relatedAgents: false, relatedActivities: false, ascending: false, limit: 2, ...query };
    let page = await statements.query(full);
    const walk = [page];
    while (page.next) {
      page = await statements.query({ ...full, after: page.next });
      walk.push(page);
    }
    pages.push(walk);
  }
  const all = await statements.query({ relatedAgents: false, relatedActivities: false, ascending: false, limit: 100 });
  const middle = all.records[4]!.stored;
  const credentials = await Promise.all(['moodle', 'canvas', 'retired'].map((key) => backend.credentials.findActive(key)));
  return {
    byId: await Promise.all([...filled.statementIds, filled.waitingTarget].map((id) => statements.getById(id))),
    pages,
    since: await statements.query({ relatedAgents: false, relatedActivities: false, ascending: true, limit: 100, since: middle }),
    until: await statements.query({ relatedAgents: false, relatedActivities: false, ascending: false, limit: 100, until: middle }),
    scan: await statements.scanStored(undefined, new Date(Date.now() + 60_000), 100),
    // Positions that event subscribers and plugins save.
    feed: await statements.readFeed(undefined, 100),
    attachment: await backend.attachments.get(filled.attachmentHash),
    // Content by its hash: jest compares large Buffers byte by byte, slowly.
    documents: await Promise.all(
      filled.documentKeys.map(async (key) => {
        const document = await backend.documents.get(key);
        return document && { ...document, content: createHash('sha256').update(document.content).digest('hex') };
      }),
    ),
    documentMetas: await Promise.all(filled.documentKeys.map((key) => backend.documents.getMeta(key))),
    documentLists: await Promise.all(
      filled.documentQueries.map(async (query) => {
        const list = await backend.documents.listIds(query);
        return { ...list, ids: list.ids.sort() };
      }),
    ),
    credentialList: await backend.credentials.list(),
    credentials,
    activities: [...(await backend.activities.getMany(filled.activityIds))],
    agents: await Promise.all(filled.agentKeys.map((key) => backend.agents.namesOf(key))),
    collections: await observeCollections(backend.collections),
  };
}

async function openMongo(database: TestDatabase): Promise<MongoBackend> {
  const logger = pino({ level: 'silent' });
  const backend = await MongoBackend.open({ uri: database.uri, dbName: database.dbName, authorityHomePage: HOME_PAGE, logger });
  await backend.prepare();
  return backend;
}

/** Runs `use` on the backend, closing it after. */
async function withBackend<T>(opened: StorageBackend | Promise<StorageBackend>, use: (backend: StorageBackend) => Promise<T>): Promise<T> {
  const backend = await opened;
  try {
    return await use(backend);
  } finally {
    await backend.close();
  }
}

function expectVerified(result: MigrationResult): void {
  expect(result.rows.map((row) => row.kind)).toEqual(KINDS);
  expect(result.rows.filter((row) => !row.match)).toEqual([]);
  expect(result.verified).toBe(true);
}

describe('migrate: SQLite → MongoDB → SQLite', () => {
  let sourceDir: string;
  let finalDir: string;
  let mongo: TestDatabase;
  let filled: Filled;
  let expected: Awaited<ReturnType<typeof observe>>;
  let toMongo: MigrationResult;
  let toSqlite: MigrationResult;
  const cleanup: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    const source = await openTestBackend('sqlite', HOME_PAGE);
    cleanup.push(source.dispose);
    sourceDir = path.dirname(source.backend.location);
    filled = await fill(source.backend);
    expected = await observe(source.backend, filled);
    await source.backend.close(); // releases the data directory's lock

    mongo = testDatabase();
    cleanup.push(() => dropTestDatabase(mongo));
    finalDir = await mkdtemp(path.join(os.tmpdir(), 'keiko-migrate-final-'));
    cleanup.push(() => rm(finalDir, { recursive: true, force: true }));

    const mongoEndpoint: Endpoint = { engine: 'mongodb', uri: mongo.uri, dbName: mongo.dbName };
    toMongo = await runMigration({ from: { engine: 'sqlite', dataDir: sourceDir }, to: mongoEndpoint, limits: LIMITS });
    toSqlite = await runMigration({ from: mongoEndpoint, to: { engine: 'sqlite', dataDir: finalDir }, limits: LIMITS });
  }, 120_000);

  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it('verifies every kind after each migration, with the same digests on all three', () => {
    expectVerified(toMongo);
    expectVerified(toSqlite);
    expect(toSqlite.rows.map((row) => [row.kind, row.targetCount, row.targetDigest])).toEqual(
      toMongo.rows.map((row) => [row.kind, row.sourceCount, row.sourceDigest]),
    );
    // Ids in UTF-8 byte order on both engines (U+E000 before U+1F600, unlike UTF-16), revisions as on the source.
    const people = expected.collections.collections.find((collection) => collection.name === 'people')!;
    expect(people.all.map((document) => [document.id, document.revision])).toEqual([['ana', 1], ['bea', 2], ['zoë', 1], ['\uE000', 1], ['😀', 1]]);
    expect(expected.collections.collections[0]!.all.map((document) => document.revision)).toEqual([3, 1]);
    const counts = Object.fromEntries(toMongo.rows.map((row) => [row.kind, row.sourceCount]));
    expect(counts).toEqual({
      credentials: 3,
      activities: 2,
      agents: 5,
      attachments: 1,
      documents: 5,
      statements: 12,
      waitingReferences: 1,
      collections: 3,
      collectionDocuments: 14,
    });
  });

  const openFinal = () => SqliteBackend.open({ dataDir: finalDir, exclusive: true, authorityHomePage: HOME_PAGE });

  it('answers every read on MongoDB as on the source', async () => {
    await withBackend(openMongo(mongo), async (backend) => expect(await observe(backend, filled)).toEqual(expected));
  });

  it('keeps the collection store unique indexes and revisions on MongoDB', async () => {
    // Leaves the data as it was: the tests below migrate from this MongoDB again.
    await withBackend(openMongo(mongo), (backend) => expectIndexesAndRevisionsHold(backend.collections, false));
  });

  it('answers every read on the SQLite it came back to as on the source', async () => {
    await withBackend(openFinal(), async (backend) => expect(await observe(backend, filled)).toEqual(expected));
  });

  it('keeps what the reads above show only indirectly: stored times, voiding, views, secrets, seq order', async () => {
    await withBackend(openFinal(), async (backend) => {
      const voided = await backend.statements.getById(filled.voided);
      expect(voided?.voided).toBe(true);
      expect(voided?.statement.stored).toBe(voided?.stored.toISOString());
      const reference = await backend.statements.getById(filled.statementIds[9]!);
      expect(reference?.views.rg).toEqual(['reg-1']); // grown from its target
      for (const [key, secret] of Object.entries(SECRETS)) {
        const stored = key === 'retired' ? undefined : await backend.credentials.findActive(key);
        if (stored) expect(await verifySecret(secret, stored.secretHash)).toBe(true);
      }
      expect(await backend.credentials.findActive('retired')).toBeNull();
      await expectIndexesAndRevisionsHold(backend.collections, true);
      // A statement stored after the migration gets a later stored time than every migrated one.
      const later = (await backend.statements.storeBatch([recordOf()])).stored[0]!;
      expect(later.stored.getTime()).toBeGreaterThan(expected.scan[expected.scan.length - 1]!.stored.getTime());
    });
    const db = new Database(databasePath(finalDir), { readonly: true });
    try {
      const bySeq = db.prepare('SELECT id FROM statements ORDER BY seq').pluck().all();
      const byStored = db.prepare('SELECT id FROM statements ORDER BY stored, id').pluck().all();
      expect(bySeq).toEqual(byStored);
    } finally {
      db.close();
    }
  });

  it('refuses a target holding statements of another origin, and one holding another migration', async () => {
    // finalDir now holds the migration from MongoDB (and one more statement).
    await expect(runMigration({ from: { engine: 'sqlite', dataDir: sourceDir }, to: { engine: 'sqlite', dataDir: finalDir } })).rejects.toThrow(
      /already holds a migration from mongodb:\/\/.*, not from sqlite:/,
    );
    const other = await openTestBackend('sqlite', HOME_PAGE);
    try {
      await other.backend.statements.storeBatch([recordOf()]);
      await other.backend.close();
      const error = await runMigration({
        from: { engine: 'sqlite', dataDir: sourceDir },
        to: { engine: 'sqlite', dataDir: path.dirname(other.backend.location) },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toMatch(/already holds statements and no migration from this source/);
    } finally {
      await other.dispose();
    }
  });

  it('resumes a finished migration as a no-op that verifies again', async () => {
    const to: Endpoint = { engine: 'mongodb', uri: mongo.uri, dbName: mongo.dbName };
    const again = await runMigration({ from: { engine: 'sqlite', dataDir: sourceDir }, to });
    expectVerified(again);
  });

  it('refuses a MongoDB target whose LRS holds a job lease', async () => {
    const target = testDatabase();
    const client = await MongoClient.connect(target.uri);
    try {
      const lease = { _id: 'document-content-sweep', holder: 'x', expiresAt: new Date(Date.now() + 60_000) };
      await client.db(target.dbName).collection('leases').insertOne(lease as never);
      await expect(
        runMigration({ from: { engine: 'sqlite', dataDir: sourceDir }, to: { engine: 'mongodb', uri: target.uri, dbName: target.dbName } }),
      ).rejects.toThrow(/seems in use by a running Keiko LRS: it holds the job lease "document-content-sweep"/);
    } finally {
      await client.db(target.dbName).dropDatabase();
      await client.close();
    }
  });

  describe('a MongoDB source with unfinished batches', () => {
    let client: MongoClient;
    beforeAll(async () => {
      client = await MongoClient.connect(mongo.uri);
    });
    afterAll(async () => {
      await client.db(mongo.dbName).collection('statement_batches').deleteMany({});
      await client.close();
    });

    it('skips the statements of a batch abandoned while pending, and refuses while a batch is recent', async () => {
      const db = client.db(mongo.dbName);
      const abandoned = recordOf();
      const now = new Date();
      const statement = { ...abandoned.statement, stored: now.toISOString(), timestamp: now.toISOString() };
      const stamped = { ...abandoned, statement, stored: now, voided: false };
      await db.collection('statements').insertOne(toDocument('abandoned-batch', stamped) as never);
      const twoMinutesAgo = new Date(Date.now() - 120_000);
      await db.collection('statement_batches').insertOne({ _id: 'abandoned-batch', ids: [abandoned.id], state: 'pending', startedAt: twoMinutesAgo } as never);
      const dir = await mkdtemp(path.join(os.tmpdir(), 'keiko-migrate-pending-'));
      try {
        const from: Endpoint = { engine: 'mongodb', uri: mongo.uri, dbName: mongo.dbName };
        const result = await runMigration({ from, to: { engine: 'sqlite', dataDir: dir } });
        expectVerified(result);
        expect(result.rows.find((row) => row.kind === 'statements')?.sourceCount).toBe(12);

        await db.collection('statement_batches').insertOne({ _id: 'crashed-batch', ids: [], state: 'committed', startedAt: twoMinutesAgo } as never);
        await expect(runMigration({ from, to: { engine: 'sqlite', dataDir: `${dir}-2` } })).rejects.toThrow(
          /1 statement batch\(es\) committed by an LRS that stopped .* Start the LRS on it once/,
        );
        await db.collection('statement_batches').insertOne({ _id: 'live-batch', ids: [], state: 'pending', startedAt: new Date() } as never);
        await expect(runMigration({ from, to: { engine: 'sqlite', dataDir: `${dir}-2` } })).rejects.toThrow(
          /unfinished statement batch.*Stop every LRS that uses it/,
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
        await rm(`${dir}-2`, { recursive: true, force: true });
      }
    });
  });
});

/**
 * Moves the feed positions of a MongoDB database's statements 100 further and ends its feed 100
 * after the last one, as batches rolled back or made only of statements stored before leave
 * positions unused.
 */
async function spreadFeed(database: TestDatabase): Promise<void> {
  const client = await MongoClient.connect(database.uri);
  try {
    const db = client.db(database.dbName);
    const statements = db.collection<{ _id: string; p: number }>('statements');
    for (const { _id, p } of await statements.find({}, { projection: { p: 1 } }).toArray()) await statements.updateOne({ _id }, { $set: { p: p + 100 } });
    const ranges = db.collection<{ _id: number; n: number }>('statement_positions');
    const last = (await ranges.find({}).sort({ _id: -1 }).limit(1).next())!;
    await ranges.insertOne({ _id: last._id + last.n, n: 200, b: 'unused', open: false, at: new Date() } as never);
  } finally {
    await client.close();
  }
}

describe('migrate: MongoDB → MongoDB', () => {
  it('answers every read as on the source (feed positions too), keeps the readable key parts of documents, refuses pre-plugin anchoring', async () => {
    const source = await openTestBackend('mongodb', HOME_PAGE);
    const to = testDatabase();
    // The test backend's database, named in its location.
    const from = { uri: to.uri, dbName: /\(database (\S+)\)$/.exec(source.backend.location)![1]! };
    const sqliteDir = await mkdtemp(path.join(os.tmpdir(), 'keiko-migrate-from-mongo-'));
    try {
      const filled = await fill(source.backend);
      await spreadFeed({ uri: from.uri, dbName: from.dbName });
      const expected = await observe(source.backend, filled);
      expect(expected.feed.records.map((record) => record.position)).toEqual(Array.from({ length: 12 }, (_, n) => 101 + n));
      expect(expected.feed.through).toBe(212);
      await source.backend.close();
      const mongoToMongo = () =>
        runMigration({ from: { engine: 'mongodb', uri: from.uri, dbName: from.dbName }, to: { engine: 'mongodb', uri: to.uri, dbName: to.dbName }, limits: LIMITS });
      const sourceClient = await MongoClient.connect(from.uri);
      const legacy = sourceClient.db(from.dbName).collection('anchor_leaves');
      try {
        await legacy.insertMany([{ _id: 'a', seq: 0 }, { _id: 'b', seq: 0 }] as never[]);
        await expect(mongoToMongo()).rejects.toThrow(
          /holds 0 anchoring batch\(es\) and 2 leaf record\(s\) in anchor_batches and anchor_leaves, from before anchoring became a plugin\. Start the LRS \(this version\) on it once/,
        );
        await legacy.drop(); // as the LRS does once it has moved them
      } finally {
        await sourceClient.close();
      }
      const result = await mongoToMongo();
      expectVerified(result);
      const target = await openMongo(to);
      try {
        expect(await observe(target, filled)).toEqual(expected);
        // A statement stored now comes after every position saved on the source.
        await target.statements.storeBatch([recordOf()]);
        expect((await target.statements.readFeed(212, 10)).records.map((record) => record.position)).toEqual([213]);
      } finally {
        await target.close();
      }

      // SQLite numbers the feed in stored order: the same statements, renumbered, and a note.
      const toSqliteLogs: string[] = [];
      const sqliteResult = await runMigration({
        from: { engine: 'mongodb', uri: from.uri, dbName: from.dbName },
        to: { engine: 'sqlite', dataDir: sqliteDir },
        log: (line) => toSqliteLogs.push(line),
      });
      expectVerified(sqliteResult);
      expect(toSqliteLogs).toContainEqual(expect.stringMatching(/^Note: SQLite numbers the statement feed in stored order, MongoDB in commit order/));
      await withBackend(SqliteBackend.open({ dataDir: sqliteDir, exclusive: true, authorityHomePage: HOME_PAGE }), async (backend) => {
        const { feed, ...rest } = await observe(backend, filled);
        const { feed: _sourceFeed, ...sourceRest } = expected;
        expect(rest).toEqual(sourceRest);
        expect(feed.records.map((record) => record.position)).toEqual(Array.from({ length: 12 }, (_, n) => 1 + n));
        // In (stored, id) order, where MongoDB numbered a batch's statements in the order they came.
        expect(feed.records.map((record) => record.id)).toEqual(expected.scan.map((record) => record.id));
      });
      const client = await MongoClient.connect(to.uri);
      try {
        const projection = { _id: 0, kind: 1, activityId: 1, agentKey: 1 };
        const labels = await client.db(to.dbName).collection('documents').find({}, { projection }).toArray();
        expect(labels).toContainEqual({ kind: 'state', activityId: ACTIVITY, agentKey: AGENT });
        expect(labels).toContainEqual({ kind: 'agent-profile', agentKey: AGENT });
      } finally {
        await client.close();
      }
    } finally {
      await source.dispose();
      await dropTestDatabase(to);
      await rm(sqliteDir, { recursive: true, force: true });
    }
  }, 120_000);
});
