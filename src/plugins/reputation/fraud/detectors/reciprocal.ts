import type { FraudSignal } from '../../model';
import { confidenceAbove, countScore, direction, directions, meanScore, percent, type RatingIndex, signal } from './facts';

/** At least this many ratings in each direction of the pair. */
export const PAIR_MIN_ROUNDS = 4;
/** Each direction's mean is at least this: 5s with a rare 4. */
export const PAIR_MIN_MEAN = 4.7;
/**
 * And each one's ratings of the other are at least this share of everything the other received:
 * their reputations stand on each other. Rating each other is normal (a tutor and a student after
 * every session); a tutor has other students, so reciprocity alone never reaches this.
 */
export const PAIR_DEPENDENCY = 0.6;

/** Two people who rate each other 5 (a mean of at least PAIR_MIN_MEAN each way) again and again, and whose ratings come mostly from each other. */
export function detectReciprocalPairs(index: RatingIndex): FraudSignal[] {
  const signals: FraudSignal[] = [];
  for (const ab of directions(index)) {
    const { rater: a, ratee: b } = ab[0];
    if (a > b || ab.length < PAIR_MIN_ROUNDS) continue; // each pair once, from its smaller key
    const ba = direction(index, b, a);
    if (!ba || ba.length < PAIR_MIN_ROUNDS) continue;
    const rounds = Math.min(ab.length, ba.length);
    const fives = countScore(ab, 5) + countScore(ba, 5);
    if (meanScore(ab) < PAIR_MIN_MEAN || meanScore(ba) < PAIR_MIN_MEAN) continue;
    const dependencyOfB = ab.length / (index.byRatee.get(b)?.length ?? ab.length);
    const dependencyOfA = ba.length / (index.byRatee.get(a)?.length ?? ba.length);
    const dependency = Math.min(dependencyOfA, dependencyOfB);
    if (dependency < PAIR_DEPENDENCY) continue;
    const evidence = ab.flatMap((rating, i) => (ba[i] ? [rating, ba[i]] : [rating]));
    signals.push(
      signal(
        'reciprocal-pair',
        [a, b],
        (confidenceAbove(rounds, PAIR_MIN_ROUNDS) + confidenceAbove(dependency, PAIR_DEPENDENCY, 1 / PAIR_DEPENDENCY)) / 2,
        evidence,
        `${a} and ${b} rated each other ${ab.length} and ${ba.length} times, ${percent(fives, ab.length + ba.length)} of them 5; ${b}'s ratings are ${percent(dependencyOfA, 1)} of all ${a} received, and ${a}'s ${percent(dependencyOfB, 1)} of all ${b} received.`,
      ),
    );
  }
  return signals;
}
