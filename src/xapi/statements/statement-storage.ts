import type { StoredStatement } from '../types';
import type { FilterView } from './filter-view';

/**
 * The storage port of the Statement resource, shaped by what the domain needs: one call stores a
 * whole batch, all or nothing, together with its effects on statements already stored (voiding,
 * StatementRef views; see batch-effects.ts). How an engine makes that atomic is the adapter's
 * business: SqliteStatementStorage uses one transaction, MongoStatementStorage a batch protocol
 * that needs no multi-document transactions (docs/storage.md). Readers never see half a batch.
 * Every adapter passes describeStatementStorageContract.
 */
export interface StatementStorage {
  /**
   * Stamps the batch with its `stored` time (stampRecords) and stores it with its effects, or
   * nothing of it. A record whose id is already stored with the same fingerprint is left as it
   * is (reported in `alreadyStored`); with another fingerprint nothing is stored and a
   * ConflictError (STATEMENT_CONFLICT) is thrown. Resolves once the batch is durable and visible.
   */
  storeBatch(records: NewStatementRecord[]): Promise<StoredBatch>;
  /** A visible statement by id, voided or not; undefined when absent. */
  getById(id: string): Promise<StatementRecord | undefined>;
  query(query: StatementQuery): Promise<StatementPage>;
  /**
   * Every visible statement, voided ones included, in (stored, id) order after `after`, stored no
   * later than `until`: what the anchoring job reads.
   */
  scanStored(after: PagePosition | undefined, until: Date, limit: number): Promise<StatementRecord[]>;
  /** All statements stored before the returned time are visible to queries (2.1.3.s2.b5). */
  consistentThrough(now: Date): Promise<Date>;
  /**
   * The statement feed: every visible statement, voided ones included, in the order of a position
   * assigned with its batch from a sequence (never a clock), after `after` (exclusive; undefined:
   * from the start), at most `limit`. A reader that follows `through` from page to page never
   * skips a statement, also while several LRS instances write to one database: a position is
   * returned only once every position before it is visible or will never be (a rolled-back
   * batch leaves a gap). What durable post-store events are built on (src/platform/events).
   */
  readFeed(after: FeedPosition | undefined, limit: number): Promise<FeedPage>;
  /** The highest position readers can see now: `through` of a read that reaches the end (0 while empty). */
  feedHead(): Promise<FeedPosition>;
}

/** A statement's place in the feed: positive integers, increasing in the order batches became visible. */
export type FeedPosition = number;

export interface FeedRecord extends StatementRecord {
  position: FeedPosition;
}

export interface FeedPage {
  records: FeedRecord[];
  /**
   * Where the next read starts: the last record's position when `limit` was reached, otherwise
   * the head at the time of the read (every gap up to it is final), never less than `after`.
   */
  through: FeedPosition;
}

export interface StatementRecord {
  id: string;
  statement: StoredStatement;
  stored: Date;
  /** See fingerprint.ts: equal for statements the spec considers the same. */
  fingerprint: string;
  /** Its own view merged with the views of the statements it targets (filter-view.ts). */
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

/** A statement ready to store but for what the storage sets: `stored` (and `timestamp` when absent). */
export type UnstampedStatement = Omit<StoredStatement, 'stored' | 'timestamp'> & { timestamp?: string };

/** A record as ingest builds it: its own filter view only, not voided, not yet stamped. */
export interface NewStatementRecord extends Omit<StatementRecord, 'statement' | 'stored' | 'voided'> {
  statement: UnstampedStatement;
}

export interface StoredBatch {
  /** The records stored by this call, stamped, with their final views and voided state. */
  stored: StatementRecord[];
  /** Ids that were already stored with the same content, left unchanged. */
  alreadyStored: string[];
}

/** What the effects of a batch need to know of a stored statement (batch-effects.ts). */
export interface ExistingStatement {
  id: string;
  fingerprint: string;
  views: FilterView;
  voidsId?: string;
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
