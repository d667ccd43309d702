/**
 * The summaries the ledger keeps event by event equal the summaries computed from scratch (issue 13:
 * averages and distributions of the ratings that count; one rating per rater and reservation, the
 * later replacing the earlier; a voided statement counts nowhere), whatever the order of ratings,
 * re-ratings, ratings sharing a feed position, voidings, deliveries again of a batch (at least
 * once) and crashes between a rating's two writes. fast-check, on both engines' real stores.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { openTestBackend, TEST_ENGINES, type TestBackend } from '../../../../test-support/backends';
import type { Collection } from '../../../plugin-api';
import type { RatingSummary } from '../model';
import { RatingLedger } from './ledger';
import { DIMENSIONS, RATING_STORES, type RatingRecord, type Scores, type SummaryRecord } from './records';

type Step =
  | { kind: 'rate'; pairs: Array<{ pair: number; scores: Scores }> } // one batch: its ratings share a feed position
  | { kind: 'void'; which: number }
  | { kind: 'deliver-again' }
  | { kind: 'crash-after-first-write'; pair: number; scores: Scores };

const score = fc.integer({ min: 1, max: 5 });
const scores: fc.Arbitrary<Scores> = fc.record({ overall: score, safety: score, cleanliness: score, accessibility: score });
const pair = fc.nat(3);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('rate' as const), pairs: fc.array(fc.record({ pair, scores }), { minLength: 1, maxLength: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('void' as const), which: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'deliver-again' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash-after-first-write' as const), pair, scores }) },
);

type Event = { type: 'stored'; id: string; rating: RatingRecord } | { type: 'voided'; id: string; position: number };

/** The summary from scratch: the latest live rating of each pair, averaged and counted. */
function expectedSummary(live: Array<RatingRecord & { id: string }>): Pick<RatingSummary, 'count' | 'distribution' | 'overall'> {
  const latest = new Map<string, RatingRecord & { id: string }>();
  for (const rating of live) {
    const known = latest.get(rating.reservationId);
    if (known === undefined || rating.position > known.position || (rating.position === known.position && rating.id > known.id)) latest.set(rating.reservationId, rating);
  }
  const counted = [...latest.values()];
  const distribution = Object.fromEntries(DIMENSIONS.map((dimension) => [dimension, [1, 2, 3, 4, 5].map((value) => counted.filter((rating) => rating[dimension] === value).length)])) as RatingSummary['distribution'];
  const total = counted.reduce((sum, rating) => sum + rating.overall, 0);
  return { count: counted.length, distribution, overall: counted.length === 0 ? null : Math.round((total / counted.length) * 100) / 100 };
}

describe.each(TEST_ENGINES)('the rating ledger on %s', (engine) => {
  let backend: TestBackend;
  let ratings: Collection<RatingRecord>;
  let summaries: Collection<SummaryRecord>;

  beforeAll(async () => {
    backend = await openTestBackend(engine);
    ratings = await backend.backend.collections.open('marketplace', 'ratings', RATING_STORES.ratings);
    summaries = await backend.backend.collections.open('marketplace', 'rating_summaries', RATING_STORES.rating_summaries);
  });
  afterAll(() => backend?.dispose());

  it('keeps every summary equal to the one computed from the ratings that count', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const ledger = new RatingLedger(ratings, summaries);
        const spaceId = randomUUID();
        const reservations = [0, 1, 2, 3].map(() => randomUUID());
        const live = new Map<string, RatingRecord & { id: string }>();
        let position = 0;
        let lastBatch: Event[] = [];
        let crashed = false;
        const deliver = async (events: Event[]) => {
          for (const event of events) {
            if (event.type === 'voided') await ledger.voided(event.id, event.position);
            else if (live.has(event.id)) await ledger.stored(event.id, event.rating); // a stored event is never delivered once voided (FeedEvent)
          }
        };
        /** The batch a crash cut short is delivered again before anything stored after it. */
        const recover = async () => {
          if (crashed) await deliver(lastBatch);
          crashed = false;
        };
        const ratingOf = (index: number, rated: Scores, at: number): RatingRecord & { id: string } => ({ id: randomUUID(), spaceId, reservationId: reservations[index]!, rater: `rater-${index}`, ...rated, storedMs: at, position: at });
        for (const each of steps) {
          if (each.kind === 'deliver-again') {
            await deliver(lastBatch);
            crashed = false;
            continue;
          }
          position += 1;
          if (each.kind === 'void') {
            const target = [...live.keys()][each.which % Math.max(live.size, 1)];
            if (target === undefined) continue;
            live.delete(target); // voided before a crashed batch is delivered again: that delivery leaves it out
            await recover();
            lastBatch = [{ type: 'voided', id: target, position }];
            await deliver(lastBatch);
            continue;
          }
          await recover();
          const batch = each.kind === 'rate' ? each.pairs.map(({ pair: index, scores: rated }) => ratingOf(index, rated, position)) : [ratingOf(each.pair, each.scores, position)];
          for (const rating of batch) live.set(rating.id, rating);
          lastBatch = batch.map(({ id, ...rating }) => ({ type: 'stored', id, rating }));
          if (each.kind === 'rate') await deliver(lastBatch);
          else {
            const { id, ...rating } = batch[0]!;
            await ratings.put(id, rating); // the rating's first write only: its summary not yet changed
            crashed = true;
          }
        }
        await recover();
        const kept = (await summaries.get(spaceId))?.value;
        const expected = expectedSummary([...live.values()]);
        expect({ count: kept?.count ?? 0, distribution: kept?.distribution ?? expectedSummary([]).distribution, overall: kept?.overall ?? null }).toEqual(expected);
        expect((await ratings.find({ where: { spaceId } })).map(({ id }) => id).sort()).toEqual([...live.keys()].sort());
      }),
      { numRuns: engine === 'sqlite' ? 60 : 20 },
    );
  }, 120_000);
});
