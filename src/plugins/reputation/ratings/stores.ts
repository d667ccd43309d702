/**
 * The ledger's stores, all derived from the statements (a rebuild empties and refills them).
 * Times are whole seconds of `stored`; days are UTC days since the epoch.
 */
import type { Collection, FieldValue, FindQuery, PluginStoreDeclaration } from '../../../plugin-api';
import type { AgentKey, RatingRecord } from '../model';
import type { CaseSummary } from './case';
import type { PenaltyFacts } from './penalties';
import type { Aggregate } from './weights';

/**
 * Store `ratings`, id = the statement id (also a field, so ratings can be paged in id order);
 * `storedMs` orders ratings in their case; `sealedUntilSec` = revealAtSec on counted ratings revealed after they were stored (tutor↔student):
 * the only ones a score may have to take out as sealed.
 */
export type StoredRating = RatingRecord & { statementId: string; storedMs: number; sealedUntilSec?: number };

/** Store `cases`, id = the case id. */
export type StoredCase = CaseSummary & { session: string; first: AgentKey; second: AgentKey };

/** Store `attendance`, id = `<statement id>\n<agent key>`: one participant of a session by one statement. */
export interface StoredAttendance {
  session: string;
  agent: AgentKey;
  statementId: string;
}

/** Store `buckets`, id = `<ratee>\n<day>`: a ratee's counted ratings of one UTC day, summed (from its hours). */
export type StoredBucket = Aggregate & { ratee: AgentKey; day: number };

/** Store `hours`, id = `<ratee>\n<hour>` (hours since the epoch): a ratee's counted ratings of one hour, summed. */
export type StoredHour = Aggregate & { ratee: AgentKey; hour: number };

/** Store `reveals`, id = `<ratee>\n<day>`: a ratee's ratings sealed until one UTC day (sealedUntilSec), summed (d = stored − the day's start, negative). */
export type StoredReveal = Aggregate & { ratee: AgentKey; day: number };

/** Store `totals`, id = the ratee: every counted rating, summed (the historical score). */
export type StoredTotals = Pick<Aggregate, 'n' | 'm' | 'mx'>;

/** Store `penalties`: a penalty (id = its statement id) or a lift of one (`liftOf`, id = the lift's statement id). */
export type StoredPenalty = PenaltyFacts | { liftOf: string };

/** Store `agents`, id = the agent key. */
export interface StoredAgent {
  firstSeenSec: number;
}

/** Store `voided`, id = a voided statement's id (its voided event may come before its stored one). */
export interface StoredVoided {
  voidedBy: string;
}

/**
 * Store `pending`, id = `<ratee>\n<kind>\n<index>`: an hour (its day, its ratee's totals) or a
 * reveal day to sum again after ratings changed.
 */
export interface StoredPending {
  ratee: AgentKey;
  kind: 'hour' | 'reveal';
  index: number;
}

export const LEDGER_STORES: Record<keyof LedgerCollections, PluginStoreDeclaration> = {
  ratings: {
    derived: true,
    indexes: [
      { name: 'by_ratee_stored', fields: ['ratee', 'storedSec'] },
      { name: 'by_ratee_state_stored', fields: ['ratee', 'state', 'storedSec'] },
      { name: 'by_rater_stored', fields: ['rater', 'storedSec'] },
      { name: 'by_case', fields: ['caseId', 'statementId'] },
      { name: 'by_ratee_sealed', fields: ['ratee', 'sealedUntilSec'] },
      { name: 'by_statement', fields: ['statementId'] },
    ],
  },
  cases: {
    derived: true,
    indexes: [
      { name: 'by_session_first', fields: ['session', 'first', 'second'] },
      { name: 'by_session_second', fields: ['session', 'second', 'first'] },
    ],
  },
  attendance: {
    derived: true,
    indexes: [
      { name: 'by_session_agent', fields: ['session', 'agent'] },
      { name: 'by_statement', fields: ['statementId'] },
    ],
  },
  buckets: { derived: true, indexes: [{ name: 'by_ratee_day', fields: ['ratee', 'day'] }] },
  hours: { derived: true, indexes: [{ name: 'by_ratee_hour', fields: ['ratee', 'hour'] }] },
  reveals: { derived: true, indexes: [{ name: 'by_ratee_day', fields: ['ratee', 'day'] }] },
  totals: { derived: true },
  penalties: {
    derived: true,
    indexes: [
      { name: 'by_rater', fields: ['rater'] },
      { name: 'by_lift', fields: ['liftOf'] },
    ],
  },
  agents: { derived: true },
  voided: { derived: true },
  pending: { derived: true },
};

export interface LedgerCollections {
  ratings: Collection<StoredRating>;
  cases: Collection<StoredCase>;
  attendance: Collection<StoredAttendance>;
  buckets: Collection<StoredBucket>;
  hours: Collection<StoredHour>;
  reveals: Collection<StoredReveal>;
  totals: Collection<StoredTotals>;
  penalties: Collection<StoredPenalty>;
  agents: Collection<StoredAgent>;
  voided: Collection<StoredVoided>;
  pending: Collection<StoredPending>;
}

export function openLedgerCollections(store: <T extends object>(name: string) => Collection<T>): LedgerCollections {
  return {
    ratings: store('ratings'),
    cases: store('cases'),
    attendance: store('attendance'),
    buckets: store('buckets'),
    hours: store('hours'),
    reveals: store('reveals'),
    totals: store('totals'),
    penalties: store('penalties'),
    agents: store('agents'),
    voided: store('voided'),
    pending: store('pending'),
  };
}

/**
 * Every document matching `where`, paged by `cursor`: a field whose values are unique among the
 * matches (declared last in an index beside `where`'s fields).
 */
export async function findEvery<T extends object>(collection: Collection<T>, where: NonNullable<FindQuery['where']>, cursor: keyof T & string): Promise<T[]> {
  const found: T[] = [];
  let after: FieldValue | undefined;
  for (;;) {
    const page = await collection.find({ where: { ...where, ...(after !== undefined && { [cursor]: { gt: after } }) }, orderBy: [{ field: cursor }], limit: 1000 });
    found.push(...page.map((document) => document.value));
    if (page.length < 1000) return found;
    after = page[page.length - 1]!.value[cursor] as FieldValue;
  }
}

/**
 * Every rating matching `where` stored in [fromSec, toSec), in stored order (ties by id), read in
 * pages along an index ending with storedSec; ratings sharing one second beyond a page are read by
 * statement id.
 */
export async function ratingsStoredBetween(ratings: Collection<StoredRating>, where: NonNullable<FindQuery['where']>, fromSec: number, toSec: number): Promise<StoredRating[]> {
  let found: StoredRating[] = [];
  let from = fromSec;
  let seen: { storedSec: number; id: string } | undefined;
  for (;;) {
    const page = await ratings.find({ where: { ...where, storedSec: { gte: from, lt: toSec } }, orderBy: [{ field: 'storedSec' }], limit: 1000 });
    found.push(...page.filter(({ id, value }) => seen === undefined || value.storedSec > seen.storedSec || id > seen.id).map(({ value }) => value));
    if (page.length < 1000) return found;
    const last = page[page.length - 1]!;
    if (last.value.storedSec === page[0]!.value.storedSec) {
      // A whole page in one second: that second by statement id, then on from the next.
      const second = last.value.storedSec;
      found = [...found.filter((rating) => rating.storedSec !== second), ...(await findEvery(ratings, { ...where, storedSec: second }, 'statementId'))];
      [from, seen] = [second + 1, undefined];
    } else {
      [from, seen] = [last.value.storedSec, { storedSec: last.value.storedSec, id: last.id }];
    }
  }
}

/** The RatingRecord a stored rating is (without the ledger's own fields). */
export function recordOf(stored: StoredRating): RatingRecord {
  const { statementId: _, storedMs: __, sealedUntilSec: ___, ...record } = stored;
  return record;
}
