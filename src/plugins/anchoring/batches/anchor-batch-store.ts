import type { FeedPosition } from '../../../plugin-api';
import type { FinalityStatus } from '../core/receipt-format';

export type AnchorBatchState = 'recorded' | 'sent' | 'anchored';

/** Where an anchored batch landed on chain. */
export interface OnChainAnchor {
  onChainBatchId: string;
  transactionHash: string;
  blockNumber: number;
  blockHash: string;
  finality: FinalityStatus;
}

/** A batch's first or last statement: its id and its position in the statement feed. */
export interface BatchEdge {
  id: string;
  position: FeedPosition;
}

/**
 * A batch of statements, in feed order, hashed into one Merkle root. Recorded (with every
 * statement's leaf and proof) before its transaction is sent; the transaction hash is recorded
 * as soon as it is known; so a crash at any point neither loses a batch nor anchors one twice.
 */
export interface AnchorBatch {
  seq: number;
  state: AnchorBatchState;
  /** The first and last statements of the batch, in feed order. */
  first: BatchEdge;
  last: BatchEdge;
  count: number;
  root: string;
  transactionHash?: string;
  anchor?: OnChainAnchor;
  recordedAt: Date;
  /** When it was found anchored (absent on batches anchored before this was recorded). */
  anchoredAt?: Date;
  attempts: number;
  nextAttemptAt: Date;
  lastError?: string;
}

/** One statement's place in its batch's tree. */
export interface AnchorLeaf {
  statementId: string;
  seq: number;
  leafIndex: number;
  digest: string;
  leaf: string;
  proof: string[];
}

/**
 * Implemented by CollectionAnchorBatchStore over the plugin's collections, on either engine; it
 * must pass describeAnchorBatchStoreContract (anchor-batch-store.contract.ts).
 */
export interface AnchorBatchStore {
  /** The batch with the highest sequence number, if any. */
  latest(): Promise<AnchorBatch | undefined>;
  /** The anchored batch with the highest sequence number, if any. */
  latestAnchored(): Promise<AnchorBatch | undefined>;
  /** How many batches are in each state. */
  countByState(): Promise<Record<AnchorBatchState, number>>;
  /** Batches not yet anchored, oldest first. */
  unfinished(): Promise<AnchorBatch[]>;
  /** Anchored batches still only accepted on L2, oldest first. */
  awaitingL1(limit: number): Promise<AnchorBatch[]>;
  /** Records a new batch and its leaves; false when a batch with this sequence number exists. */
  record(batch: AnchorBatch, leaves: AnchorLeaf[]): Promise<boolean>;
  update(seq: number, changes: Partial<Omit<AnchorBatch, 'seq'>>): Promise<void>;
  leafOf(statementId: string): Promise<AnchorLeaf | undefined>;
  get(seq: number): Promise<AnchorBatch | undefined>;
  /** Newest first, before the given sequence number. */
  list(limit: number, beforeSeq?: number): Promise<AnchorBatch[]>;
}
