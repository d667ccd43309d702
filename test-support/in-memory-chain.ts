import { randomUUID } from 'node:crypto';
import type { OnChainAnchor } from '../src/plugins/anchoring/batches/anchor-batch-store';
import type { AnchorChain, AnchorOutcome, ChainIdentity } from '../src/plugins/anchoring/chain/anchor-chain';

/**
 * An in-memory chain that behaves like the AnchorRegistry contract (ids from 0, a root anchored
 * at most once), for tests of the anchoring job's logic; devnet.e2e.test.ts runs the real one.
 */
export class InMemoryChain implements AnchorChain {
  readonly anchored: { root: string; count: number; transactionHash: string }[] = [];
  readonly transactions = new Map<string, AnchorOutcome>();
  failNextSends = 0;

  async identity(): Promise<ChainIdentity> {
    return { chainId: '0x534e5f54455354', contractAddress: '0x1234', classHash: '0x2345', accountAddress: '0x3456' };
  }

  async findAnchor(root: string): Promise<OnChainAnchor | undefined> {
    const index = this.anchored.findIndex((entry) => entry.root === root);
    if (index < 0) return undefined;
    return { ...this.acceptedAt(index), transactionHash: this.anchored[index]!.transactionHash };
  }

  async sendAnchor(root: string, count: number): Promise<string> {
    if (this.failNextSends > 0) {
      this.failNextSends--;
      throw new Error('RPC unreachable');
    }
    const transactionHash = `0x${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString(16)}`; // a felt: no leading zeros
    if (this.anchored.some((entry) => entry.root === root)) {
      this.transactions.set(transactionHash, { status: 'failed', reason: 'root already anchored' });
    } else {
      this.anchored.push({ root, count, transactionHash });
      this.transactions.set(transactionHash, { status: 'accepted', ...this.acceptedAt(this.anchored.length - 1) });
    }
    return transactionHash;
  }

  async outcome(transactionHash: string): Promise<AnchorOutcome> {
    return this.transactions.get(transactionHash) ?? { status: 'failed', reason: 'transaction not found' };
  }

  /** The chain's L1 settlement: every anchor so far becomes ACCEPTED_ON_L1. */
  settleOnL1(): void {
    for (const [hash, outcome] of this.transactions) {
      if (outcome.status === 'accepted') this.transactions.set(hash, { ...outcome, finality: 'ACCEPTED_ON_L1' });
    }
  }

  /** A devnet restart without its state: every transaction and anchor is gone. */
  forgetEverything(): void {
    this.anchored.length = 0;
    this.transactions.clear();
  }

  private acceptedAt(index: number) {
    return { onChainBatchId: String(index), blockNumber: 100 + index, blockHash: `0xb${index}`, finality: 'ACCEPTED_ON_L2' as const };
  }
}

