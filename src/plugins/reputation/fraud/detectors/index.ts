import type { FraudSignal } from '../../model';
import { detectBursts } from './burst';
import { type DetectorOptions, indexRatings, type RatingFact } from './facts';
import { detectNewAccountClusters } from './new-accounts';
import { detectConsensusOutliers } from './outlier';
import { detectReciprocalPairs } from './reciprocal';
import { detectRings } from './ring';
import { detectSerialRating } from './serial';

export type { DetectorOptions, RatingFact } from './facts';

/** A signal's identity: its kind and its subjects (a flag is raised once per identity). */
export function signalKey(found: Pick<FraudSignal, 'kind' | 'subjects'>): string {
  return `${found.kind}\n${[...found.subjects].sort().join('\n')}`;
}

/**
 * Every detector over these ratings (pure: the same ratings give the same signals, in the same
 * order). Signals with the same kind and subjects are one: the most confident is kept.
 */
export function detectSignals(ratings: RatingFact[], options: DetectorOptions = {}): FraudSignal[] {
  const index = indexRatings(ratings);
  const found = [
    ...detectBursts(index, options),
    ...detectSerialRating(index, options),
    ...detectReciprocalPairs(index),
    ...detectRings(index),
    ...detectNewAccountClusters(index),
    ...detectConsensusOutliers(index, options),
  ];
  const unique = new Map<string, FraudSignal>();
  for (const candidate of found) {
    const key = signalKey(candidate);
    const kept = unique.get(key);
    if (!kept || candidate.confidence > kept.confidence) unique.set(key, candidate);
  }
  return [...unique.values()];
}
