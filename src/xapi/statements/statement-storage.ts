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
