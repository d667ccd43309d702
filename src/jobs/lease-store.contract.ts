import type { LeaseStore } from './lease-store';

/**
 * What every LeaseStore adapter must do. `store()` returns a store on the test's database; each
 * call may open a connection of its own (the concurrency test asks for one store per contender).
 */
export function describeLeaseStoreContract(adapter: string, store: () => LeaseStore): void {
  const at = (ms: number) => new Date(1_700_000_000_000 + ms);
  let counter = 0;
  /** A lease name no other test of the file uses (the database is shared by the file). */
  const fresh = () => `lease-${adapter}-${++counter}`;

  describe(`${adapter} LeaseStore contract`, () => {
    it('gives a free lease to whoever asks', async () => {
      const name = fresh();
      expect(await store().acquire(name, 'a', at(10_000), at(0))).toBe(true);
    });

    it("refuses a lease while another holder's lease is valid", async () => {
      const name = fresh();
      await store().acquire(name, 'a', at(10_000), at(0));
      expect(await store().acquire(name, 'b', at(20_000), at(9_999))).toBe(false);
    });

    it('lets another holder take over an expired lease, which its former holder then no longer has', async () => {
      const name = fresh();
      await store().acquire(name, 'a', at(10_000), at(0));
      expect(await store().acquire(name, 'b', at(20_000), at(10_000))).toBe(true); // expired at its expiry time
      expect(await store().acquire(name, 'a', at(30_000), at(10_001))).toBe(false);
    });

    it('renews the lease of its holder, even after it expired, and the renewal counts', async () => {
      const name = fresh();
      await store().acquire(name, 'a', at(10_000), at(0));
      expect(await store().acquire(name, 'a', at(20_000), at(5_000))).toBe(true);
      expect(await store().acquire(name, 'b', at(30_000), at(15_000))).toBe(false); // valid until 20 000 now
      expect(await store().acquire(name, 'a', at(40_000), at(25_000))).toBe(true); // expired, nobody took it
      expect(await store().acquire(name, 'b', at(50_000), at(39_999))).toBe(false);
    });

    it('is released only by its holder', async () => {
      const name = fresh();
      await store().acquire(name, 'a', at(10_000), at(0));
      await store().release(name, 'b');
      expect(await store().acquire(name, 'b', at(20_000), at(1))).toBe(false);
      await store().release(name, 'a');
      expect(await store().acquire(name, 'b', at(20_000), at(2))).toBe(true);
      await store().release(name, 'a'); // no longer a's: does nothing
      expect(await store().acquire(name, 'c', at(20_000), at(3))).toBe(false);
    });

    it('keeps leases of different names apart', async () => {
      const [first, second] = [fresh(), fresh()];
      expect(await store().acquire(first, 'a', at(10_000), at(0))).toBe(true);
      expect(await store().acquire(second, 'b', at(10_000), at(0))).toBe(true);
      await store().release(second, 'b');
      expect(await store().acquire(first, 'b', at(10_000), at(1))).toBe(false);
    });

    it.each([
      ['a free lease', false],
      ['an expired lease', true],
    ])('gives %s to exactly one of many concurrent contenders', async (_case, expired) => {
      const name = fresh();
      if (expired) await store().acquire(name, 'dead', at(1_000), at(0));
      const contenders = Array.from({ length: 8 }, (_, n) => ({ holder: `contender-${n}`, store: store() }));
      const wins = await Promise.all(contenders.map(({ holder, store }) => store.acquire(name, holder, at(60_000), at(2_000))));
      expect(wins.filter(Boolean)).toHaveLength(1);
      const winner = contenders[wins.indexOf(true)]!.holder;
      expect(await store().acquire(name, winner, at(70_000), at(3_000))).toBe(true);
      expect(await store().acquire(name, 'latecomer', at(70_000), at(3_000))).toBe(false);
    });
  });
}
