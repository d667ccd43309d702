import type { AgentKey, FraudSignal, FraudSignalKind } from '../../model';

/** One rating as the detectors see it: who rated whom, in which session, how, and when (seconds of `stored`). */
export interface RatingFact {
  id: string;
  rater: AgentKey;
  ratee: AgentKey;
  session: string;
  score: number;
  storedSec: number;
  /** When the rater was first seen (first attendance or rating stored): the account's age at the rating. */
  raterFirstSeenSec: number;
}

export interface DetectorOptions {
  /**
   * Only signals with a rating stored at or after this second (window detectors: bursts, serial
   * rating): what an incremental scan passes so it looks at new ratings only. The graph detectors
   * always look at every rating.
   */
  sinceSec?: number;
}

/** At most this many rating ids back a signal (the profile allows 1000: a moderator reads 50). */
export const MAX_EVIDENCE = 50;

/** The ratings indexed once for every detector: linear to build, Maps only. */
export interface RatingIndex {
  ratings: RatingFact[];
  byRater: Map<AgentKey, RatingFact[]>;
  byRatee: Map<AgentKey, RatingFact[]>;
  /** rater → ratee → that direction's ratings (nested: no composite keys to build for a million ratings). */
  byDirection: Map<AgentKey, Map<AgentKey, RatingFact[]>>;
}

/** One direction's ratings: what `rater` gave `ratee`. */
export function direction(index: RatingIndex, rater: AgentKey, ratee: AgentKey): RatingFact[] | undefined {
  return index.byDirection.get(rater)?.get(ratee);
}

/** Every direction's ratings (each list non-empty). */
export function* directions(index: RatingIndex): Iterable<RatingFact[]> {
  for (const byRatee of index.byDirection.values()) yield* byRatee.values();
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function indexRatings(ratings: RatingFact[]): RatingIndex {
  const index: RatingIndex = { ratings, byRater: new Map(), byRatee: new Map(), byDirection: new Map() };
  for (const rating of ratings) {
    push(index.byRater, rating.rater, rating);
    push(index.byRatee, rating.ratee, rating);
    let given = index.byDirection.get(rating.rater);
    if (!given) index.byDirection.set(rating.rater, (given = new Map()));
    push(given, rating.ratee, rating);
  }
  return index;
}

export function byStored(a: RatingFact, b: RatingFact): number {
  return a.storedSec - b.storedSec || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function signal(kind: FraudSignalKind, subjects: AgentKey[], confidence: number, evidence: RatingFact[], explanation: string): FraudSignal {
  return {
    kind,
    subjects: [...new Set(subjects)].sort(),
    confidence: Math.round(Math.min(1, Math.max(0, confidence)) * 100) / 100,
    evidence: [...new Set(evidence.map((rating) => rating.id))].slice(0, MAX_EVIDENCE),
    explanation,
  };
}

/** Confidence from how far a figure passes its threshold: `floor` at the threshold, 1 at `full` times it. */
export function confidenceAbove(value: number, threshold: number, full = 2, floor = 0.6): number {
  const excess = (value - threshold) / (threshold * (full - 1));
  return floor + (1 - floor) * Math.min(1, Math.max(0, excess));
}

export function percent(part: number, whole: number): string {
  return `${Math.round((100 * part) / whole)}%`;
}

/** The score most of these ratings share and its share (ties: the higher score). */
export function modalScore(ratings: RatingFact[]): { score: number; share: number } {
  const counts = [0, 0, 0, 0, 0, 0];
  for (const rating of ratings) counts[rating.score] += 1;
  let score = 5;
  for (let candidate = 4; candidate >= 1; candidate -= 1) if (counts[candidate] > counts[score]) score = candidate;
  return { score, share: ratings.length ? counts[score] / ratings.length : 0 };
}

export function meanScore(ratings: RatingFact[]): number {
  let sum = 0;
  for (const rating of ratings) sum += rating.score;
  return ratings.length ? sum / ratings.length : 0;
}

/** Ratings whose mean is at least this are high: 5s with the odd 4. */
export const HIGH_MEAN = 4.5;
/** Ratings whose mean is at most this are low: 1s with the odd 2. */
export const LOW_MEAN = 1.5;

/** Whether ratings with this sum and count are all high or all low (what fraud gives; honest ratings vary). */
export function isExtreme(sum: number, count: number): boolean {
  return sum >= HIGH_MEAN * count || sum <= LOW_MEAN * count;
}

export function countScore(ratings: RatingFact[], score: number): number {
  let count = 0;
  for (const rating of ratings) if (rating.score === score) count += 1;
  return count;
}

export function hours(seconds: number): string {
  return seconds < 3600 ? `${Math.max(1, Math.round(seconds / 60))} minutes` : `${Math.round(seconds / 3600)} hours`;
}
