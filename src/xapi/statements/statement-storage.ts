import type { StoredStatement } from '../types';
import type { FilterView } from './filter-view';

/**
 * The storage port of the Statement resource. Writes follow a batch protocol that makes a
 * batch all-or-nothing without multi-document transactions (FerretDB has none):
 *
 *   beginBatch (batch recorded as `pending`) → insert (statements tagged with the batch id,
 *   invisible to readers while the batch is pending) → commitBatch (one single-document write:
 *   the commit point) → side effects (voiding, reference views) → finishBatch. A batch with no
 *   side effects is finished by its commit.
 *
 * A batch left `pending` by a crash is rolled back by recovery, one left `committed` has its
 * side effects re-applied; both are idempotent. See docs/storage.md.
 */
export interface StatementStorage {
  ensureIndexes(): Promise<void>;

  beginBatch(batch: BatchRecord): Promise<void>;
  /** Inserts what it can; ids that already exist are reported, never overwritten. */
  insert(batchId: string, records: StatementRecord[]): Promise<{ duplicateIds: string[] }>;
  /**
   * The commit point; false when the batch is no longer pending (rolled back by recovery).
   * With `effectsFollow` the batch stays recorded as `committed` until finishBatch, so recovery
   * can re-apply its side effects; without, the commit finishes it.
   */
  commitBatch(batchId: string, effectsFollow: boolean): Promise<boolean>;
  /** Removes the statements this batch inserted and marks it aborted. */
  abortBatch(batchId: string, statementIds: string[]): Promise<void>;
  finishBatch(batchId: string): Promise<void>;
  /** Batches not finished that started before the given time (recovery). */
  unfinishedBatches(startedBefore: Date): Promise<BatchRecord[]>;
  batchState(batchId: string): Promise<BatchState | undefined>;

  /** Facts about already-stored statements needed to ingest new ones (conflicts, references). */
  findExisting(ids: string[]): Promise<Map<string, ExistingStatement>>;
  /** A visible statement by id, voided or not; undefined when absent or not yet committed. */
  getById(id: string): Promise<StatementRecord | undefined>;
  query(query: StatementQuery): Promise<StatementPage>;
  /**
   * Every visible statement, voided ones included, in stored order after `after`, stored no
   * later than `until`: what the anchoring job reads.
   */
  scanStored(after: PagePosition | undefined, until: Date, limit: number): Promise<StatementRecord[]>;
  /** All statements stored before the returned time are visible to queries (2.1.3.s2.b5). */
  consistentThrough(now: Date): Promise<Date>;

  markVoided(ids: string[]): Promise<void>;
  /** Remembers that `referrerId` targets a statement the LRS does not have yet. */
  addWaitingReferrer(targetId: string, referrerId: string): Promise<void>;
  /** Referrers recorded as waiting for these ids. */
  waitingReferrers(targetIds: string[]): Promise<Map<string, string[]>>;
  clearWaitingReferrers(targetIds: string[]): Promise<void>;
  /** Statements whose object is a StatementRef to `id`. */
  referrersOf(id: string): Promise<ExistingStatement[]>;
  setViews(id: string, views: FilterView): Promise<void>;
}

export type BatchState = 'pending' | 'committed' | 'aborted';

export interface BatchRecord {
  id: string;
  statementIds: string[];
  startedAt: Date;
  state: BatchState;
}

export interface StatementRecord {
  id: string;
  statement: StoredStatement;
  stored: Date;
  /** See fingerprint.ts: equal for statements the spec considers the same. */
  fingerprint: string;
  views: FilterView;
  /** The id in the object's StatementRef, when the object is one. */
  targetId?: string;
  /** Set on a voiding statement: the id it voids. */
  voidsId?: string;
  voided: boolean;
  /** Key of the credential that stored it (statements/read/mine). */
  credentialKey: string;
  /** SHA-2 of every attachment whose content the LRS holds for this statement. */
  attachmentHashes: string[];
}

export interface ExistingStatement {
  id: string;
  fingerprint: string;
  views: FilterView;
  voidsId?: string;
  batchId: string;
  targetId?: string;
}

export interface StatementQuery {
  agentKey?: string;
  relatedAgents: boolean;
  verb?: string;
  activity?: string;
  relatedActivities: boolean;
  registration?: string;
  since?: Date;
  until?: Date;
  ascending: boolean;
  limit: number;
  after?: PagePosition;
  credentialKey?: string;
}

export interface PagePosition {
  stored: Date;
  id: string;
}

export interface StatementPage {
  records: StatementRecord[];
  /** Where the next page starts, when there is one. */
  next?: PagePosition;
}
