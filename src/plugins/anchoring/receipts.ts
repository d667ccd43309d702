import { NotFoundError, type AnchoringState, type ReceiptVerifier, type StatementReceipts, type StoredStatement } from '../../plugin-api';
import type { AnchorBatch, AnchorBatchStore } from './batches/anchor-batch-store';
import type { AnchorChain, ChainIdentity } from './chain/anchor-chain';
import type { XapiStarknetAnchorReceipt } from './core/receipt-format';
import { buildReceipt, verifyReceiptOffline, type ReceiptCheck, type ReceiptSigner } from './core/receipt';

export interface ReceiptServiceOptions {
  batches: AnchorBatchStore;
  /** Absent while anchoring is off (no Starknet settings). */
  starknet?: { chain: AnchorChain; signer: ReceiptSigner };
  /** The LRS's public base URL, named in receipts as their issuer. */
  lrsUrl: string;
  /** The anchoring job's period, `cronPeriodMs(ANCHOR_CRON)`: a statement not anchored yet is expected to be within two periods. */
  anchoringPeriodMs: number;
}

/** Receipts for anchored statements, and their verification against the chain. */
export class ReceiptService {
  private identity?: Promise<ChainIdentity>;

  constructor(private readonly options: ReceiptServiceOptions) {}

  /** Throws `ANCHORING_OFF` (404) when this LRS has no Starknet settings, so it issues no receipts. */
  assertAnchoringOn(): void {
    this.starknet();
  }

  /** The signed receipt of an anchored statement; `NOT_ANCHORED_YET` (404) while it is not. */
  async receiptFor(statementId: string): Promise<XapiStarknetAnchorReceipt> {
    const receipt = await this.anchoredReceipt(statementId);
    if (receipt === undefined) {
      const expected = new Date(Date.now() + 2 * this.options.anchoringPeriodMs).toISOString();
      throw new NotFoundError(`Statement ${statementId} is not anchored yet; expect a receipt by about ${expected}`, 'NOT_ANCHORED_YET');
    }
    return receipt;
  }

  /** The signed receipt of a statement in an anchored batch, undefined while it is in none. */
  private async anchoredReceipt(statementId: string): Promise<XapiStarknetAnchorReceipt | undefined> {
    const { chain, signer } = this.starknet();
    const leaf = await this.options.batches.leafOf(statementId);
    const batch = leaf === undefined ? undefined : await this.options.batches.get(leaf.seq);
    if (leaf === undefined || batch?.anchor === undefined) return undefined;
    const identity = await this.chainIdentity(chain);
    return buildReceipt(
      {
        statementId,
        digest: leaf.digest,
        leafIndex: leaf.leafIndex,
        treeSize: batch.count,
        proof: leaf.proof,
        root: batch.root,
        batchId: batch.anchor.onChainBatchId,
        anchor: {
          chainId: identity.chainId,
          contractAddress: identity.contractAddress,
          classHash: identity.classHash,
          transactionHash: batch.anchor.transactionHash,
          blockNumber: batch.anchor.blockNumber,
          blockHash: batch.anchor.blockHash,
          finalityStatus: batch.anchor.finality,
        },
        lrs: this.options.lrsUrl,
      },
      signer,
    );
  }

  /** Receipt checks for other plugins (PluginServices.receiptVerifier): offline while anchoring is off, with the chain while on. */
  verifierForPlugins(): ReceiptVerifier {
    return {
      verify: async (receipt, statement) =>
        this.options.starknet === undefined ? verifyReceiptOffline(receipt, statement as StoredStatement) : this.verify(receipt, statement as StoredStatement),
    };
  }

  /** What other plugins see of receipts (PluginServices.receipts); only while anchoring is on. */
  forPlugins(): StatementReceipts | undefined {
    if (this.options.starknet === undefined) return undefined;
    return {
      statesOf: (statementIds) => this.statesOf(statementIds),
      receiptOf: (statementId) => this.anchoredReceipt(statementId),
    };
  }

  private async statesOf(statementIds: string[]): Promise<Map<string, AnchoringState>> {
    const states = new Map<string, AnchoringState>();
    const batches = new Map<number, Promise<AnchorBatch | undefined>>();
    for (const statementId of new Set(statementIds.map((id) => id.toLowerCase()))) {
      const leaf = await this.options.batches.leafOf(statementId);
      const batch = leaf === undefined ? undefined : await cachedGet(batches, leaf.seq, (seq) => this.options.batches.get(seq));
      states.set(
        statementId,
        batch?.anchor === undefined
          ? { state: 'pending' }
          : { state: 'anchored', receiptUrl: `${this.options.lrsUrl}/plugins/anchoring/receipts/${statementId}`, transactionHash: batch.anchor.transactionHash },
      );
    }
    return states;
  }

  /** The offline checks, then whether the chain holds the receipt's root under its batch id. */
  async verify(receipt: unknown, statement?: StoredStatement): Promise<ReceiptCheck[]> {
    const checks = verifyReceiptOffline(receipt, statement);
    if (checks.some((check) => check.name === 'format' && check.status === 'fail')) return checks;
    const { root, batchId } = receipt as XapiStarknetAnchorReceipt;
    const onChain = await this.starknet().chain.findAnchor(root);
    const ok = onChain !== undefined && onChain.onChainBatchId === String(batchId);
    const detail = ok
      ? `root is anchored as batch ${batchId}`
      : onChain === undefined
        ? 'root is not anchored on this chain'
        : `root is anchored as batch ${onChain.onChainBatchId}, not ${batchId}`;
    return [...checks, { name: 'root-on-chain', status: ok ? 'pass' : 'fail', detail }];
  }

  private starknet(): { chain: AnchorChain; signer: ReceiptSigner } {
    if (this.options.starknet === undefined) {
      throw new NotFoundError('Anchoring is off on this LRS (no Starknet settings)', 'ANCHORING_OFF');
    }
    return this.options.starknet;
  }

  private chainIdentity(chain: AnchorChain): Promise<ChainIdentity> {
    this.identity ??= chain.identity().catch((error: unknown) => {
      this.identity = undefined;
      throw error;
    });
    return this.identity;
  }
}

function cachedGet<K, V>(cache: Map<K, Promise<V>>, key: K, load: (key: K) => Promise<V>): Promise<V> {
  let value = cache.get(key);
  if (value === undefined) cache.set(key, (value = load(key)));
  return value;
}
