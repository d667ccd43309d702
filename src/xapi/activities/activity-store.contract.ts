import { itWhere } from '../../../test-support/it-where';
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { Activity, ActivityDefinition } from '../types';
import type { ActivityStore } from './activity-store';

/**
 * The behaviour every ActivityStore adapter must have. An adapter's test calls this with a
 * factory returning a store over empty storage, and one returning another store over the same
 * storage (as another instance of the LRS would have: its own cache, the same data).
 */
export function describeActivityStoreContract(
  adapterName: string,
  createStore: () => Promise<ActivityStore>,
  anotherStore: () => ActivityStore,
  options: {
    /** False where stores in one process are only atomic among themselves (MongoActivityStore on FerretDB v1). */
    atomicAcrossStores?: boolean;
  } = {},
): void {
  const ID = 'http://example.org/activities/algebra';
  const activity = (definition?: ActivityDefinition, id = ID): Activity => ({ objectType: 'Activity', id, definition });
  const definitionOf = async (id = ID) => (await store.getMany([id])).get(id)?.definition;

  let store: ActivityStore;

  describe(`${adapterName} (ActivityStore contract)`, () => {
    beforeEach(async () => {
      store = await createStore();
    });

    describe('getMany', () => {
      it('finds nothing for ids never defined', async () => {
        expect(await store.getMany([])).toEqual(new Map());
        expect(await store.getMany([ID, 'http://example.org/other'])).toEqual(new Map());
      });

      it('returns the canonical Activity of each known id, once, and leaves unknown ids out', async () => {
        const definition: ActivityDefinition = {
          name: { 'en-US': 'Algebra' },
          type: 'http://adlnet.gov/expapi/activities/course',
          extensions: { 'http://example.org/ext/level': { 'nested.key': [1, [2]] } },
        };
        await store.mergeDefinitions([activity(definition), activity({ name: { en: 'B' } }, 'http://example.org/b')]);
        const found = await store.getMany([ID, 'http://example.org/unknown', ID]);
        expect([...found.keys()]).toEqual([ID]);
        expect(found.get(ID)).toEqual({ objectType: 'Activity', id: ID, definition });
      });

      it('stores nothing for activities without a definition', async () => {
        await store.mergeDefinitions([activity(), { id: 'http://example.org/bare' }]);
        expect(await store.getMany([ID, 'http://example.org/bare'])).toEqual(new Map());
      });
    });

    describe('mergeDefinitions', () => {
      it('gathers every language of names and descriptions, the newest text per language', async () => {
        await store.mergeDefinitions([activity({ name: { 'en-US': 'Algebra', de: 'Algebra' }, description: { 'en-US': 'Old' } })]);
        await store.mergeDefinitions([activity({ name: { 'en-US': 'Algebra I', fr: 'Algèbre' }, description: { 'en-US': 'New' } })]);
        expect(await definitionOf()).toEqual({
          name: { 'en-US': 'Algebra I', de: 'Algebra', fr: 'Algèbre' },
          description: { 'en-US': 'New' },
        });
      });

      it('takes other fields from the newest definition, keeping those it does not give', async () => {
        await store.mergeDefinitions([
          activity({ type: 'http://example.org/types/old', moreInfo: 'http://example.org/info', extensions: { 'http://e/a': 1 } }),
        ]);
        await store.mergeDefinitions([activity({ type: 'http://example.org/types/new', extensions: { 'http://e/b': 2 } })]);
        expect(await definitionOf()).toEqual({
          type: 'http://example.org/types/new',
          moreInfo: 'http://example.org/info',
          extensions: { 'http://e/a': 1, 'http://e/b': 2 },
        });
      });

      it('merges the definitions of one call in order, the later winning', async () => {
        await store.mergeDefinitions([
          activity({ name: { en: 'First' }, type: 'http://example.org/types/first' }),
          activity({ name: { en: 'Second', es: 'Segundo' } }),
          activity({ type: 'http://example.org/types/third' }),
        ]);
        expect(await definitionOf()).toEqual({ name: { en: 'Second', es: 'Segundo' }, type: 'http://example.org/types/third' });
      });

      it('keeps the languages of interaction component descriptions', async () => {
        const choice = (id: string, description: Record<string, string>) => ({ id, description });
        await store.mergeDefinitions([activity({ interactionType: 'choice', choices: [choice('a', { en: 'A' }), choice('b', { en: 'B' })] })]);
        await store.mergeDefinitions([activity({ interactionType: 'choice', choices: [choice('a', { fr: 'A (fr)' })] })]);
        expect((await definitionOf())?.choices).toEqual([choice('a', { en: 'A', fr: 'A (fr)' })]);
      });

      it('changes nothing when a definition brings nothing new', async () => {
        const definition: ActivityDefinition = { name: { en: 'Same' }, extensions: { 'http://e/x': { b: 1, a: 2 } } };
        await store.mergeDefinitions([activity(definition)]);
        await store.mergeDefinitions([activity(definition)]);
        await store.mergeDefinitions([activity({ name: { en: 'Same' } })]);
        expect(await definitionOf()).toEqual(definition);
      });

      it('keeps activities apart', async () => {
        const ids = Array.from({ length: 5 }, (_, index) => `http://example.org/activities/${index}`);
        await store.mergeDefinitions(ids.map((id, index) => activity({ name: { en: `Activity ${index}` } }, id)));
        const found = await store.getMany(ids);
        expect(ids.map((id) => found.get(id)?.definition?.name)).toEqual(ids.map((_, index) => ({ en: `Activity ${index}` })));
      });

      it('sees what another store over the same storage merged', async () => {
        const other = anotherStore();
        await store.mergeDefinitions([activity({ name: { en: 'Algebra' } })]);
        await other.mergeDefinitions([activity({ name: { fr: 'Algèbre' } })]);
        await store.mergeDefinitions([activity({ name: { de: 'Algebra' } })]);
        expect(await definitionOf()).toEqual({ name: { en: 'Algebra', fr: 'Algèbre', de: 'Algebra' } });
      });

      /** Merges, concurrently, one language per merge into ID and three other activities; checks none is lost. */
      async function mergeConcurrently(stores: ActivityStore[]): Promise<void> {
        const languages = Array.from({ length: 24 }, (_, index) => `x-lang-${index}`);
        const others = [0, 1, 2].map((index) => `http://example.org/activities/${index}`);
        await Promise.all(
          languages.map((language, index) =>
            stores[index % stores.length]!.mergeDefinitions([
              activity({ name: { [language]: language } }),
              activity({ description: { [language]: language } }, others[index % others.length]),
            ]),
          ),
        );
        expect(Object.keys((await definitionOf())?.name ?? {}).sort()).toEqual([...languages].sort());
        const found = await store.getMany(others);
        const described = [...found.values()].flatMap((other) => Object.keys(other.definition?.description ?? {}));
        expect(described.sort()).toEqual([...languages].sort());
      }

      it('never loses a language to a concurrent merge', async () => {
        await mergeConcurrently([store]);
      });

      // Registered only where the engine promises it: FerretDB v1's conditional updates are not atomic.
      itWhere(options.atomicAcrossStores !== false)(
        'never loses a language to a concurrent merge through another store over the same storage',
        async () => {
          await mergeConcurrently([store, anotherStore(), anotherStore()]);
        },
      );
    });
  });
}
