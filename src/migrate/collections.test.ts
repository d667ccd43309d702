import {
  CollectionDocumentError,
  UniqueIndexViolation,
  type CollectionDeclaration,
  type StoredDocument,
} from '../storage/collections/collection-store';
import { MongoCollectionStore } from '../storage/collections/mongo-collection-store';
import { SqliteCollectionStore } from '../storage/collections/sqlite-collection-store';
import { useTestDatabase } from '../../test-support/database';
import { useTestSqliteDatabase } from '../../test-support/sqlite';
import { CollectionPages } from './collections';
import type { CollectionDocumentRecord, CollectionPosition, CollectionRecord } from './records';

const sqlite = useTestSqliteDatabase();
const mongo = useTestDatabase();

const ENGINES = [
  ['SqliteCollectionStore', () => new SqliteCollectionStore(sqlite())],
  ['MongoCollectionStore', () => new MongoCollectionStore(mongo())],
] as const;

const BY_EMAIL: CollectionDeclaration = { indexes: [{ name: 'by_email', fields: ['email'], unique: true }] };
/** Ids whose UTF-8 order (the engines') differs from their UTF-16 order (JavaScript's). */
const IDS = ['a', 'b', 'é', '\uE000', '😀'];
const NO_BYTE_LIMIT = 1024 * 1024;

let owners = 0;
/** Each test its own owner, so that tests sharing a database do not see each other's collections. */
function freshOwner(): string {
  return `t${++owners}`;
}

describe.each(ENGINES)('%s for dumps', (_, storeOf) => {
  it('lists every collection with its declaration and document count: declared only, documents only, both', async () => {
    const store = storeOf();
    const owner = freshOwner();
    const declaration = { indexes: [{ name: 'by_group_name', fields: ['group', 'name'] }, ...BY_EMAIL.indexes!] };
    await store.open(owner, 'declared', declaration);
    await (await store.open(owner, 'plain')).put('x', { n: 1 });
    const both = await store.open(owner, 'both', BY_EMAIL);
    await both.put('x', { email: 'x@example.org' });
    await both.put('y', {});
    const listed = (await store.listCollections()).filter((collection) => collection.owner === owner);
    expect(listed.map((collection) => ({ ...collection, indexes: [...collection.indexes].sort((a, b) => a.name.localeCompare(b.name)) }))).toEqual(
      expect.arrayContaining([
        { owner, name: 'declared', indexes: [{ name: 'by_email', fields: ['email'], unique: true }, { name: 'by_group_name', fields: ['group', 'name'], unique: false }], documents: 0 },
        { owner, name: 'plain', indexes: [], documents: 1 },
        { owner, name: 'both', indexes: [{ name: 'by_email', fields: ['email'], unique: true }], documents: 2 },
      ]),
    );
    expect(listed).toHaveLength(3);
  });

  it('pages documents in UTF-8 id order with their revisions, at most `limit`, cut by bytes after the first', async () => {
    const store = storeOf();
    const owner = freshOwner();
    const collection = await store.open(owner, 'items');
    for (const id of [...IDS].reverse()) await collection.put(id, { id, text: 'x'.repeat(100) });
    await collection.put('b', { id: 'b', text: 'again' });
    const ids = (documents: StoredDocument<Record<string, unknown>>[]) => documents.map((document) => document.id);
    expect(ids(await store.documentsAfter(owner, 'items', undefined, 2, NO_BYTE_LIMIT))).toEqual(['a', 'b']);
    expect(ids(await store.documentsAfter(owner, 'items', 'b', 2, NO_BYTE_LIMIT))).toEqual(['é', '\uE000']);
    expect(ids(await store.documentsAfter(owner, 'items', '\uE000', 2, NO_BYTE_LIMIT))).toEqual(['😀']);
    expect(await store.documentsAfter(owner, 'items', '😀', 2, NO_BYTE_LIMIT)).toEqual([]);
    expect(await store.documentsAfter(owner, 'items', 'a', 1, NO_BYTE_LIMIT)).toEqual([{ id: 'b', revision: 2, value: { id: 'b', text: 'again' } }]);
    // One document over the budget still comes (a page is never empty before the end); two do not.
    expect(ids(await store.documentsAfter(owner, 'items', undefined, 10, 50))).toEqual(['a']);
    expect(ids(await store.documentsAfter(owner, 'items', undefined, 10, 250))).toEqual(['a', 'b']);
    expect(await store.documentsAfter(owner, 'missing', undefined, 10, NO_BYTE_LIMIT)).toEqual([]);
  });

  it('restores documents with their revisions, replacing those with the same ids and their unique keys', async () => {
    const store = storeOf();
    const owner = freshOwner();
    const people = await store.open(owner, 'people', BY_EMAIL);
    await store.restore(owner, 'people', [
      { id: 'ana', revision: 7, value: { email: 'ana@example.org' } },
      { id: 'nobody', revision: 2, value: { name: 'Nobody' } },
    ]);
    expect(await people.get('ana')).toEqual({ id: 'ana', revision: 7, value: { email: 'ana@example.org' } });
    expect(await people.update('ana', { email: 'ana@example.org', n: 1 }, 6)).toBe(false);
    expect(await people.update('ana', { email: 'ana@example.org', n: 1 }, 7)).toBe(true);
    expect((await people.get('ana'))?.revision).toBe(8);
    // Written again (a page rewritten on resume), with another email: the former one is free again.
    await store.restore(owner, 'people', [{ id: 'ana', revision: 3, value: { email: 'ana@example.com' } }]);
    expect(await people.get('ana')).toEqual({ id: 'ana', revision: 3, value: { email: 'ana@example.com' } });
    await expect(people.insert('other', { email: 'ana@example.com' })).rejects.toEqual(new UniqueIndexViolation('by_email'));
    expect(await people.insert('other', { email: 'ana@example.org' })).toBe(true);
    expect(await people.insert('missing', { name: 'No email either' })).toBe(true);
  });

  it('refuses documents a unique index refuses, and revisions that are not whole numbers from 1', async () => {
    const store = storeOf();
    const owner = freshOwner();
    const people = await store.open(owner, 'people', BY_EMAIL);
    await people.insert('ana', { email: 'ana@example.org' });
    await expect(store.restore(owner, 'people', [{ id: 'bea', revision: 1, value: { email: 'ana@example.org' } }])).rejects.toEqual(
      new UniqueIndexViolation('by_email'),
    );
    for (const revision of [0, -1, 1.5, Number.NaN]) {
      await expect(store.restore(owner, 'people', [{ id: 'bea', revision, value: {} }])).rejects.toBeInstanceOf(CollectionDocumentError);
    }
    await expect(store.restore(owner, 'people', [{ id: '', revision: 1, value: {} }])).rejects.toBeInstanceOf(CollectionDocumentError);
    expect(await people.get('bea')).toBeUndefined();
  });
});

describe.each(ENGINES)('CollectionPages over %s', (_, storeOf) => {
  const limits = { records: 2, bytes: NO_BYTE_LIMIT };

  /** Every page from a position, as a migration reads them. */
  async function walk<R extends { owner: string }>(fetch: (after: CollectionPosition | undefined) => Promise<R[]> | R[], key: (record: R) => CollectionPosition, owner: string, after?: CollectionPosition) {
    const records: R[] = [];
    let position = after;
    for (let page = await fetch(position); page.length > 0; page = await fetch(position)) {
      expect(page.length).toBeLessThanOrEqual(limits.records);
      records.push(...page);
      position = key(page[page.length - 1]!);
    }
    return records.filter((record) => record.owner === owner);
  }

  it('walks the collections and their documents in (owner, collection, id) order, from any position', async () => {
    const store = storeOf();
    const owner = freshOwner();
    const pages = new CollectionPages(store);
    await (await store.open(owner, 'c', BY_EMAIL)).put('x', { email: 'x@example.org' });
    await store.open(owner, 'b', { indexes: [{ name: 'n', fields: ['n'] }] });
    const a = await store.open(owner, 'a');
    for (const id of IDS) await a.put(id, { n: id });
    await (await store.open(`${owner}-`, 'a')).put('later owner', {});

    const documentKey = ({ owner, collection, id }: CollectionDocumentRecord) => ({ owner, collection, id });
    const fetchDocuments = (after: CollectionPosition | undefined) => pages.fetchers.collectionDocuments(after, limits);
    const documents = await walk(fetchDocuments, documentKey, owner);
    expect(documents.map(({ collection, id, revision }) => [collection, id, revision])).toEqual([...IDS.map((id) => ['a', id, 1]), ['c', 'x', 1]]);
    const resumed = await walk(fetchDocuments, documentKey, owner, documentKey(documents[3]!));
    expect(resumed).toEqual(documents.slice(4));

    const collectionKey = ({ owner, collection }: CollectionRecord) => ({ owner, collection });
    const declared = await walk((after) => pages.fetchers.collections(after, limits), collectionKey, owner);
    expect(declared).toEqual([
      { owner, collection: 'b', indexes: [{ name: 'n', fields: ['n'], unique: false }] },
      { owner, collection: 'c', indexes: [{ name: 'by_email', fields: ['email'], unique: true }] },
    ]);
  });
});

describe.each([
  ['SqliteCollectionStore', 'MongoCollectionStore'],
  ['MongoCollectionStore', 'SqliteCollectionStore'],
] as const)('CollectionPages from %s to %s', (from, to) => {
  const storeOf = (name: string) => ENGINES.find(([engine]) => engine === name)![1]();

  it('writes collections with their indexes, and documents with their revisions', async () => {
    const owner = freshOwner();
    const people = await storeOf(from).open(owner, 'people', BY_EMAIL);
    await people.insert('ana', { email: 'ana@example.org' });
    await people.put('ana', { email: 'ana@example.org', name: 'Ana' });
    const source = new CollectionPages(storeOf(from));
    const all = { records: 1000, bytes: NO_BYTE_LIMIT };
    const declared = (await source.fetchers.collections(undefined, all)).filter((record) => record.owner === owner);
    const documents = await source.fetchers.collectionDocuments({ owner, collection: 'people' }, all);
    const target = new CollectionPages(storeOf(to));
    await target.write('collections', declared);
    await target.write('collectionDocuments', documents.filter((record) => record.owner === owner));
    expect(await target.count('collections')).toBeGreaterThanOrEqual(1);
    const copied = await storeOf(to).open(owner, 'people', BY_EMAIL);
    expect(await copied.get('ana')).toEqual({ id: 'ana', revision: 2, value: { email: 'ana@example.org', name: 'Ana' } });
    await expect(copied.insert('bea', { email: 'ana@example.org' })).rejects.toEqual(new UniqueIndexViolation('by_email'));
  });
});
