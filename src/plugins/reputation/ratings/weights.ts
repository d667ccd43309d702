/**
 * Weights in integers (issue 12 "Decay from stored"; domain brief §2.2): a rating of age
 * `age = t − stored` whole seconds weighs (windowSec − age) × penaltyPercent units while
 * 0 ≤ age < window, else 0, so current = Σ units·score / Σ units is one exact division.
 *
 * Buckets keep, per ratee and UTC hour and day, over its counted ratings: n, Σm, Σm·x, Σm·d and
 * Σm·x·d (m = penalty percent, x = score, d = seconds into the hour or day). For a span wholly
 * inside the window
 *   Σ units = Σ (W − t + start + d)·m = (W − t + start)·Σm + Σm·d
 * and likewise Σ units·x, exactly; a day straddling t − W (or holding ratings after t) is read as
 * its hours, and only the hour straddling it as ratings one by one. A day's sums are its hours'
 * (d shifted by the hour's offset in the day).
 */
import type { ReputationScore } from '../model';

export const DAY_SEC = 86_400;
export const HOUR_SEC = 3_600;

export interface WeighedRating {
  storedSec: number;
  score: number;
  penaltyPercent: number;
}

/** A ratee's counted ratings of one UTC hour or day, summed (stores `hours`, `buckets`); d from the span's start. */
export interface Aggregate {
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

export function hourOf(sec: number): number {
  return Math.floor(sec / HOUR_SEC);
}

export function windowSecOf(windowDays: number): number {
  return Math.round(windowDays * DAY_SEC);
}

/** (windowSec − age) × penaltyPercent for 0 ≤ age < window, else 0. */
export function weightUnits(rating: WeighedRating, atSec: number, windowSec: number): number {
  const age = atSec - rating.storedSec;
  return age >= 0 && age < windowSec ? (windowSec - age) * rating.penaltyPercent : 0;
}

/** An empty span's sums. */
export function emptyAggregate(startSec: number): Aggregate {
  return { n: 0, m: 0, mx: 0, md: 0, mxd: 0, minSec: startSec, maxSec: startSec };
}

/** The sums of the counted ratings of the span starting at `startSec` (all stored in it). */
export function aggregateOf(ratings: WeighedRating[], startSec: number): Aggregate {
  return combine(
    ratings.map(({ storedSec, score, penaltyPercent: m }) => ({ n: 1, m, mx: m * score, md: m * (storedSec - startSec), mxd: m * score * (storedSec - startSec), minSec: storedSec, maxSec: storedSec })),
    startSec,
  );
}

/** The sums of spans inside the span starting at `startSec`, each with d from its own start (`offsetSec` from startSec). */
export function combine(parts: Array<Aggregate & { offsetSec?: number }>, startSec: number): Aggregate {
  const total = emptyAggregate(startSec);
  const counted = parts.filter((part) => part.n > 0);
  for (const { offsetSec = 0, ...part } of counted) {
    total.n += part.n;
    total.m += part.m;
    total.mx += part.mx;
    total.md += part.md + offsetSec * part.m;
    total.mxd += part.mxd + offsetSec * part.mx;
  }
  if (counted.length > 0) {
    total.minSec = Math.min(...counted.map((part) => part.minSec));
    total.maxSec = Math.max(...counted.map((part) => part.maxSec));
  }
  return total;
}

/** Whether every rating of the span is inside (t − W, t]: its sums give its window sums exactly. */
export function wholeInWindow(aggregate: Aggregate, atSec: number, windowSec: number): boolean {
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
  addAllTime(aggregate: Pick<Aggregate, 'n' | 'm' | 'mx'>, sign: 1 | -1): void {
    this.total += sign * aggregate.n;
    this.allTimeDenominator += sign * aggregate.m;
    this.allTimeNumerator += sign * aggregate.mx;
  }

  /** The ratings of a span (d from `startSec`), all stored inside the window (wholeInWindow), to the window sums. */
  addWhole(aggregate: Aggregate, startSec: number, sign: 1 | -1 = 1): void {
    const offset = this.windowSec - this.atSec + startSec;
    this.denominator += sign * (offset * aggregate.m + aggregate.md);
    this.numerator += sign * (offset * aggregate.mx + aggregate.mxd);
    this.recent += sign * aggregate.n;
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
