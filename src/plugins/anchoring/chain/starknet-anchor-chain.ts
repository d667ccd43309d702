import { Account, RpcProvider, hash, logger as starknetLogger, num } from 'starknet';
import type { Logger } from '../../../plugin-api';
import type { OnChainAnchor } from '../batches/anchor-batch-store';
import type { FinalityStatus } from '../core/receipt-format';
import type { AnchorChain, AnchorOutcome, ChainIdentity } from './anchor-chain';

export interface StarknetSettings {
  rpcUrl: string;
  accountAddress: string;
  privateKey: string;
  contractAddress: string;
}

const ANCHORED_SELECTOR = hash.getSelectorFromName('Anchored');
const EVENT_PAGE = 100;
/** starknet.js's default of TipAnalysisOptions.minTxsNecessary: fewer tipped transactions in recent blocks, and it tips 0. */
const MIN_TIPPED_TRANSACTIONS = 10;

/**
 * The AnchorRegistry contract (contracts/anchor_registry) through starknet.js over JSON-RPC.
 * The anchor's batch id, block and finality are read from the contract's `Anchored` event,
 * whose keys are [selector, batch_id, root].
 */
export class StarknetAnchorChain implements AnchorChain {
  private readonly provider: RpcProvider;
  private readonly account: Account;

  constructor(
    private readonly settings: StarknetSettings,
    private readonly logger?: Logger,
  ) {
    // starknet.js writes its warnings with console.warn, outside the LRS's JSON log. The one on
    // this adapter's path, "Insufficient transaction data" from the tip estimate (a devnet, a quiet
    // chain), is told in the log by recommendedTip instead; failures reach us as thrown errors.
    starknetLogger.setLogLevel('ERROR');
    this.provider = new RpcProvider({ nodeUrl: settings.rpcUrl });
    this.account = new Account({ provider: this.provider, address: settings.accountAddress, signer: settings.privateKey });
  }

  async identity(): Promise<ChainIdentity> {
    const [chainId, classHash] = await Promise.all([
      this.provider.getChainId(),
      this.provider.getClassHashAt(this.settings.contractAddress),
    ]);
    return {
      chainId: num.toHex(chainId),
      contractAddress: num.toHex(this.settings.contractAddress),
      classHash: num.toHex(classHash),
      accountAddress: num.toHex(this.settings.accountAddress),
    };
  }

  async findAnchor(root: string): Promise<OnChainAnchor | undefined> {
    let continuationToken: string | undefined;
    do {
      const page = await this.provider.getEvents({
        address: this.settings.contractAddress,
        keys: [[ANCHORED_SELECTOR], [], [num.toHex(root)]],
        from_block: { block_number: 0 },
        to_block: 'latest',
        chunk_size: EVENT_PAGE,
        continuation_token: continuationToken,
      });
      const event = page.events[0];
      if (event !== undefined) {
        return {
          onChainBatchId: BigInt(event.keys[1]!).toString(),
          transactionHash: num.toHex(event.transaction_hash),
          blockNumber: event.block_number ?? 0,
          blockHash: num.toHex(event.block_hash ?? 0),
          finality: await this.finalityOf(event.transaction_hash),
        };
      }
      continuationToken = page.continuation_token;
    } while (continuationToken);
    return undefined;
  }

  async sendAnchor(root: string, count: number): Promise<string> {
    const call = { contractAddress: this.settings.contractAddress, entrypoint: 'anchor', calldata: [num.toHex(root), num.toHex(count)] };
    const { transaction_hash } = await this.account.execute(call, { tip: await this.recommendedTip() });
    return num.toHex(transaction_hash);
  }

  /** The tip starknet.js recommends from recent blocks: 0 when too few of their transactions tipped. */
  async recommendedTip(): Promise<bigint> {
    const estimate = await this.provider.getEstimateTip();
    const tipped = estimate.metrics?.transactionsTipsFound.length ?? 0;
    if (tipped < MIN_TIPPED_TRANSACTIONS) {
      this.logger?.debug({ tippedTransactions: tipped, blocks: estimate.metrics?.blocksAnalyzed }, 'too few tipped transactions in recent blocks to estimate a tip; tipping 0');
    }
    return estimate.recommendedTip;
  }

  async outcome(transactionHash: string): Promise<AnchorOutcome> {
    let status: Awaited<ReturnType<RpcProvider['getTransactionStatus']>>;
    try {
      status = await this.provider.getTransactionStatus(transactionHash);
    } catch (error) {
      if (/not found/i.test(String((error as Error).message))) return { status: 'failed', reason: 'transaction not found' };
      throw error;
    }
    const finality: string = status.finality_status;
    if (finality !== 'ACCEPTED_ON_L2' && finality !== 'ACCEPTED_ON_L1') {
      return finality === 'REJECTED' ? { status: 'failed', reason: 'transaction rejected' } : { status: 'pending' };
    }
    if (status.execution_status === 'REVERTED') {
      return { status: 'failed', reason: status.failure_reason ?? `transaction ${status.execution_status ?? status.finality_status}` };
    }
    const receipt = await this.provider.getTransactionReceipt(transactionHash);
    if (!receipt.isSuccess()) return { status: 'failed', reason: 'the transaction did not succeed' };
    const contract = num.toBigInt(this.settings.contractAddress);
    const event = receipt.value.events.find(
      (candidate) => candidate.keys[0] === ANCHORED_SELECTOR && num.toBigInt(candidate.from_address) === contract,
    );
    if (event === undefined) return { status: 'failed', reason: 'the transaction emitted no Anchored event' };
    const value = receipt.value as { block_number?: number; block_hash?: string };
    return {
      status: 'accepted',
      onChainBatchId: BigInt(event.keys[1]!).toString(),
      blockNumber: value.block_number ?? 0,
      blockHash: num.toHex(value.block_hash ?? 0),
      finality,
    };
  }

  private async finalityOf(transactionHash: string): Promise<FinalityStatus> {
    const status = await this.provider.getTransactionStatus(transactionHash);
    return status.finality_status === 'ACCEPTED_ON_L1' ? 'ACCEPTED_ON_L1' : 'ACCEPTED_ON_L2';
  }
}
