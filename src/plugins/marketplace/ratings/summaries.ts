import type { RatingSummary } from '../model';
import { DIMENSIONS, type RatingRecord, type Scores } from './records';

/** What counts of one rater's ratings of one reservation: the one stored last (the later replaces the earlier). */
export function countedRatings<T extends Pick<RatingRecord, 'reservationId' | 'rater' | 'position'> & { id: string }>(ratings: T[]): T[] {
  const latest = new Map<string, T>();
  for (const rating of ratings) {
    const pair = JSON.stringify([rating.reservationId, rating.rater]);
    const known = latest.get(pair);
    if (known === undefined || storedAfter(rating, known)) latest.set(pair, rating);
  }
  return [...latest.values()];
}

/** Feed order; statements of one batch share a position, and then the id decides. */
function storedAfter(one: { position: number; id: string }, other: { position: number; id: string }): boolean {
  return one.position > other.position || (one.position === other.position && one.id > other.id);
}

/** Counts, means (two decimals) and distributions (index 0 = score 1) of counted ratings. */
export function summarize(ratings: Scores[]): RatingSummary {
  const summary = emptySummary();
  for (const rating of ratings) {
    for (const dimension of DIMENSIONS) summary.distribution[dimension][rating[dimension] - 1]! += 1;
  }
  summary.count = ratings.length;
  for (const dimension of DIMENSIONS) summary[dimension] = meanOf(summary.distribution[dimension]);
  return summary;
}

export function emptySummary(): RatingSummary {
  const zeros = () => [0, 0, 0, 0, 0];
  return {
    count: 0,
    overall: null,
    safety: null,
    cleanliness: null,
    accessibility: null,
    distribution: { overall: zeros(), safety: zeros(), cleanliness: zeros(), accessibility: zeros() },
  };
}

function meanOf(distribution: number[]): number | null {
  const count = distribution.reduce((sum, each) => sum + each, 0);
  if (count === 0) return null;
  const total = distribution.reduce((sum, each, index) => sum + each * (index + 1), 0);
  return Math.round((total / count) * 100) / 100;
}
