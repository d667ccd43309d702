/**
 * A case is one session and one unordered pair of people: both directions of their ratings
 * (issue 12 "Simultaneous reveal"; domain brief §2.2). Tutor↔student cases are sealed until both
 * directions rated or `sealDays` after the case's first rating:
 *   revealAt = min(max(firstAB, firstBA), min(firstAB, firstBA) + seal)
 * per direction the latest rating stored ≤ revealAt counts, earlier ones are superseded, later ones
 * arrive after the reveal. In other cases (peers) the first rating per direction counts, revealed
 * when stored. Order is `stored` to the millisecond (ties, one batch, by statement id); so are
 * revealAt and the seal period here. The kind of case is the first rating's.
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
  storedMs: number;
}

export interface Resolution {
  state: RatingState;
  /** Set while counted. */
  revealAtMs?: number;
}

/** One direction of a shared case: its rater, first rating and counted rating. */
export interface Direction {
  rater: AgentKey;
  first: StoredAt;
  counted?: StoredAt;
}

export interface StoredAt {
  id: string;
  storedMs: number;
}

/** What a case needs to take its next rating in O(1) (store `cases`, id = the case id). */
export interface CaseSummary {
  /** Whether both people are participants of the session. */
  shared: boolean;
  sealed?: boolean;
  directions: Direction[];
  revealAtMs?: number;
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
export function addRating(summary: CaseSummary, rating: CaseRating, sealMs: number): CaseChange | undefined {
  const at = { storedMs: rating.storedMs, id: rating.id };
  const last = summary.last === undefined || compareStored(summary.last, at) < 0 ? at : summary.last;
  if (!summary.shared) return { summary: { ...summary, last }, changes: [[rating.id, { state: 'no-shared-session' }]] };
  const sealed = summary.sealed ?? isTutorStudent(rating);
  const own = summary.directions.find((direction) => direction.rater === rating.rater);
  const opened = { ...summary, sealed, last };
  if (!sealed) return addOpen(opened, own, rating);
  if (own === undefined) return last === at ? addDirection(opened, rating, sealMs) : undefined;
  return compareStored(at, own.first) < 0 ? undefined : addToDirection(opened, own, rating);
}

/** Every rating's resolution (voided ones `voided`) and the summary, from all of the case's ratings. */
export function resolveCase(ratings: CaseRating[], voided: Set<string>, shared: boolean, sealMs: number): { summary: CaseSummary; resolutions: Map<string, Resolution> } {
  const resolutions = new Map<string, Resolution>();
  let summary = emptyCase(shared);
  for (const rating of [...ratings].sort(compareStored)) {
    if (voided.has(rating.id)) {
      resolutions.set(rating.id, { state: 'voided' });
      continue;
    }
    const change = addRating(summary, rating, sealMs)!; // in stored order, always taken
    summary = change.summary;
    for (const [id, resolution] of change.changes) resolutions.set(id, resolution);
  }
  return { summary, resolutions };
}

export function compareStored(one: StoredAt, other: StoredAt): number {
  return one.storedMs - other.storedMs || (one.id < other.id ? -1 : one.id > other.id ? 1 : 0);
}

function isTutorStudent(rating: CaseRating): boolean {
  const roles = [rating.raterRole, rating.rateeRole].sort().join();
  return roles === 'student,tutor';
}

function storedAt(rating: CaseRating): StoredAt {
  return { id: rating.id, storedMs: rating.storedMs };
}

function withDirection(summary: CaseSummary, direction: Direction): Direction[] {
  return [...summary.directions.filter((other) => other.rater !== direction.rater), direction];
}

/** Peers: the first rating per direction counts, revealed when stored. */
function addOpen(summary: CaseSummary, own: Direction | undefined, rating: CaseRating): CaseChange {
  const counted: Resolution = { state: 'counted', revealAtMs: rating.storedMs };
  if (own === undefined) {
    return { summary: { ...summary, directions: withDirection(summary, { rater: rating.rater, first: storedAt(rating), counted: storedAt(rating) }) }, changes: [[rating.id, counted]] };
  }
  if (compareStored(storedAt(rating), own.first) > 0) return { summary, changes: [[rating.id, { state: 'after-reveal' }]] };
  const directions = withDirection(summary, { rater: rating.rater, first: storedAt(rating), counted: storedAt(rating) });
  return { summary: { ...summary, directions }, changes: [[rating.id, counted], [own.first.id, { state: 'after-reveal' }]] };
}

/** The first rating of a direction, the case's newest: it may bring the reveal forward. */
function addDirection(summary: CaseSummary, rating: CaseRating, sealMs: number): CaseChange {
  const direction: Direction = { rater: rating.rater, first: storedAt(rating) };
  const firsts = [...summary.directions.map((other) => other.first.storedMs), rating.storedMs];
  const revealAtMs = revealAt(firsts, sealMs);
  const changes: Array<[string, Resolution]> = [];
  if (rating.storedMs <= revealAtMs) {
    direction.counted = storedAt(rating);
    changes.push([rating.id, { state: 'counted', revealAtMs }]);
  } else {
    changes.push([rating.id, { state: 'after-reveal' }]);
  }
  for (const other of summary.directions) if (other.counted !== undefined && revealAtMs !== summary.revealAtMs) changes.push([other.counted.id, { state: 'counted', revealAtMs }]);
  return { summary: { ...summary, directions: withDirection(summary, direction), revealAtMs }, changes };
}

/** A later rating of a direction that rated: the latest stored by the reveal counts, the others are superseded or after the reveal. */
function addToDirection(summary: CaseSummary, own: Direction, rating: CaseRating): CaseChange {
  const revealAtMs = summary.revealAtMs!;
  if (rating.storedMs > revealAtMs) return { summary, changes: [[rating.id, { state: 'after-reveal' }]] };
  if (own.counted !== undefined && compareStored(storedAt(rating), own.counted) < 0) return { summary, changes: [[rating.id, { state: 'superseded' }]] };
  const changes: Array<[string, Resolution]> = [[rating.id, { state: 'counted', revealAtMs }]];
  if (own.counted !== undefined) changes.push([own.counted.id, { state: 'superseded' }]);
  return { summary: { ...summary, directions: withDirection(summary, { ...own, counted: storedAt(rating) }) }, changes };
}

/** revealAt = min(max(firstAB, firstBA), min(firstAB, firstBA) + seal); with one direction, its first + seal. */
export function revealAt(firsts: number[], sealMs: number): number {
  const earliest = Math.min(...firsts);
  return firsts.length < 2 ? earliest + sealMs : Math.min(Math.max(...firsts), earliest + sealMs);
}
