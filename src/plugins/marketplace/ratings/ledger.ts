/**
 * The derived stores `ratings` and `rating_summaries`, kept from the space-rated statements this
 * plugin recorded: each rating is stored, and its space's summary changes by what the rating
 * changes in it (a rating counts while it is the latest of its rater and reservation). Events come
 * at least once, in feed order: a summary remembers the last feed position it applied (and the
 * events at it), so an event delivered again changes nothing, and a crash between the two writes
 * is mended by the delivery that follows. Work per event is independent of how many ratings the
 * space has.
 */
import type { Collection } from '../../../plugin-api';
import type { RatingSummary } from '../model';
import type { RatingRecord, SummaryRecord } from './records';
import { countedRating, emptySummary, withRating } from './summaries';

type RatingOfPair = RatingRecord & { id: string };

const PAGE = 1000;

export class RatingLedger {
  constructor(
    private readonly ratings: Collection<RatingRecord>,
    private readonly summaries: Collection<SummaryRecord>,
  ) {}

  /**
   * A rating statement stored: the rating, then the summary if it is now its pair's latest, then
   * the rating marked as summarized (what voided needs to know after a crash between the writes).
   */
  async stored(id: string, rating: RatingRecord): Promise<void> {
    await this.ratings.put(id, rating);
    await this.changeSummary(rating.spaceId, rating.position, id, async (summary) => {
      const pair = await this.ratingsOfPair(rating);
      const latest = countedRating(pair);
      if (latest?.id !== id) return summary; // an earlier rating delivered after a later one: it never counts
      const replaced = countedRating(pair.filter((each) => each.id !== id));
      return withRating(replaced === undefined ? summary : withRating(summary, replaced, -1), rating, 1);
    });
    await this.ratings.put(id, { ...rating, summarized: true });
  }

  /**
   * A rating voided at `position` counts nowhere: if it counted, its pair's earlier rating counts
   * again. One never marked summarized (a crash in its delivery, then voided before it was
   * delivered again, which drops it) may or may not be in the summary: the space is summarized
   * again from its ratings.
   */
  async voided(id: string, position: number): Promise<void> {
    const stored = await this.ratings.get(id);
    if (stored === undefined) return;
    const rating = stored.value;
    await this.changeSummary(rating.spaceId, position, `voided:${id}`, async (summary) => {
      if (rating.summarized !== true) return this.summaryFromScratch(rating.spaceId, id);
      const pair = await this.ratingsOfPair(rating);
      if (countedRating(pair)?.id !== id) return summary;
      const restored = countedRating(pair.filter((each) => each.id !== id));
      const without = withRating(summary, rating, -1);
      return restored === undefined ? without : withRating(without, restored, 1);
    });
    await this.ratings.delete(id);
  }

  /** Every rating of the rater for the reservation (a handful: one per time they rated it). */
  async ratingsOfPair({ reservationId, rater }: Pick<RatingRecord, 'reservationId' | 'rater'>): Promise<RatingOfPair[]> {
    const found = await this.ratings.find({ where: { reservationId, rater }, orderBy: [{ field: 'reservationId' }, { field: 'rater' }, { field: 'position' }] });
    return found.map(({ id, value }) => ({ id, ...value }));
  }

  /** The summary of every counted rating of the space but `leftOut`, read page by page. */
  private async summaryFromScratch(spaceId: string, leftOut: string): Promise<RatingSummary> {
    const latest = new Map<string, RatingOfPair>();
    let from = 0;
    for (;;) {
      const page = await this.ratings.find({ where: { spaceId, position: { gte: from } }, orderBy: [{ field: 'spaceId' }, { field: 'position' }], limit: PAGE });
      for (const { id, value } of page) {
        const pairKey = JSON.stringify([value.reservationId, value.rater]);
        const known = latest.get(pairKey);
        const candidate = { id, ...value };
        if (id !== leftOut && (known === undefined || countedRating([known, candidate]) === candidate)) latest.set(pairKey, candidate);
      }
      const last = page[page.length - 1]?.value.position;
      if (page.length < PAGE || last === from) break;
      from = last!;
    }
    return [...latest.values()].reduce((summary, rating) => withRating(summary, rating, 1), emptySummary());
  }

  private async changeSummary(spaceId: string, position: number, eventKey: string, change: (summary: RatingSummary) => Promise<RatingSummary>): Promise<void> {
    const stored = (await this.summaries.get(spaceId))?.value;
    if (stored !== undefined && applied(stored, position, eventKey)) return;
    const { spaceId: _spaceId, appliedPosition: _position, appliedAtPosition, ...summary } = stored ?? { spaceId, appliedPosition: 0, appliedAtPosition: [], ...emptySummary() };
    const changed = await change(summary);
    const atPosition = stored !== undefined && stored.appliedPosition === position ? [...appliedAtPosition, eventKey] : [eventKey];
    await this.summaries.put(spaceId, { spaceId, ...changed, appliedPosition: position, appliedAtPosition: atPosition });
  }
}

function applied(summary: SummaryRecord, position: number, eventKey: string): boolean {
  return position < summary.appliedPosition || (position === summary.appliedPosition && summary.appliedAtPosition.includes(eventKey));
}
