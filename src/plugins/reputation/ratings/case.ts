/**
 * A case is one session and one unordered pair of people: both directions of their ratings
 * (issue 12 "Simultaneous reveal"; domain brief §2.2). Tutor↔student cases are sealed until both
 * directions rated or `sealDays` after the case's first rating:
 *   revealAt = min(max(firstAB, firstBA), min(firstAB, firstBA) + seal)
 * per direction the latest rating stored ≤ revealAt counts, earlier ones are superseded, later ones
 * arrive after the reveal. In other cases (peers) the first rating per direction counts, revealed
 * when stored. The kind of case is the first rating's (in stored order, ties by statement id).
 *
 * `addRating` folds one rating into a case's summary in O(1) as ratings arrive (in any order,
 * but for a few that can move a sealed case's reveal), and `resolveCase` is the same fold over
 * every rating of the case in stored order: for those, a voiding, or attendance that changed.
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

/** One direction of a shared case: its rater, first rating and counted rating. */
export interface Direction {
  rater: AgentKey;
  first: StoredAt;
  counted?: StoredAt;
}

export interface StoredAt {
  id: string;
  storedSec: number;
}

/** What a case needs to take its next rating in O(1) (store `cases`, id = the case id). */
export interface CaseSummary {
  /** Whether both people are participants of the session. */
  shared: boolean;
  sealed?: boolean;
  directions: Direction[];
  revealAtSec?: number;
  /** Its newest rating in stored order. */
  last?: StoredAt;
}

export interface CaseChange {
  summary: CaseSummary;
  /** The new rating's resolution, and that of any other rating it changed. */
  changes: Array<[string, Resolution]>;
}

export function emptyCase(shared: boolean): CaseSummary {
  return { shared, directions: [] };
}

/**
 * The case after one more rating, in O(1); undefined when the rating needs the case resolved from
 * all its ratings: in a sealed case, a rating stored before its direction's first, or a new
 * direction's first stored before the case's newest rating (either can move the reveal).
 */
export function addRating(summary: CaseSummary, rating: CaseRating, sealSec: number): CaseChange | undefined {
  const at = { storedSec: rating.storedSec, id: rating.id };
  const last = summary.last === undefined || compareStored(summary.last, at) < 0 ? at : summary.last;
  if (!summary.shared) return { summary: { ...summary, last }, changes: [[rating.id, { state: 'no-shared-session' }]] };
  const sealed = summary.sealed ?? isTutorStudent(rating);
  const own = summary.directions.find((direction) => direction.rater === rating.rater);
  const opened = { ...summary, sealed, last };
  if (!sealed) return addOpen(opened, own, rating);
  if (own === undefined) return last === at ? addDirection(opened, rating, sealSec) : undefined;
  return compareStored(at, own.first) < 0 ? undefined : addToDirection(opened, own, rating);
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
    const change = addRating(summary, rating, sealSec)!; // in stored order, always taken
    summary = change.summary;
    for (const [id, resolution] of change.changes) resolutions.set(id, resolution);
  }
  return { summary, resolutions };
}

export function compareStored(one: StoredAt, other: StoredAt): number {
  return one.storedSec - other.storedSec || (one.id < other.id ? -1 : one.id > other.id ? 1 : 0);
}

function isTutorStudent(rating: CaseRating): boolean {
  const roles = [rating.raterRole, rating.rateeRole].sort().join();
  return roles === 'student,tutor';
}

function storedAt(rating: CaseRating): StoredAt {
  return { id: rating.id, storedSec: rating.storedSec };
}

function withDirection(summary: CaseSummary, direction: Direction): Direction[] {
  return [...summary.directions.filter((other) => other.rater !== direction.rater), direction];
}

/** Peers: the first rating per direction counts, revealed when stored. */
function addOpen(summary: CaseSummary, own: Direction | undefined, rating: CaseRating): CaseChange {
  const counted: Resolution = { state: 'counted', revealAtSec: rating.storedSec };
  if (own === undefined) {
    return { summary: { ...summary, directions: withDirection(summary, { rater: rating.rater, first: storedAt(rating), counted: storedAt(rating) }) }, changes: [[rating.id, counted]] };
  }
  if (compareStored(storedAt(rating), own.first) > 0) return { summary, changes: [[rating.id, { state: 'after-reveal' }]] };
  const directions = withDirection(summary, { rater: rating.rater, first: storedAt(rating), counted: storedAt(rating) });
  return { summary: { ...summary, directions }, changes: [[rating.id, counted], [own.first.id, { state: 'after-reveal' }]] };
}

/** The first rating of a direction, the case's newest: it may bring the reveal forward. */
function addDirection(summary: CaseSummary, rating: CaseRating, sealSec: number): CaseChange {
  const direction: Direction = { rater: rating.rater, first: storedAt(rating) };
  const firsts = [...summary.directions.map((other) => other.first.storedSec), rating.storedSec];
  const revealAtSec = revealAt(firsts, sealSec);
  const changes: Array<[string, Resolution]> = [];
  if (rating.storedSec <= revealAtSec) {
    direction.counted = storedAt(rating);
    changes.push([rating.id, { state: 'counted', revealAtSec }]);
  } else {
    changes.push([rating.id, { state: 'after-reveal' }]);
  }
  for (const other of summary.directions) if (other.counted !== undefined && revealAtSec !== summary.revealAtSec) changes.push([other.counted.id, { state: 'counted', revealAtSec }]);
  return { summary: { ...summary, directions: withDirection(summary, direction), revealAtSec }, changes };
}

/** A later rating of a direction that rated: the latest stored by the reveal counts, the others are superseded or after the reveal. */
function addToDirection(summary: CaseSummary, own: Direction, rating: CaseRating): CaseChange {
  const revealAtSec = summary.revealAtSec!;
  if (rating.storedSec > revealAtSec) return { summary, changes: [[rating.id, { state: 'after-reveal' }]] };
  if (own.counted !== undefined && compareStored(storedAt(rating), own.counted) < 0) return { summary, changes: [[rating.id, { state: 'superseded' }]] };
  const changes: Array<[string, Resolution]> = [[rating.id, { state: 'counted', revealAtSec }]];
  if (own.counted !== undefined) changes.push([own.counted.id, { state: 'superseded' }]);
  return { summary: { ...summary, directions: withDirection(summary, { ...own, counted: storedAt(rating) }) }, changes };
}

/** revealAt = min(max(firstAB, firstBA), min(firstAB, firstBA) + seal); with one direction, its first + seal. */
export function revealAt(firsts: number[], sealSec: number): number {
  const earliest = Math.min(...firsts);
  return firsts.length < 2 ? earliest + sealSec : Math.min(Math.max(...firsts), earliest + sealSec);
}
