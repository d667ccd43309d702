import type { Logger, PluginCounter, StatementReader } from '../../plugin-api';
import type { AnchorBatch, AnchorBatchStore, AnchorLeaf, OnChainAnchor } from './batches/anchor-batch-store';
import type { AnchorChain } from './chain/anchor-chain';
import { statementDigest } from './core/digest';
import { MerkleTree } from './core/merkle';

export interface AnchoringOptions {
  statements: Pick<StatementReader, 'readFeed'>;
  batches: AnchorBatchStore;
  chain: AnchorChain;
  maxBatch: number;
  logger: Logger;
  /** Counts failed steps: an RPC error, a reverted or vanished transaction. */
  failures?: PluginCounter;
  now?: () => Date;
}

const FIRST_RETRY_MS = 5_000;
const FINALITY_CHECKS_PER_RUN = 20;
const MAX_RETRY_MS = 10 * 60_000;

/**
 * One run of the anchoring job: first moves every unfinished batch one step further (send,
 * confirm), then records the next batch when none is waiting (then, or after those steps). Every step is recorded before the
 * next is taken, and each is safe to repeat, so a crash or an RPC failure at any point delays
 * anchoring but never loses a batch or anchors one twice (the contract also refuses a root it holds).
 */
export class AnchoringService {
  constructor(private readonly options: AnchoringOptions) {}

  async run(): Promise<void> {
    for (const batch of await this.options.batches.unfinished()) await this.advance(batch);
    // A batch confirmed just now frees the way in this same run: a statement stored after the last
    // send waits one period for its batch, not two (a decision anchored within one period, issue 14).
    if ((await this.options.batches.unfinished()).length === 0) {
      const recorded = await this.recordNextBatch();
      if (recorded) await this.advance(recorded);
    }
    await this.upgradeFinality();
  }

  /** Receipts report finality; an anchor accepted on L2 is checked again until it is on L1. */
  private async upgradeFinality(): Promise<void> {
    for (const batch of await this.options.batches.awaitingL1(FINALITY_CHECKS_PER_RUN)) {
      try {
        const outcome = await this.options.chain.outcome(batch.anchor!.transactionHash);
        if (outcome.status === 'accepted' && outcome.finality === 'ACCEPTED_ON_L1') {
          await this.options.batches.update(batch.seq, { anchor: { ...batch.anchor!, finality: 'ACCEPTED_ON_L1' } });
        }
      } catch (error) {
        this.options.logger.warn({ seq: batch.seq, err: error }, 'finality check failed; the next run retries');
      }
    }
  }

  /** Hashes the statements after the last batch in the feed (up to maxBatch) into the next batch. */
  async recordNextBatch(): Promise<AnchorBatch | undefined> {
    const { statements, batches, maxBatch } = this.options;
    const latest = await batches.latest();
    const records = await statements.readFeed(latest?.last.position, maxBatch);
    if (records.length === 0) return undefined;
    const digests = records.map((record) => statementDigest(record.statement).hex);
    const tree = MerkleTree.fromDigests(digests.map((hex) => Buffer.from(hex, 'hex')));
    const seq = (latest?.seq ?? -1) + 1;
    const leaves: AnchorLeaf[] = records.map((record, index) => ({
      statementId: record.id,
      seq,
      leafIndex: index,
      digest: digests[index]!,
      leaf: tree.leaf(index),
      proof: tree.proof(index),
    }));
    const first = records[0]!;
    const last = records[records.length - 1]!;
    const batch: AnchorBatch = {
      seq,
      state: 'recorded',
      first: { position: first.position, id: first.id },
      last: { position: last.position, id: last.id },
      count: records.length,
      root: tree.root,
      recordedAt: this.now(),
      attempts: 0,
      nextAttemptAt: this.now(),
    };
    if (!(await batches.record(batch, leaves))) return undefined; // another instance recorded it first
    this.options.logger.info({ seq, count: batch.count, root: batch.root }, 'anchor batch recorded');
    return batch;
  }

  private async advance(batch: AnchorBatch): Promise<void> {
    if (batch.nextAttemptAt > this.now()) return;
    try {
      if (batch.state === 'recorded') await this.send(batch);
      else if (batch.state === 'sent') await this.confirm(batch);
    } catch (error) {
      await this.retryLater(batch, error);
    }
  }

  /** Sends the anchor, unless the root is already on chain (sent before a crash, hash unrecorded). */
  private async send(batch: AnchorBatch): Promise<void> {
    const { chain, batches, logger } = this.options;
    if (await this.adoptExistingAnchor(batch)) return;
    const transactionHash = await chain.sendAnchor(batch.root, batch.count);
    await batches.update(batch.seq, { state: 'sent', transactionHash, lastError: undefined });
    logger.info({ seq: batch.seq, transactionHash }, 'anchor transaction sent');
  }

  private async confirm(batch: AnchorBatch): Promise<void> {
    const outcome = await this.options.chain.outcome(batch.transactionHash!);
    if (outcome.status === 'pending') return;
    if (outcome.status === 'accepted') {
      const { status: _status, ...anchor } = outcome;
      await this.markAnchored(batch, { ...anchor, transactionHash: batch.transactionHash! });
      return;
    }
    if (await this.adoptExistingAnchor(batch)) return;
    // Gone (e.g. a devnet restart) or reverted, and the root is not on chain: send it again.
    this.options.failures?.inc();
    await this.options.batches.update(batch.seq, { state: 'recorded', lastError: outcome.reason });
    this.options.logger.warn({ seq: batch.seq, reason: outcome.reason }, 'anchor transaction failed; it will be sent again');
  }

  private async adoptExistingAnchor(batch: AnchorBatch): Promise<boolean> {
    const existing = await this.options.chain.findAnchor(batch.root);
    if (existing !== undefined) await this.markAnchored(batch, existing);
    return existing !== undefined;
  }

  private async markAnchored(batch: AnchorBatch, anchor: OnChainAnchor): Promise<void> {
    await this.options.batches.update(batch.seq, {
      state: 'anchored',
      anchor,
      transactionHash: anchor.transactionHash,
      anchoredAt: this.now(),
      lastError: undefined,
    });
    this.options.logger.info({ seq: batch.seq, onChainBatchId: anchor.onChainBatchId, block: anchor.blockNumber }, 'batch anchored');
  }

  private async retryLater(batch: AnchorBatch, error: unknown): Promise<void> {
    const attempts = batch.attempts + 1;
    const delay = Math.min(FIRST_RETRY_MS * 2 ** (attempts - 1), MAX_RETRY_MS);
    const message = error instanceof Error ? error.message : String(error);
    this.options.failures?.inc();
    const nextAttemptAt = new Date(this.now().getTime() + delay);
    await this.options.batches.update(batch.seq, { attempts, nextAttemptAt, lastError: message });
    // The job's schedule (ANCHOR_CRON) decides when it runs again: the first run after notBefore.
    this.options.logger.warn({ seq: batch.seq, attempts, notBefore: nextAttemptAt.toISOString(), err: error }, 'anchoring step failed; retrying at the first anchoring run after notBefore');
  }

  private now(): Date {
    return (this.options.now ?? (() => new Date()))();
  }
}
