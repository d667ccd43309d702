/**
 * Weights in integers (issue 12 "Decay from stored"; domain brief §2.2): a rating of age
 * `age = t − stored` whole seconds weighs (windowSec − age) × penaltyPercent units while
 * 0 ≤ age < window, else 0, so current = Σ units·score / Σ units is one exact division.
 *
 * Day buckets keep, per ratee and UTC day, over its counted ratings: n, Σm, Σm·x, Σm·d and Σm·x·d
 * (m = penalty percent, x = score, d = seconds into the day). For a day wholly inside the window
 *   Σ units = Σ (W − t + dayStart + d)·m = (W − t + dayStart)·Σm + Σm·d
 * and likewise Σ units·x, exactly; only a day straddling t − W (or holding ratings after t) needs
 * its ratings one by one.
 */
import type { ReputationScore } from '../model';

export const DAY_SEC = 86_400;

export interface WeighedRating {
  storedSec: number;
  score: number;
  penaltyPercent: number;
}

/** A ratee's counted ratings of one UTC day, summed (store `buckets`). */
export interface DayAggregate {
  n: number;
  m: number;
  mx: number;
  md: number;
  mxd: number;
  minSec: number;
  maxSec: number;
}

export function dayOf(sec: number): number {
  return Math.floor(sec / DAY_SEC);
}

export function windowSecOf(windowDays: number): number {
  return Math.round(windowDays * DAY_SEC);
}

/** (windowSec − age) × penaltyPercent for 0 ≤ age < window, else 0. */
export function weightUnits(rating: WeighedRating, atSec: number, windowSec: number): number {
  const age = atSec - rating.storedSec;
  return age >= 0 && age < windowSec ? (windowSec - age) * rating.penaltyPercent : 0;
}

/** The aggregate of one day's counted ratings (all stored that day), undefined without any. */
export function aggregateDay(ratings: WeighedRating[]): DayAggregate | undefined {
  if (ratings.length === 0) return undefined;
  const dayStart = dayOf(ratings[0]!.storedSec) * DAY_SEC;
  const aggregate = { n: 0, m: 0, mx: 0, md: 0, mxd: 0, minSec: Infinity, maxSec: -Infinity };
  for (const { storedSec, score, penaltyPercent: m } of ratings) {
    const d = storedSec - dayStart;
    aggregate.n += 1;
    aggregate.m += m;
    aggregate.mx += m * score;
    aggregate.md += m * d;
    aggregate.mxd += m * score * d;
    aggregate.minSec = Math.min(aggregate.minSec, storedSec);
    aggregate.maxSec = Math.max(aggregate.maxSec, storedSec);
  }
  return aggregate;
}

/** Whether every rating of the day is inside (t − W, t]: its aggregate gives its window sums exactly. */
export function wholeDayInWindow(aggregate: DayAggregate, atSec: number, windowSec: number): boolean {
  return aggregate.minSec > atSec - windowSec && aggregate.maxSec <= atSec;
}

/**
 * The integer sums a score is made of: over the window (numerator Σ units·x, denominator Σ units,
 * recent count) and over all time (Σm·x, Σm, count). Ratings and days are added with sign +1 and
 * taken back out (sealed at t, stored after t) with −1.
 */
export class ScoreSums {
  numerator = 0;
  denominator = 0;
  recent = 0;
  allTimeNumerator = 0;
  allTimeDenominator = 0;
  total = 0;

  constructor(
    readonly atSec: number,
    readonly windowSec: number,
  ) {}

  /** A day's aggregate to all time. */
  addAllTime(aggregate: Pick<DayAggregate, 'n' | 'm' | 'mx'>, sign: 1 | -1): void {
    this.total += sign * aggregate.n;
    this.allTimeDenominator += sign * aggregate.m;
    this.allTimeNumerator += sign * aggregate.mx;
  }

  /** A day wholly inside the window (wholeDayInWindow) to the window sums. */
  addWholeDay(aggregate: DayAggregate, day: number): void {
    const offset = this.windowSec - this.atSec + day * DAY_SEC;
    this.denominator += offset * aggregate.m + aggregate.md;
    this.numerator += offset * aggregate.mx + aggregate.mxd;
    this.recent += aggregate.n;
  }

  /** One rating to the window sums (nothing when outside the window). */
  addToWindow(rating: WeighedRating, sign: 1 | -1): void {
    const units = weightUnits(rating, this.atSec, this.windowSec);
    const age = this.atSec - rating.storedSec;
    if (age < 0 || age >= this.windowSec) return;
    this.denominator += sign * units;
    this.numerator += sign * units * rating.score;
    this.recent += sign;
  }

  /** One rating to all time. */
  addRatingAllTime(rating: WeighedRating, sign: 1 | -1): void {
    this.addAllTime({ n: 1, m: rating.penaltyPercent, mx: rating.penaltyPercent * rating.score }, sign);
  }

  score(): ReputationScore {
    return {
      current: this.denominator > 0 ? this.numerator / this.denominator : null,
      historical: this.allTimeDenominator > 0 ? this.allTimeNumerator / this.allTimeDenominator : null,
      totalRatings: this.total,
      recentRatings: this.recent,
      asOf: new Date(this.atSec * 1000).toISOString(),
    };
  }
}
