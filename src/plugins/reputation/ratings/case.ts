/**
 * A case is one session and one unordered pair of people: both directions of their ratings
 * (issue 12 "Simultaneous reveal"; domain brief §2.2). Tutor↔student cases are sealed until both
 * directions rated or `sealDays` after the case's first rating:
 *   revealAt = min(max(firstAB, firstBA), min(firstAB, firstBA) + seal)
 * per direction the latest rating stored ≤ revealAt counts, earlier ones are superseded, later ones
 * arrive after the reveal. In other cases (peers) the first rating per direction counts, revealed
 * when stored. The kind of case is the first rating's (in stored order, ties by statement id).
 *
 * `addRating` folds one rating into a case's summary in O(1) — what the ledger does as ratings
 * arrive in stored order — and `resolveCase` is the same fold over every rating of the case in
 * stored order, for when that order was broken, a rating was voided or attendance changed.
 */
import type { AgentKey, PersonRole, RatingState } from '../model';

export interface CaseRating {
  id: string;
  rater: AgentKey;
  raterRole: PersonRole;
  rateeRole: PersonRole;
  storedSec: number;
}

export interface Resolution {
  state: RatingState;
  /** Set while counted. */
  revealAtSec?: number;
}

/** One direction of a shared case: its rater, first rating stored and counted rating. */
export interface Direction {
  rater: AgentKey;
  firstSec: number;
  counted?: { id: string; storedSec: number };
}

/** What a case needs to take its next rating in O(1) (store `cases`, id = the case id). */
export interface CaseSummary {
  /** Whether both people are participants of the session. */
  shared: boolean;
  sealed?: boolean;
  directions: Direction[];
  revealAtSec?: number;
  /** Its newest rating in stored order: a rating before it needs `resolveCase`. */
  last?: { storedSec: number; id: string };
}

export interface CaseChange {
  summary: CaseSummary;
  /** The new rating's resolution, and that of any other rating it changed. */
  changes: Array<[string, Resolution]>;
}

export function emptyCase(shared: boolean): CaseSummary {
  return { shared, directions: [] };
}

/** Whether `rating` comes after the case's newest rating in stored order (ties by id): addRating may take it. */
export function comesLast(summary: CaseSummary, rating: CaseRating): boolean {
  return summary.last === undefined || compareStored(summary.last, rating) < 0;
}

/** The case after `rating`, which must come last (comesLast). */
export function addRating(summary: CaseSummary, rating: CaseRating, sealSec: number): CaseChange {
  const last = { storedSec: rating.storedSec, id: rating.id };
  if (!summary.shared) return { summary: { ...summary, last }, changes: [[rating.id, { state: 'no-shared-session' }]] };
  const sealed = summary.sealed ?? isTutorStudent(rating);
  const opened = { ...summary, sealed, last };
  return sealed ? addSealed(opened, rating, sealSec) : addOpen(opened, rating);
}

/** Every rating's resolution (voided ones `voided`) and the summary, from all of the case's ratings. */
export function resolveCase(ratings: CaseRating[], voided: Set<string>, shared: boolean, sealSec: number): { summary: CaseSummary; resolutions: Map<string, Resolution> } {
  const resolutions = new Map<string, Resolution>();
  let summary = emptyCase(shared);
  for (const rating of [...ratings].sort(compareStored)) {
    if (voided.has(rating.id)) {
      resolutions.set(rating.id, { state: 'voided' });
      continue;
    }
    const change = addRating(summary, rating, sealSec);
    summary = change.summary;
    for (const [id, resolution] of change.changes) resolutions.set(id, resolution);
  }
  return { summary, resolutions };
}

export function compareStored(one: { storedSec: number; id: string }, other: { storedSec: number; id: string }): number {
  return one.storedSec - other.storedSec || (one.id < other.id ? -1 : one.id > other.id ? 1 : 0);
}

function isTutorStudent(rating: CaseRating): boolean {
  const roles = [rating.raterRole, rating.rateeRole].sort().join();
  return roles === 'student,tutor';
}

function addOpen(summary: CaseSummary, rating: CaseRating): CaseChange {
  if (summary.directions.some((direction) => direction.rater === rating.rater)) {
    return { summary, changes: [[rating.id, { state: 'after-reveal' }]] };
  }
  const direction = { rater: rating.rater, firstSec: rating.storedSec, counted: { id: rating.id, storedSec: rating.storedSec } };
  return { summary: { ...summary, directions: [...summary.directions, direction] }, changes: [[rating.id, { state: 'counted', revealAtSec: rating.storedSec }]] };
}

function addSealed(summary: CaseSummary, rating: CaseRating, sealSec: number): CaseChange {
  const own = summary.directions.find((direction) => direction.rater === rating.rater);
  if (own !== undefined) return replaceCounted(summary, own, rating);
  const direction: Direction = { rater: rating.rater, firstSec: rating.storedSec };
  const directions = [...summary.directions, direction];
  const revealAtSec = revealAt(directions.map((entry) => entry.firstSec), sealSec);
  const changes: Array<[string, Resolution]> = [];
  if (rating.storedSec <= revealAtSec) {
    direction.counted = { id: rating.id, storedSec: rating.storedSec };
    changes.push([rating.id, { state: 'counted', revealAtSec }]);
  } else {
    changes.push([rating.id, { state: 'after-reveal' }]);
  }
  // The second direction's first rating can bring the reveal forward: the other's counted rating follows.
  for (const other of summary.directions) if (other.counted !== undefined && revealAtSec !== summary.revealAtSec) changes.push([other.counted.id, { state: 'counted', revealAtSec }]);
  return { summary: { ...summary, directions, revealAtSec }, changes };
}

/** A later rating of a direction that already rated: it replaces the counted one until the reveal. */
function replaceCounted(summary: CaseSummary, own: Direction, rating: CaseRating): CaseChange {
  const revealAtSec = summary.revealAtSec!;
  if (rating.storedSec > revealAtSec) return { summary, changes: [[rating.id, { state: 'after-reveal' }]] };
  const changes: Array<[string, Resolution]> = [[rating.id, { state: 'counted', revealAtSec }]];
  if (own.counted !== undefined) changes.push([own.counted.id, { state: 'superseded' }]);
  const directions = summary.directions.map((direction) => (direction === own ? { ...own, counted: { id: rating.id, storedSec: rating.storedSec } } : direction));
  return { summary: { ...summary, directions }, changes };
}

/** revealAt = min(max(firstAB, firstBA), min(firstAB, firstBA) + seal); with one direction, its first + seal. */
export function revealAt(firsts: number[], sealSec: number): number {
  const earliest = Math.min(...firsts);
  return firsts.length < 2 ? earliest + sealSec : Math.min(Math.max(...firsts), earliest + sealSec);
}
