/**
 * Keeping the day buckets and totals equal to the counted ratings. Both are sums recomputed from
 * what they sum (a day's counted ratings; a ratee's buckets), never moved by deltas, so applying
 * the same change twice, or two instances applying changes at once (each `update` is conditional
 * on the revision read before the sum, retried on conflict), leaves them right. Before a rating
 * changes, its bucket is written to `pending`; buckets are summed again and their pending entry
 * deleted after the batch, and whatever a crash left pending is summed at the next batch.
 */
import type { Collection } from '../../../plugin-api';
import type { AgentKey } from '../model';
import { findEvery, type LedgerCollections, type StoredPending, type StoredRating } from './stores';
import { aggregateDay, DAY_SEC, dayOf } from './weights';

const MAX_ATTEMPTS = 20;

export class BucketKeeper {
  constructor(private readonly stores: Pick<LedgerCollections, 'ratings' | 'buckets' | 'totals' | 'pending'>) {}

  /** Marks the bucket of these ratings to be summed again (call before changing them). */
  async willChange(ratings: Array<Pick<StoredRating, 'ratee' | 'storedSec'>>): Promise<void> {
    for (const { ratee, storedSec } of ratings) {
      const day = dayOf(storedSec);
      await this.stores.pending.put(bucketId(ratee, day), { ratee, day });
    }
  }

  /** Sums again every pending bucket, then the totals of their ratees. */
  async settle(): Promise<void> {
    for (;;) {
      const pending = await this.stores.pending.find({ limit: 1000 });
      if (pending.length === 0) return;
      for (const { value } of pending) await this.sumBucket(value);
      for (const ratee of new Set(pending.map(({ value }) => value.ratee))) await this.sumTotals(ratee);
      for (const { id } of pending) await this.stores.pending.delete(id);
    }
  }

  private async sumBucket({ ratee, day }: StoredPending): Promise<void> {
    await replaceBySum(this.stores.buckets, bucketId(ratee, day), async () => {
      const ratings = await findEvery(this.stores.ratings, { ratee, state: 'counted', storedSec: { gte: day * DAY_SEC, lt: (day + 1) * DAY_SEC } }, 'statementId');
      const aggregate = aggregateDay(ratings) ?? { n: 0, m: 0, mx: 0, md: 0, mxd: 0, minSec: day * DAY_SEC, maxSec: day * DAY_SEC };
      return { ratee, day, ...aggregate };
    });
  }

  private async sumTotals(ratee: AgentKey): Promise<void> {
    await replaceBySum(this.stores.totals, ratee, async () => {
      const totals = { n: 0, m: 0, mx: 0 };
      let after: number | undefined;
      for (;;) {
        const page = await this.stores.buckets.find({ where: { ratee, ...(after !== undefined && { day: { gt: after } }) }, orderBy: [{ field: 'day' }], limit: 1000 });
        for (const { value } of page) {
          totals.n += value.n;
          totals.m += value.m;
          totals.mx += value.mx;
        }
        if (page.length < 1000) return totals;
        after = page[page.length - 1]!.value.day;
      }
    });
  }
}

export function bucketId(ratee: AgentKey, day: number): string {
  return `${ratee}\n${day}`;
}

/** Writes `sum()` over the document, provided nobody wrote it between reading its revision and writing. */
async function replaceBySum<T extends object>(collection: Collection<T>, id: string, sum: () => Promise<T>): Promise<void> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await collection.get(id);
    const value = await sum();
    const written = current === undefined ? await collection.insert(id, value) : await collection.update(id, value, current.revision);
    if (written) return;
  }
  throw new Error(`the reputation sum ${JSON.stringify(id)} kept changing while it was summed (${MAX_ATTEMPTS} attempts)`);
}
