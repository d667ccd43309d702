import type { OnChainAnchor } from '../batches/anchor-batch-store';
import type { FinalityStatus } from '../core/receipt-format';

/** Where batches are anchored: the chain, the AnchorRegistry contract and the LRS's account. */
export interface ChainIdentity {
  chainId: string;
  contractAddress: string;
  classHash: string;
  accountAddress: string;
}

/** Where an anchor transaction stands. */
export type AnchorOutcome =
  | { status: 'pending' }
  | { status: 'accepted'; onChainBatchId: string; blockNumber: number; blockHash: string; finality: FinalityStatus }
  | { status: 'failed'; reason: string };

/**
 * The port to the AnchorRegistry contract (contracts/). The Starknet adapter implements it with
 * starknet.js; tests of the anchoring job use an in-memory chain.
 */
export interface AnchorChain {
  identity(): Promise<ChainIdentity>;
  /**
   * Where this root was anchored, if it was: from the contract's `Anchored` event, whichever
   * transaction carried it (also one sent before a crash, whose hash was never recorded).
   */
  findAnchor(root: string): Promise<OnChainAnchor | undefined>;
  /** Sends `anchor(root, count)`; resolves with the transaction hash once the node accepted it. */
  sendAnchor(root: string, count: number): Promise<string>;
  outcome(transactionHash: string): Promise<AnchorOutcome>;
}
