/**
 * Scores read from the ledger's stores. score(t) = the window's day buckets (≤ windowDays + 1
 * documents per identity, each whole day summed exactly) + the hours of a day only partly inside
 * (t − W, t] (≤ 24) + the ratings of an hour only partly inside − the ratings still sealed at t
 * (revealAtSec > t, by index). Historical = the ratee's totals − spans after t − sealed. Explain lists the window's revealed counted ratings one by one;
 * its integer numerator and denominator are the score's.
 */
import { BadRequestCode, BadRequestError } from '../../../plugin-api';
import type { AgentKey, Contribution, DecayCurve, ExplainedScore, RatingRecord, ReputationScore } from '../model';
import { secondsOf } from './rating';
import { hoursOfDay } from './buckets';
import { findEvery, ratingsStoredBetween, recordOf, type LedgerCollections, type StoredRating } from './stores';
import { DAY_SEC, dayOf, HOUR_SEC, ScoreSums, weightUnits, wholeInWindow, windowSecOf, type Aggregate } from './weights';

export type TrendPoint = { date: string; current: number | null; historical: number | null };

type AllTime = Pick<Aggregate, 'n' | 'm' | 'mx'>;

export class ScoreReader {
  private readonly windowSec: number;

  constructor(
    private readonly stores: LedgerCollections,
    private readonly curve: DecayCurve,
    private readonly now: () => Date,
  ) {
    this.windowSec = windowSecOf(curve.windowDays);
  }

  async score(agents: AgentKey[], at?: Date): Promise<ReputationScore> {
    return (await this.sums(new Set(agents), this.secondsAt(at))).score();
  }

  async explain(agents: AgentKey[], at: Date | undefined, options: { withRaters: boolean }): Promise<ExplainedScore> {
    const atSec = this.secondsAt(at);
    const keys = new Set(agents);
    const sums = await this.sums(keys, atSec);
    const revealed = (await this.windowRatings(keys, atSec)).filter((rating) => rating.revealAtSec! <= atSec);
    revealed.sort((one, other) => other.storedSec - one.storedSec || (one.statementId < other.statementId ? -1 : 1));
    const contributions = revealed.map((rating) => this.contribution(rating, atSec, sums.denominator, options.withRaters));
    return { ...sums.score(), curve: this.curve, numerator: sums.numerator, denominator: sums.denominator, contributions };
  }

  /**
   * current and historical at the end of each of the last `days` UTC days (the last one at `at`),
   * in one read: the all-time totals, and the counted ratings stored since the first point's window
   * (or seal) began, from which every point is computed in memory — rather than one score per day,
   * whose reads of ratings sealed at past times made a 90-day trend take seconds.
   */
  async trend(agents: AgentKey[], days: number, at?: Date): Promise<TrendPoint[]> {
    const atSec = this.secondsAt(at);
    const keys = [...new Set(agents)];
    const firstDay = dayOf(atSec) - days + 1;
    const lookbackSec = Math.max(this.windowSec, this.curve.sealDays * DAY_SEC);
    const totals: AllTime[] = [];
    const ratings: StoredRating[] = [];
    for (const ratee of keys) {
      const stored = await this.stores.totals.get(ratee);
      if (stored !== undefined) totals.push(stored.value);
      ratings.push(...(await ratingsStoredBetween(this.stores.ratings, { ratee, state: 'counted' }, firstDay * DAY_SEC - lookbackSec, atSec + 1)));
    }
    return Array.from({ length: days }, (_, index) => {
      const day = firstDay + index;
      const { current, historical } = sumsAt(Math.min(atSec, (day + 1) * DAY_SEC - 1), this.windowSec, totals, ratings).score();
      return { date: new Date(day * DAY_SEC * 1000).toISOString().slice(0, 10), current, historical };
    });
  }

  /** Ratings whose `field` is one of the agents, newest first (ties by id, descending), those `shown` only. */
  async newestFirst(field: 'rater' | 'ratee', agents: AgentKey[], options: { limit: number; before?: string }, shown: (rating: StoredRating) => boolean): Promise<{ ratings: Array<{ id: string; rating: RatingRecord }>; next?: string }> {
    if (agents.length === 0) return { ratings: [] };
    const limit = Math.min(Math.max(Math.floor(options.limit), 1), 1000);
    let before = options.before === undefined ? undefined : parseCursor(options.before);
    const ratings: StoredRating[] = [];
    for (;;) {
      const page = await this.stores.ratings.find({
        where: { [field]: { in: [...new Set(agents)].slice(0, 1000) }, ...(before !== undefined && { storedSec: { lte: before.storedSec } }) },
        orderBy: [{ field: 'storedSec', descending: true }],
        limit: 1000,
      });
      const older = page.map(({ value }) => value).filter((rating) => before === undefined || rating.storedSec < before.storedSec || rating.statementId < before.id);
      for (const rating of older) if (shown(rating) && ratings.length <= limit) ratings.push(rating);
      if (ratings.length > limit || page.length < 1000 || older.length === 0) break;
      const last = older[older.length - 1]!;
      before = { storedSec: last.storedSec, id: last.statementId };
    }
    const kept = ratings.slice(0, limit);
    const last = kept[kept.length - 1];
    return {
      ratings: kept.map((rating) => ({ id: rating.statementId, rating: recordOf(rating) })),
      ...(ratings.length > limit && last !== undefined && { next: cursorOf(last) }),
    };
  }

  private secondsAt(at: Date | undefined): number {
    return secondsOf(at ?? this.now());
  }

  private async sums(keys: Set<AgentKey>, atSec: number): Promise<ScoreSums> {
    const sums = new ScoreSums(atSec, this.windowSec);
    const agents = [...keys];
    for (const agent of agents) {
      const totals = await this.stores.totals.get(agent);
      if (totals !== undefined) sums.addAllTime(totals.value, 1);
    }
    const firstDay = dayOf(atSec - this.windowSec + 1);
    for (const ratee of agents) {
      for (const day of await findEvery(this.stores.buckets, { ratee, day: { gte: firstDay } }, 'day')) await this.addDay(sums, ratee, day);
    }
    for (const ratee of agents) await this.takeOutSealed(sums, ratee);
    return sums;
  }

  /**
   * The ratings still sealed at t (revealed after it) out of the sums: a later day's reveals as
   * one aggregate when all were stored in the window by t, else (the day holding t, or past t)
   * one by one.
   */
  private async takeOutSealed(sums: ScoreSums, ratee: AgentKey): Promise<void> {
    const today = dayOf(sums.atSec);
    for (const reveals of await findEvery(this.stores.reveals, { ratee, day: { gte: today } }, 'day')) {
      if (reveals.n === 0) continue;
      if (reveals.day > today && wholeInWindow(reveals, sums.atSec, sums.windowSec)) {
        sums.addAllTime(reveals, -1);
        sums.addWhole(reveals, reveals.day * DAY_SEC, -1);
        continue;
      }
      const sealedUntilSec = { gt: Math.max(sums.atSec, reveals.day * DAY_SEC - 1), lt: (reveals.day + 1) * DAY_SEC };
      for (const rating of await findEvery(this.stores.ratings, { ratee, sealedUntilSec }, 'statementId')) {
        if (rating.storedSec > sums.atSec) continue; // not in the sums at all
        sums.addRatingAllTime(rating, -1);
        sums.addToWindow(rating, -1);
      }
    }
  }

  /**
   * A day's or an hour's sums: out of all time when it starts after t, exactly when wholly inside
   * the window, nothing more when wholly before it, else through `finer` (a day's hours, an hour's ratings).
   */
  private async addSpan(sums: ScoreSums, span: Aggregate, startSec: number, finer: () => Promise<void>): Promise<void> {
    if (startSec > sums.atSec) return sums.addAllTime(span, -1);
    if (wholeInWindow(span, sums.atSec, sums.windowSec)) return sums.addWhole(span, startSec);
    if (span.n > 0 && span.maxSec > sums.atSec - sums.windowSec) await finer(); // else wholly before the window: all time has it
  }

  private async addDay(sums: ScoreSums, ratee: AgentKey, day: { day: number } & Aggregate): Promise<void> {
    await this.addSpan(sums, day, day.day * DAY_SEC, async () => {
      for (const hour of await hoursOfDay(this.stores.hours, ratee, day.day)) {
        await this.addSpan(sums, hour, hour.hour * HOUR_SEC, () => this.addRatings(sums, ratee, hour.hour * HOUR_SEC));
      }
    });
  }

  /** The counted ratings of an hour one by one: in the window (outside it, nothing) or, after t, out of all time. */
  private async addRatings(sums: ScoreSums, ratee: AgentKey, startSec: number): Promise<void> {
    for (const rating of await ratingsStoredBetween(this.stores.ratings, { ratee, state: 'counted' }, startSec, startSec + HOUR_SEC)) {
      if (rating.storedSec > sums.atSec) sums.addRatingAllTime(rating, -1);
      else sums.addToWindow(rating, 1);
    }
  }

  /** The counted ratings stored in (t − W, t], sealed ones included. */
  private async windowRatings(keys: Set<AgentKey>, atSec: number): Promise<StoredRating[]> {
    const ratings: StoredRating[] = [];
    for (const ratee of keys) ratings.push(...(await ratingsStoredBetween(this.stores.ratings, { ratee, state: 'counted' }, atSec - this.windowSec + 1, atSec + 1)));
    return ratings;
  }

  private contribution(rating: StoredRating, atSec: number, denominator: number, withRater: boolean): Contribution {
    const ageSec = atSec - rating.storedSec;
    const units = weightUnits(rating, atSec, this.windowSec);
    const decay = (this.windowSec - ageSec) / this.windowSec;
    const penaltyFactor = rating.penaltyPercent / 100;
    return {
      ratingId: rating.statementId,
      session: rating.session,
      score: rating.score,
      stored: new Date(rating.storedMs).toISOString(),
      ageDays: ageSec / DAY_SEC,
      decay,
      penaltyFactor,
      weight: decay * penaltyFactor,
      weightUnits: units,
      contribution: denominator > 0 ? (units * rating.score) / denominator : 0,
      ...(withRater && { rater: { key: rating.rater, ...(rating.raterName !== undefined && { name: rating.raterName }) } }),
      raterRole: rating.raterRole,
    };
  }
}

function cursorOf(rating: StoredRating): string {
  return Buffer.from(JSON.stringify([rating.storedSec, rating.statementId])).toString('base64url');
}

function parseCursor(cursor: string): { storedSec: number; id: string } {
  try {
    const [storedSec, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    if (Number.isInteger(storedSec) && typeof id === 'string') return { storedSec: storedSec as number, id };
  } catch {
    // reported below
  }
  throw new BadRequestError(BadRequestCode.InvalidCursor, 'the cursor `before` is not one this LRS gave');
}

/** The sums at t from the all-time totals and every counted rating that may be younger than the window or still sealed at t. */
function sumsAt(atSec: number, windowSec: number, totals: AllTime[], ratings: StoredRating[]): ScoreSums {
  const sums = new ScoreSums(atSec, windowSec);
  for (const aggregate of totals) sums.addAllTime(aggregate, 1);
  for (const rating of ratings) {
    if (rating.storedSec > atSec || rating.revealAtSec! > atSec) sums.addRatingAllTime(rating, -1);
    else sums.addToWindow(rating, 1);
  }
  return sums;
}
