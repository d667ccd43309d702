import type { RatingSummary } from '../model';
import { DIMENSIONS, type Scores } from './records';

/** Which of one rater's ratings of one reservation counts: the one stored last (the later replaces the earlier). */
export function countedRating<T extends { position: number; id: string }>(ratingsOfPair: T[]): T | undefined {
  let latest: T | undefined;
  for (const rating of ratingsOfPair) if (latest === undefined || storedAfter(rating, latest)) latest = rating;
  return latest;
}

/** Feed order; statements of one batch share a position, and then the id decides. */
function storedAfter(one: { position: number; id: string }, other: { position: number; id: string }): boolean {
  return one.position > other.position || (one.position === other.position && one.id > other.id);
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

/** The summary with a rating added (`sign` 1) or taken out (-1): counts, distributions and means to two decimals. */
export function withRating(summary: RatingSummary, scores: Scores, sign: 1 | -1): RatingSummary {
  const next: RatingSummary = { ...summary, count: summary.count + sign, distribution: { ...summary.distribution } };
  for (const dimension of DIMENSIONS) {
    const counts = [...summary.distribution[dimension]];
    counts[scores[dimension] - 1]! += sign;
    next.distribution[dimension] = counts;
    next[dimension] = meanOf(counts);
  }
  return next;
}

function meanOf(distribution: number[]): number | null {
  const count = distribution.reduce((sum, each) => sum + each, 0);
  if (count === 0) return null;
  const total = distribution.reduce((sum, each, index) => sum + each * (index + 1), 0);
  return Math.round((total / count) * 100) / 100;
}
