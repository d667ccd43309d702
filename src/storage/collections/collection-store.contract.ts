import { beforeEach, describe, expect, it } from '@jest/globals';
import { MAX_DOCUMENT_BYTES, MAX_DOCUMENT_DEPTH, MAX_FIND_LIMIT } from './collection-rules';
import {
  CollectionDeclarationError,
  CollectionDocumentError,
  CollectionQueryError,
  UniqueIndexViolation,
  type Collection,
  type CollectionStore,
  type FindQuery,
} from './collection-store';

/**
 * The behaviour every CollectionStore adapter must have. An adapter's test calls this with a
 * factory returning a store over empty storage, and one returning another store over the same
 * storage (as another instance of the LRS would have).
 */
export function describeCollectionStoreContract(
  adapterName: string,
  createStore: () => Promise<CollectionStore>,
  anotherStore: () => CollectionStore,
  options: {
    /** False where stores in one process are only atomic among themselves (MongoCollectionStore on FerretDB v1). */
    atomicAcrossStores?: boolean;
  } = {},
): void {
  describe(`${adapterName} (CollectionStore contract)`, () => {
    let store: CollectionStore;

    beforeEach(async () => {
      store = await createStore();
    });

    async function rejection(promise: Promise<unknown>): Promise<unknown> {
      return promise.then(
        () => {
          throw new Error('expected a rejection');
        },
        (error: unknown) => error,
      );
    }

    async function ids(collection: Collection, query?: FindQuery): Promise<string[]> {
      return (await collection.find(query)).map((document) => document.id);
    }

    describe('documents', () => {
      it('inserts, gets, replaces and deletes a document, counting revisions from 1', async () => {
        const people = await store.open('people', 'people');
        expect(await people.get('ada')).toBeUndefined();
        expect(await people.insert('ada', { name: 'Ada' })).toBe(true);
        expect(await people.get('ada')).toEqual({ id: 'ada', value: { name: 'Ada' }, revision: 1 });
        await people.put('ada', { name: 'Ada Lovelace' });
        expect(await people.get('ada')).toEqual({ id: 'ada', value: { name: 'Ada Lovelace' }, revision: 2 });
        expect(await people.delete('ada')).toBe(true);
        expect(await people.delete('ada')).toBe(false);
        expect(await people.get('ada')).toBeUndefined();
      });

      it('does not insert over an existing id, leaving the document unchanged', async () => {
        const people = await store.open('people', 'people');
        await people.insert('ada', { name: 'Ada' });
        expect(await people.insert('ada', { name: 'Other' })).toBe(false);
        expect(await people.get('ada')).toEqual({ id: 'ada', value: { name: 'Ada' }, revision: 1 });
      });

      it('puts a missing document at revision 1', async () => {
        const people = await store.open('people', 'people');
        await people.put('ada', { name: 'Ada' });
        expect(await people.get('ada')).toEqual({ id: 'ada', value: { name: 'Ada' }, revision: 1 });
      });

      it('puts many documents at once: new ones at revision 1, existing ones replaced, an id given twice keeps its last value', async () => {
        const people = await store.open('people', 'people');
        await people.put('ada', { name: 'Ada' });
        await people.putMany([
          { id: 'ada', value: { name: 'Ada Lovelace' } },
          { id: 'grace', value: { name: 'Grace' } },
          { id: 'grace', value: { name: 'Grace Hopper' } },
        ]);
        await people.putMany([]);
        expect(await people.find()).toEqual([
          { id: 'ada', value: { name: 'Ada Lovelace' }, revision: 2 },
          { id: 'grace', value: expect.objectContaining({ name: 'Grace Hopper' }), revision: expect.any(Number) },
        ]);
      });

      it('refuses putMany with an invalid id before writing any', async () => {
        const people = await store.open('people', 'people');
        expect(await rejection(people.putMany([{ id: 'ok', value: {} }, { id: '', value: {} }]))).toBeInstanceOf(Error);
        expect(await people.count()).toBe(0);
      });

      it('updates only at the current revision', async () => {
        const people = await store.open('people', 'people');
        await people.insert('ada', { name: 'Ada' });
        expect(await people.update('ada', { name: 'Stale' }, 2)).toBe(false);
        expect(await people.update('ada', { name: 'Ada L.' }, 1)).toBe(true);
        expect(await people.update('ada', { name: 'Stale' }, 1)).toBe(false);
        expect(await people.get('ada')).toEqual({ id: 'ada', value: { name: 'Ada L.' }, revision: 2 });
        expect(await people.update('missing', { name: 'X' }, 1)).toBe(false);
        expect(await people.get('missing')).toBeUndefined();
      });

      it('lets exactly one of two concurrent updates at the same revision win', async () => {
        const people = await store.open('people', 'people');
        await people.insert('ada', { n: 0 });
        const results = await Promise.all([people.update('ada', { n: 1 }, 1), people.update('ada', { n: 2 }, 1)]);
        expect(results.filter(Boolean)).toHaveLength(1);
        const stored = await people.get('ada');
        expect(stored?.revision).toBe(2);
        expect(stored?.value).toEqual({ n: results[0] ? 1 : 2 });
      });

      // Registered only where the engine promises it: FerretDB v1's conditional updates are not atomic.
      if (options.atomicAcrossStores ?? true) {
        it('lets exactly one of concurrent updates at one revision through two stores win', async () => {
          const people = await store.open('people', 'people');
          const samePeople = await anotherStore().open('people', 'people');
          await people.insert('ada', { n: 0 });
          const results = await Promise.all([1, 2, 3, 4].map((n) => (n % 2 ? people : samePeople).update('ada', { n }, 1)));
          expect(results.filter(Boolean)).toHaveLength(1);
          expect(await people.get('ada')).toEqual({ id: 'ada', value: { n: results.indexOf(true) + 1 }, revision: 2 });
        });
      }

      it('lets exactly one of concurrent inserts of one id win', async () => {
        const people = await store.open('people', 'people');
        const results = await Promise.all([1, 2, 3, 4].map((n) => people.insert('ada', { n })));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await people.get('ada')).toEqual({ id: 'ada', value: { n: results.indexOf(true) + 1 }, revision: 1 });
      });

      it('keeps concurrent puts of one id as successive revisions', async () => {
        const people = await store.open('people', 'people');
        await Promise.all([1, 2, 3].map((n) => people.put('ada', { n })));
        expect((await people.get('ada'))?.revision).toBe(3);
      });

      it('takes ids of any characters, up to 512 of them', async () => {
        const odd = await store.open('plugin-x', 'odd');
        const oddIds = ["a'b\"c", 'a.b', '$id', 'slash/and\\back', 'space and\ttab', 'ünïcödé 🦜', '%00', 'x'.repeat(512), ' ', 'a\u0000b'];
        for (const id of oddIds) expect(await odd.insert(id, { id })).toBe(true);
        for (const id of oddIds) expect((await odd.get(id))?.value).toEqual({ id });
        expect(await odd.count()).toBe(oddIds.length);
      });

      it('refuses an empty id, a longer one, and one with a lone surrogate', async () => {
        const odd = await store.open('plugin-x', 'odd');
        for (const id of ['', 'x'.repeat(513), 'a\ud800b']) {
          expect(await rejection(odd.insert(id, {}))).toBeInstanceOf(CollectionDocumentError);
        }
        expect(await odd.count()).toBe(0);
      });

      it('returns any JSON as it was stored', async () => {
        const things = await store.open('plugin-x', 'things');
        const value = {
          text: 'ünïcödé 🦜 \u0000 "quoted" \\ \n',
          numbers: [0, -1, 1.5, 1e300, -1e-300, 2 ** 53, 123456789012, Number.MAX_VALUE, Number.MIN_VALUE],
          nested: { deeper: { deepest: [{ a: null }, true, false, 'x', {}] } },
          empty: [],
          emptyObject: {},
          'key with spaces': 1,
          'clé': 'valeur',
          '': 'empty key',
          null: null,
        };
        await things.put('all', value);
        expect((await things.get('all'))?.value).toEqual(value);
        expect((await things.find())[0]?.value).toEqual(value);
      });

      it('stores what JSON makes of a value: undefined dropped, -0 as 0, dates as strings', async () => {
        const things = await store.open('plugin-x', 'things');
        await things.put('json', { gone: undefined, zero: -0, at: new Date('2026-01-02T03:04:05.000Z'), list: [undefined] });
        const stored = (await things.get('json'))?.value;
        expect(stored).toEqual({ zero: 0, at: '2026-01-02T03:04:05.000Z', list: [null] });
        expect(Object.is(stored?.zero, 0)).toBe(true);
      });

      it('stores a document of close to the size limit', async () => {
        const things = await store.open('plugin-x', 'things');
        const value = { text: 'x'.repeat(MAX_DOCUMENT_BYTES - 100), list: Array.from({ length: 20 }, (_, n) => ({ n })) };
        await things.put('large', { text: value.text });
        expect((await things.get('large'))?.value).toEqual({ text: value.text });
        expect(await rejection(things.put('too-large', { text: 'x'.repeat(MAX_DOCUMENT_BYTES) }))).toBeInstanceOf(CollectionDocumentError);
        expect(await things.get('too-large')).toBeUndefined();
      });

      it.each([
        ['a dotted key', { 'a.b': 1 }],
        ['a nested dotted key', { a: [{ b: { 'c.d': 1 } }] }],
        ['a $ key', { $set: 1 }],
        ['a nested $ key', { a: { $gt: 1 } }],
        ['a key with NUL', { 'a\u0000': 1 }],
        ['an array directly in an array', { a: [[1, 2]] }],
        ['a lone surrogate', { a: ['\udc00'] }],
        ['an array', [1, 2]],
        ['null', null],
        ['a string', 'text'],
      ])('refuses %s, storing nothing', async (_, value) => {
        const things = await store.open('plugin-x', 'things');
        expect(await rejection(things.insert('bad', value as never))).toBeInstanceOf(CollectionDocumentError);
        expect(await rejection(things.put('bad', value as never))).toBeInstanceOf(CollectionDocumentError);
        expect(await things.get('bad')).toBeUndefined();
      });

      it('refuses a document nested too deep, or cyclic', async () => {
        const things = await store.open('plugin-x', 'things');
        let deep: Record<string, unknown> = {};
        for (let depth = 0; depth < MAX_DOCUMENT_DEPTH; depth++) deep = { d: deep };
        expect(await rejection(things.put('deep', deep))).toBeInstanceOf(CollectionDocumentError);
        let veryDeep: Record<string, unknown> = {};
        for (let depth = 0; depth < 100_000; depth++) veryDeep = { d: veryDeep };
        expect(await rejection(things.put('deep', veryDeep))).toBeInstanceOf(CollectionDocumentError);
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        expect(await rejection(things.put('deep', cyclic))).toBeInstanceOf(CollectionDocumentError);
        let deepEnough: Record<string, unknown> = {};
        for (let depth = 1; depth < MAX_DOCUMENT_DEPTH; depth++) deepEnough = { d: deepEnough };
        await things.put('deep-enough', deepEnough);
        expect((await things.get('deep-enough'))?.value).toEqual(deepEnough);
      });
    });

    describe('collections and owners', () => {
      it('keeps collections and owners apart', async () => {
        const a = await store.open('plugin-a', 'items');
        const b = await store.open('plugin-b', 'items');
        const a2 = await store.open('plugin-a', 'other');
        await a.put('1', { from: 'a' });
        await b.put('1', { from: 'b' });
        await a2.put('1', { from: 'a2' });
        expect((await a.get('1'))?.value).toEqual({ from: 'a' });
        expect((await b.get('1'))?.value).toEqual({ from: 'b' });
        expect((await a2.get('1'))?.value).toEqual({ from: 'a2' });
      });

      it('keeps names apart that differ only by - and _', async () => {
        const dash = await store.open('a-b', 'c');
        const underscore = await store.open('a_b', 'c');
        const shifted = await store.open('a', 'b-c');
        await dash.put('1', { from: 'dash' });
        await underscore.put('1', { from: 'underscore' });
        await shifted.put('1', { from: 'shifted' });
        expect((await dash.get('1'))?.value).toEqual({ from: 'dash' });
        expect((await underscore.get('1'))?.value).toEqual({ from: 'underscore' });
        expect((await shifted.get('1'))?.value).toEqual({ from: 'shifted' });
      });

      it('clears every collection of one owner, and only of that owner', async () => {
        const a = await store.open('plugin-a', 'items');
        const a2 = await store.open('plugin-a', 'other');
        const ab = await store.open('plugin-ab', 'items');
        const b = await store.open('plugin-b', 'items');
        await Promise.all([a.put('1', {}), a2.put('1', {}), ab.put('1', {}), b.put('1', {})]);
        await store.clearOwner('plugin-a');
        expect(await a.count()).toBe(0);
        expect(await a2.count()).toBe(0);
        expect(await ab.count()).toBe(1);
        expect(await b.count()).toBe(1);
        await a.put('2', {});
        expect(await a.count()).toBe(1);
      });

      it('accepts names of the longest length allowed', async () => {
        const long = await store.open(`a${'-'.repeat(40)}`, `b${'_'.repeat(40)}`, { indexes: [{ name: `i${'_'.repeat(40)}`, fields: ['x'], unique: true }] });
        await long.put('1', { x: 1 });
        expect(await rejection(long.put('2', { x: 1 }))).toEqual(new UniqueIndexViolation(`i${'_'.repeat(40)}`));
      });

      it.each([
        ['an owner with capitals', 'Plugin', 'items', {}],
        ['an owner starting with a digit', '1plugin', 'items', {}],
        ['a collection with a dot', 'plugin', 'a.b', {}],
        ['a collection name too long', 'plugin', `a${'b'.repeat(41)}`, {}],
        ['an index name with a dash', 'plugin', 'items', { indexes: [{ name: 'by-x', fields: ['x'] }] }],
        ['an index without fields', 'plugin', 'items', { indexes: [{ name: 'by_x', fields: [] }] }],
        ['an index on a dotted field', 'plugin', 'items', { indexes: [{ name: 'by_x', fields: ['x.y'] }] }],
        ['an index on a quoted field', 'plugin', 'items', { indexes: [{ name: 'by_x', fields: ["x'"] }] }],
        ['two indexes of one name', 'plugin', 'items', { indexes: [{ name: 'by_x', fields: ['x'] }, { name: 'by_x', fields: ['y'] }] }],
      ])('refuses %s', async (_, owner, name, declaration) => {
        expect(await rejection(store.open(owner, name, declaration))).toBeInstanceOf(CollectionDeclarationError);
      });
    });

    describe('unique indexes', () => {
      const declaration = {
        indexes: [
          { name: 'by_email', fields: ['email'], unique: true },
          { name: 'by_pair', fields: ['a', 'b'], unique: true },
        ],
      };

      it('refuses a second document with the same values, naming the index, and changes nothing', async () => {
        const people = await store.open('people', 'people', declaration);
        await people.insert('ada', { email: 'ada@example.org' });
        const error = await rejection(people.insert('other', { email: 'ada@example.org' }));
        expect(error).toBeInstanceOf(UniqueIndexViolation);
        expect(error).toMatchObject({ index: 'by_email' });
        expect(await rejection(people.put('other', { email: 'ada@example.org' }))).toMatchObject({ index: 'by_email' });
        await people.insert('bob', { email: 'bob@example.org' });
        expect(await rejection(people.update('bob', { email: 'ada@example.org' }, 1))).toMatchObject({ index: 'by_email' });
        expect(await rejection(people.put('bob', { email: 'ada@example.org' }))).toMatchObject({ index: 'by_email' });
        expect(await people.get('other')).toBeUndefined();
        expect(await people.get('bob')).toEqual({ id: 'bob', value: { email: 'bob@example.org' }, revision: 1 });
      });

      it('lets a document keep its own values', async () => {
        const people = await store.open('people', 'people', declaration);
        await people.insert('ada', { email: 'ada@example.org', n: 1 });
        await people.put('ada', { email: 'ada@example.org', n: 2 });
        expect(await people.update('ada', { email: 'ada@example.org', n: 3 }, 2)).toBe(true);
        await people.put('ada', { email: 'ada2@example.org' });
        await people.insert('bob', { email: 'ada@example.org' });
      });

      it('compares values of one type exactly', async () => {
        const people = await store.open('people', 'people', declaration);
        await people.insert('1', { email: 'Ada@example.org' });
        await people.insert('2', { email: 'ada@example.org' });
        await people.insert('3', { email: 'ada@example.org ' });
        await people.insert('4', { a: 1, b: 'x' });
        expect(await rejection(people.insert('5', { a: 1.0, b: 'x' }))).toMatchObject({ index: 'by_pair' });
        await people.insert('6', { a: 1.5, b: 'x' });
      });

      it('constrains compound indexes on all their fields together', async () => {
        const people = await store.open('people', 'people', declaration);
        await people.insert('1', { a: 1, b: 1 });
        await people.insert('2', { a: 1, b: 2 });
        await people.insert('3', { a: 2, b: 1 });
        expect(await rejection(people.insert('4', { a: 2, b: 1 }))).toMatchObject({ index: 'by_pair' });
      });

      it('does not constrain documents missing a field, or holding null in it', async () => {
        const people = await store.open('people', 'people', declaration);
        await people.insert('1', {});
        await people.insert('2', {});
        await people.insert('3', { email: null });
        await people.insert('4', { email: null });
        await people.insert('5', { a: 1 });
        await people.insert('6', { a: 1 });
        await people.insert('7', { a: 1, b: null });
        await people.insert('8', { a: 1, b: null });
        await people.insert('9', { b: 2 });
        await people.insert('10', { b: 2 });
        expect(await people.count()).toBe(10);
      });

      it('treats fields named like Object properties as any other', async () => {
        const things = await store.open('plugin-x', 'things', { indexes: [{ name: 'by_constructor', fields: ['constructor', '__proto__'], unique: true }] });
        await things.insert('1', {});
        await things.insert('1b', {});
        await things.insert('2', { constructor: 'x' });
        await things.insert('2b', { constructor: 'x' });
        await things.insert('3', JSON.parse('{"constructor": "x", "__proto__": "y"}'));
        expect(await rejection(things.insert('4', JSON.parse('{"constructor": "x", "__proto__": "y"}')))).toMatchObject({ index: 'by_constructor' });
        expect(await ids(things, { where: { constructor: null } })).toEqual(['1', '1b']);
        expect(await ids(things, { where: JSON.parse('{"__proto__": "y"}') })).toEqual(['3']);
      });

      it('lets exactly one of concurrent inserts with the same value win', async () => {
        const people = await store.open('people', 'people', declaration);
        const results = await Promise.allSettled([1, 2, 3, 4].map((n) => people.insert(`p${n}`, { email: 'same@example.org' })));
        expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
        for (const result of results) {
          if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(UniqueIndexViolation);
        }
        expect(await people.count({ email: 'same@example.org' })).toBe(1);
      });

      it('applies changed declarations when a collection is opened again', async () => {
        let people = await store.open('people', 'people', declaration);
        await people.insert('1', { email: 'x', a: 1, b: 1 });
        people = await store.open('people', 'people', { indexes: [{ name: 'by_pair', fields: ['a', 'b'], unique: true }] });
        await people.insert('2', { email: 'x' });
        expect(await rejection(store.open('people', 'people', declaration))).toEqual(new UniqueIndexViolation('by_email'));
        await people.delete('2');
        people = await store.open('people', 'people', declaration);
        expect(await rejection(people.insert('3', { email: 'x' }))).toMatchObject({ index: 'by_email' });
        people = await store.open('people', 'people', { indexes: [{ name: 'by_email', fields: ['a'], unique: true }] });
        expect(await rejection(people.insert('4', { a: 1 }))).toMatchObject({ index: 'by_email' });
        await people.insert('4', { email: 'x', a: 2 });
        expect(await rejection(people.insert('5', { a: 2 }))).toMatchObject({ index: 'by_email' });
        people = await store.open('people', 'people', { indexes: [{ name: 'by_email', fields: ['a'] }] });
        await people.insert('5', { a: 2 });
        people = await store.open('people', 'people');
        await people.insert('6', { a: 2, email: 'x', b: 1 });
        expect(await people.count()).toBe(4);
        expect(await ids(people, { where: { a: 2 } })).toEqual(['4', '5', '6']);
      });

      it('opens the same declaration again without change', async () => {
        await store.open('people', 'people', declaration);
        const people = await store.open('people', 'people', declaration);
        await people.insert('1', { email: 'x' });
        expect(await rejection(people.insert('2', { email: 'x' }))).toMatchObject({ index: 'by_email' });
      });
    });

    describe('find', () => {
      let items: Collection;
      const indexes = { indexes: [{ name: 'by_n', fields: ['n'] }, { name: 'by_group_n', fields: ['group', 'n'] }] };

      beforeEach(async () => {
        items = await store.open('plugin-x', 'items', indexes);
        await Promise.all([
          items.put('a', { n: 3, group: 'x', s: 'b', flag: true }),
          items.put('b', { n: 1, group: 'y', s: 'a', flag: false }),
          items.put('c', { n: 2, group: 'x', s: 'B', flag: true }),
          items.put('d', { n: 2.5, group: 'y', s: 'é', flag: null }),
          items.put('e', { n: -10, group: 'x', s: '' }),
          items.put('f', { group: 'z' }),
        ]);
      });

      it('returns every document in id order when unfiltered', async () => {
        expect(await ids(items)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
        expect(await items.find()).toContainEqual({ id: 'a', value: { n: 3, group: 'x', s: 'b', flag: true }, revision: 1 });
      });

      it('matches equality of strings, numbers and booleans, each with its own type', async () => {
        expect(await ids(items, { where: { group: 'x' } })).toEqual(['a', 'c', 'e']);
        expect(await ids(items, { where: { n: 2.5 } })).toEqual(['d']);
        expect(await ids(items, { where: { n: 3, group: 'x' } })).toEqual(['a']);
        expect(await ids(items, { where: { flag: true } })).toEqual(['a', 'c']);
        expect(await ids(items, { where: { flag: false } })).toEqual(['b']);
        expect(await ids(items, { where: { n: 1 } })).toEqual(['b']);
        expect(await ids(items, { where: { s: 'b' } })).toEqual(['a']);
        expect(await ids(items, { where: { group: 'nope' } })).toEqual([]);
      });

      it('does not match values of another type', async () => {
        await items.put('g', { n: '3', flag: 1, s: { x: 1 } });
        await items.put('h', { n: true, flag: 'true' });
        expect(await ids(items, { where: { n: 3 } })).toEqual(['a']);
        expect(await ids(items, { where: { n: '3' } })).toEqual(['g']);
        expect(await ids(items, { where: { flag: true } })).toEqual(['a', 'c']);
        expect(await ids(items, { where: { flag: 1 } })).toEqual(['g']);
        expect(await ids(items, { where: { n: 1 } })).toEqual(['b']);
        expect(await ids(items, { where: { s: '{"x":1}' } })).toEqual([]);
        expect(await ids(items, { where: { n: { gt: 0 } } })).toEqual(['a', 'b', 'c', 'd']);
        expect(await ids(items, { where: { n: { gte: '' } } })).toEqual(['g']);
        expect(await ids(items, { where: { flag: { gte: false } } })).toEqual(['a', 'b', 'c']);
      });

      it('matches null to a missing field and to null', async () => {
        expect(await ids(items, { where: { flag: null } })).toEqual(['d', 'e', 'f']);
        expect(await ids(items, { where: { n: null } })).toEqual(['f']);
        expect(await ids(items, { where: { n: { in: [null, 1] } } })).toEqual(['b', 'f']);
      });

      it('matches ranges, each bound with values of its type', async () => {
        expect(await ids(items, { where: { n: { gt: 1, lte: 3 } } })).toEqual(['a', 'c', 'd']);
        expect(await ids(items, { where: { n: { gte: 1, lt: 3 } } })).toEqual(['b', 'c', 'd']);
        expect(await ids(items, { where: { n: { lt: 0 } } })).toEqual(['e']);
        expect(await ids(items, { where: { s: { gte: 'a' } } })).toEqual(['a', 'b', 'd']);
        expect(await ids(items, { where: { s: { lt: 'a' } } })).toEqual(['c', 'e']);
        expect(await ids(items, { where: { group: 'x', n: { gt: 0 } } })).toEqual(['a', 'c']);
        expect(await ids(items, { where: { n: { gt: 3 } } })).toEqual([]);
      });

      it('matches one of several values', async () => {
        expect(await ids(items, { where: { n: { in: [1, 3, 99] } } })).toEqual(['a', 'b']);
        expect(await ids(items, { where: { group: { in: ['y', 'z'] } } })).toEqual(['b', 'd', 'f']);
        expect(await ids(items, { where: { flag: { in: [false, 'x'] } } })).toEqual(['b']);
        expect(await ids(items, { where: { n: { in: [] } } })).toEqual([]);
      });

      it('orders by fields, nulls first ascending, ties by id in the direction of the last key', async () => {
        expect(await ids(items, { orderBy: [{ field: 'n' }] })).toEqual(['f', 'e', 'b', 'c', 'd', 'a']);
        expect(await ids(items, { orderBy: [{ field: 'n', descending: true }] })).toEqual(['a', 'd', 'c', 'b', 'e', 'f']);
        expect(await ids(items, { orderBy: [{ field: 'group' }, { field: 'n', descending: true }] })).toEqual(['a', 'c', 'e', 'd', 'b', 'f']);
        expect(await ids(items, { orderBy: [{ field: 'group', descending: true }] })).toEqual(['f', 'd', 'b', 'e', 'c', 'a']);
        expect(await ids(items, { orderBy: [{ field: 's' }] })).toEqual(['f', 'e', 'c', 'b', 'a', 'd']);
        expect(await ids(items, { where: { group: 'x' }, orderBy: [{ field: 'n' }], limit: 2 })).toEqual(['e', 'c']);
      });

      it('sorts strings by their UTF-8 bytes and numbers by value', async () => {
        const words = await store.open('plugin-x', 'words');
        const values = ['b', 'a', 'B', 'é', 'z', 'ab', '🦜', '\uffff', '10', '9'];
        await Promise.all(values.map((s, n) => words.put(`w${n}`, { s, n: Number(`${n}e${n * 30 - 150}`) })));
        const sorted = (await words.find({ orderBy: [{ field: 's' }] })).map((document) => document.value.s);
        expect(sorted).toEqual([...values].sort((x, y) => Buffer.compare(Buffer.from(x as string), Buffer.from(y as string))));
        const numbers = (await words.find({ orderBy: [{ field: 'n' }] })).map((document) => document.value.n as number);
        expect(numbers).toEqual([...numbers].sort((x, y) => x - y));
      });

      it('limits the results, refusing limits over the maximum', async () => {
        expect(await ids(items, { limit: 2 })).toEqual(['a', 'b']);
        for (const limit of [0, -1, 1.5, MAX_FIND_LIMIT + 1]) {
          expect(await rejection(items.find({ limit }))).toBeInstanceOf(CollectionQueryError);
        }
        expect(await ids(items, { limit: MAX_FIND_LIMIT })).toHaveLength(6);
      });

      it('returns at most 1000 documents when no limit is given', async () => {
        const many = await store.open('plugin-x', 'many');
        await Promise.all(Array.from({ length: 1001 }, (_, n) => many.put(String(n).padStart(4, '0'), { n })));
        const found = await many.find();
        expect(found).toHaveLength(1000);
        expect(found.at(-1)?.id).toBe('0999');
        expect(await many.count()).toBe(1001);
      });

      it.each([
        ['an unknown operator', { where: { n: { ne: 1 } } }],
        ['an operator beside in', { where: { n: { in: [1], gt: 0 } } }],
        ['an array value', { where: { n: [1] } }],
        ['an object value in in', { where: { n: { in: [{}] } } }],
        ['a null bound', { where: { n: { gt: null } } }],
        ['an empty condition', { where: { n: {} } }],
        ['NaN', { where: { n: Number.NaN } }],
        ['a dotted field', { where: { 'a.b': 1 } }],
        ['a $ field', { where: { $where: 'x' } }],
        ['a quoted field', { where: { "a'": 1 } }],
        ['a quoted sort field', { orderBy: [{ field: 'a"' }] }],
      ])('refuses a query with %s', async (_, query) => {
        expect(await rejection(items.find(query as FindQuery))).toBeInstanceOf(CollectionQueryError);
        expect(await items.count()).toBe(6);
      });

      it('counts and deletes what a where matches', async () => {
        expect(await items.count()).toBe(6);
        expect(await items.count({ group: 'x' })).toBe(3);
        expect(await items.count({ n: { gte: 2 } })).toBe(3);
        expect(await items.deleteMany({ group: 'x', n: { gt: 0 } })).toBe(2);
        expect(await ids(items)).toEqual(['b', 'd', 'e', 'f']);
        expect(await items.deleteMany({ group: { in: ['nope'] } })).toBe(0);
        expect(await rejection(items.deleteMany({ n: { ne: 1 } } as never))).toBeInstanceOf(CollectionQueryError);
        expect(await items.deleteMany()).toBe(4);
        expect(await items.count()).toBe(0);
      });

      it('finds the same without indexes', async () => {
        const plain = await store.open('plugin-x', 'plain');
        for (const document of await items.find()) await plain.put(document.id, document.value);
        const queries: FindQuery[] = [
          { where: { group: 'x' }, orderBy: [{ field: 'n' }] },
          { where: { n: { gt: 1, lte: 3 } } },
          { where: { flag: null } },
          { orderBy: [{ field: 'group' }, { field: 'n', descending: true }] },
        ];
        for (const query of queries) {
          expect(await ids(plain, query)).toEqual(await ids(items, query));
        }
      });
    });
  });
}
