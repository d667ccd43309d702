/**
 * Keeping the hour and day buckets and the totals equal to the counted ratings. Each is a sum
 * recomputed from what it sums (an hour's counted ratings; a day's hours; a ratee's days), never
 * moved by deltas, so applying the same change twice, or two instances applying changes at once
 * (each `update` is conditional on the revision read before the sum, retried on conflict), leaves
 * them right. Before a rating changes, its hour and its reveal day (as it was and as it will be)
 * are written to `pending`; after the batch the pending hours, their days, their ratees' totals
 * and the pending reveal days are summed again and the entries deleted; whatever a crash left
 * pending is summed at the next batch.
 */
import type { Collection } from '../../../plugin-api';
import type { AgentKey } from '../model';
import { findEvery, ratingsStoredBetween, type LedgerCollections, type StoredHour, type StoredPending, type StoredRating } from './stores';
import { aggregateOf, combine, DAY_SEC, dayOf, HOUR_SEC, hourOf } from './weights';

const MAX_ATTEMPTS = 20;

export class BucketKeeper {
  constructor(private readonly stores: Pick<LedgerCollections, 'ratings' | 'hours' | 'buckets' | 'reveals' | 'totals' | 'pending'>) {}

  /** Marks the hour and reveal day of these ratings to be summed again (call before changing them). */
  async willChange(ratings: Array<Pick<StoredRating, 'ratee' | 'storedSec' | 'sealedUntilSec'>>): Promise<void> {
    for (const { ratee, storedSec, sealedUntilSec } of ratings) {
      await this.mark({ ratee, kind: 'hour', index: hourOf(storedSec) });
      if (sealedUntilSec !== undefined) await this.mark({ ratee, kind: 'reveal', index: dayOf(sealedUntilSec) });
    }
  }

  /** Sums again every pending hour, then their days, then the totals of their ratees, and every pending reveal day. */
  async settle(): Promise<void> {
    for (;;) {
      const pending = (await this.stores.pending.find({ limit: 1000 })).map(({ id, value }) => ({ id, ...value }));
      if (pending.length === 0) return;
      const hours = pending.filter(({ kind }) => kind === 'hour');
      for (const { ratee, index } of hours) await this.sumHour(ratee, index);
      const days = new Map(hours.map(({ ratee, index }) => [spanId(ratee, dayOf(index * HOUR_SEC)), { ratee, day: dayOf(index * HOUR_SEC) }]));
      for (const { ratee, day } of days.values()) await this.sumDay(ratee, day);
      for (const ratee of new Set(hours.map(({ ratee }) => ratee))) await this.sumTotals(ratee);
      for (const { ratee, index } of pending.filter(({ kind }) => kind === 'reveal')) await this.sumReveals(ratee, index);
      for (const { id } of pending) await this.stores.pending.delete(id);
    }
  }

  private async mark(pending: StoredPending): Promise<void> {
    await this.stores.pending.put(`${pending.ratee}\n${pending.kind}\n${pending.index}`, pending);
  }

  /** The ratings sealed until a day, summed with d from the day's start. */
  private async sumReveals(ratee: AgentKey, day: number): Promise<void> {
    const startSec = day * DAY_SEC;
    await replaceBySum(this.stores.reveals, spanId(ratee, day), async () => {
      const ratings = await findEvery(this.stores.ratings, { ratee, sealedUntilSec: { gte: startSec, lt: startSec + DAY_SEC } }, 'statementId');
      return { ratee, day, ...aggregateOf(ratings, startSec) };
    });
  }

  private async sumHour(ratee: AgentKey, hour: number): Promise<void> {
    const startSec = hour * HOUR_SEC;
    await replaceBySum(this.stores.hours, spanId(ratee, hour), async () => {
      const ratings = await ratingsStoredBetween(this.stores.ratings, { ratee, state: 'counted' }, startSec, startSec + HOUR_SEC);
      return { ratee, hour, ...aggregateOf(ratings, startSec) };
    });
  }

  private async sumDay(ratee: AgentKey, day: number): Promise<void> {
    await replaceBySum(this.stores.buckets, spanId(ratee, day), async () => {
      const hours = await hoursOfDay(this.stores.hours, ratee, day);
      return { ratee, day, ...combine(hours.map((hour) => ({ ...hour, offsetSec: hour.hour * HOUR_SEC - day * DAY_SEC })), day * DAY_SEC) };
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

/** The id of a ratee's hour or day bucket. */
export function spanId(ratee: AgentKey, index: number): string {
  return `${ratee}\n${index}`;
}

/** The hour buckets of a ratee's day. */
export async function hoursOfDay(hours: LedgerCollections['hours'], ratee: AgentKey, day: number): Promise<StoredHour[]> {
  const first = (day * DAY_SEC) / HOUR_SEC;
  return (await hours.find({ where: { ratee, hour: { gte: first, lt: first + DAY_SEC / HOUR_SEC } }, limit: 24 })).map(({ value }) => value);
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
