import { itWhere } from '../../../test-support/it-where';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { ifiKey } from '../actors';
import type { Agent } from '../types';
import type { AgentStore } from './agent-store';

/**
 * The behaviour every AgentStore adapter must have. An adapter's test calls this with a factory
 * returning a store over empty storage, and one returning another store over the same storage
 * (as another instance of the LRS would have: its own cache, the same data).
 */
export function describeAgentStoreContract(
  adapterName: string,
  createStore: () => Promise<AgentStore>,
  anotherStore: () => AgentStore,
  options: {
    /** False where stores in one process are only atomic among themselves (MongoAgentStore on FerretDB v1). */
    atomicAcrossStores?: boolean;
  } = {},
): void {
  const ANA: Agent = { mbox: 'mailto:ana@example.org' };
  const named = (agent: Agent, name: string): Agent => ({ ...agent, name });
  const keyOf = (agent: Agent) => ifiKey(agent)!;

  let store: AgentStore;

  describe(`${adapterName} (AgentStore contract)`, () => {
    beforeEach(async () => {
      store = await createStore();
    });

    it('knows no names of an agent never seen', async () => {
      expect(await store.namesOf(keyOf(ANA))).toEqual([]);
    });

    it('knows no names of an agent seen only without one', async () => {
      await store.recordSeen([ANA, ANA]);
      expect(await store.namesOf(keyOf(ANA))).toEqual([]);
    });

    it('keeps every name seen with an agent, each once, in the order first seen', async () => {
      await store.recordSeen([named(ANA, 'Ana'), ANA, named(ANA, 'Ana Lima'), named(ANA, 'Ana')]);
      await store.recordSeen([named(ANA, 'A. Lima'), named(ANA, 'Ana Lima')]);
      expect(await store.namesOf(keyOf(ANA))).toEqual(['Ana', 'Ana Lima', 'A. Lima']);
    });

    it('keeps names apart by IFI, of every kind', async () => {
      const agents: Agent[] = [
        ANA,
        { mbox: 'mailto:bo@example.org' },
        { mbox_sha1sum: 'a'.repeat(40) },
        { openid: 'https://openid.example.org/ana' },
        { account: { homePage: 'https://lms.example.org', name: 'ana' } },
        { account: { homePage: 'https://other.example.org', name: 'ana' } },
      ];
      await store.recordSeen(agents.map((agent, index) => named(agent, `Name ${index}`)));
      for (const [index, agent] of agents.entries()) expect(await store.namesOf(keyOf(agent))).toEqual([`Name ${index}`]);
    });

    it('takes mbox addresses differing only in the case of the domain for one agent', async () => {
      await store.recordSeen([named({ mbox: 'mailto:ana@EXAMPLE.org' }, 'Ana'), named(ANA, 'Ana L.')]);
      expect(await store.namesOf(keyOf(ANA))).toEqual(['Ana', 'Ana L.']);
    });

    it('records nothing for agents without an IFI', async () => {
      await expect(store.recordSeen([{ name: 'Nobody' } as Agent])).resolves.toBeUndefined();
    });

    it('adds nothing twice when another store over the same storage records the same names', async () => {
      await store.recordSeen([named(ANA, 'Ana')]);
      await anotherStore().recordSeen([named(ANA, 'Ana'), named(ANA, 'Ana Lima')]);
      await store.recordSeen([named(ANA, 'Ana Lima'), named(ANA, 'Ana')]);
      expect(await store.namesOf(keyOf(ANA))).toEqual(['Ana', 'Ana Lima']);
    });

    /** Records, concurrently, a new name and a common one per recording; checks none is lost or doubled. */
    async function recordConcurrently(stores: AgentStore[]): Promise<void> {
      const names = Array.from({ length: 24 }, (_, index) => `Name ${index}`);
      await Promise.all(
        names.map((name, index) => stores[index % stores.length]!.recordSeen([named(ANA, name), named(ANA, 'Common')])),
      );
      expect([...(await store.namesOf(keyOf(ANA)))].sort()).toEqual([...names, 'Common'].sort());
    }

    it('loses no name to concurrent recordings', async () => {
      await recordConcurrently([store]);
    });

    // Registered only where the engine promises it: FerretDB v1's conditional updates are not atomic.
      itWhere(options.atomicAcrossStores !== false)(
      'loses no name to concurrent recordings through another store over the same storage',
      async () => {
        await recordConcurrently([store, anotherStore()]);
      },
    );
  });
}
