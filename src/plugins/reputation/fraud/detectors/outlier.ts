import type { AgentKey, FraudSignal } from '../../model';
import { confidenceAbove, type DetectorOptions, type RatingFact, type RatingIndex, signal } from './facts';

/** A rating is compared with the consensus only when at least this many others rated the same person. */
export const OUTLIER_MIN_OTHERS = 5;
/** A rater is judged on at least this many such ratings… */
export const OUTLIER_MIN_RATINGS = 8;
/** …and is far from consensus when they are on average at least this many points above or below the others' mean. */
export const OUTLIER_MIN_DEVIATION = 2;

interface Deviation {
  count: number;
  sum: number;
}

/**
 * Raters far from consensus: on average two points or more above or below what everyone else gave
 * the same people (a harsh or a generous rater stays within a point or so).
 */
export function detectConsensusOutliers(index: RatingIndex, options: DetectorOptions): FraudSignal[] {
  const totals = new Map<AgentKey, { sum: number; count: number }>();
  for (const [ratee, received] of index.byRatee) {
    let sum = 0;
    for (const rating of received) sum += rating.score;
    totals.set(ratee, { sum, count: received.length });
  }
  const comparable = (rating: RatingFact) => (totals.get(rating.ratee)?.count ?? 0) - 1 >= OUTLIER_MIN_OTHERS;
  const byRater = new Map<AgentKey, Deviation>();
  for (const rating of index.ratings) {
    if (!comparable(rating)) continue;
    const total = totals.get(rating.ratee)!;
    const deviation = byRater.get(rating.rater) ?? byRater.set(rating.rater, { count: 0, sum: 0 }).get(rating.rater)!;
    deviation.count += 1;
    deviation.sum += rating.score - (total.sum - rating.score) / (total.count - 1);
  }
  const signals: FraudSignal[] = [];
  for (const [rater, { count, sum }] of byRater) {
    if (count < OUTLIER_MIN_RATINGS) continue;
    const mean = sum / count;
    if (Math.abs(mean) < OUTLIER_MIN_DEVIATION) continue;
    const ratings = (index.byRater.get(rater) ?? []).filter(comparable);
    if (options.sinceSec !== undefined && !ratings.some((rating) => rating.storedSec >= options.sinceSec!)) continue;
    signals.push(
      signal(
        'consensus-outlier',
        [rater],
        confidenceAbove(Math.abs(mean), OUTLIER_MIN_DEVIATION, 2),
        ratings,
        `${rater}'s ${ratings.length} ratings of people others rated too are on average ${Math.abs(mean).toFixed(1)} points ${mean < 0 ? 'below' : 'above'} what the others gave the same people.`,
      ),
    );
  }
  return signals;
}
