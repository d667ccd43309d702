import { RpcProvider, num } from 'starknet';
import type { RootChecker } from '../core/receipt';

/**
 * The on-chain check of a receipt, needing nothing of the LRS: on the Starknet node at `rpcUrl`,
 * the chain is the receipt's, and the receipt's contract holds its root as its batch
 * (`root_of(batchId)`).
 */
export function onChainRootChecker(rpcUrl: string): RootChecker {
  const provider = new RpcProvider({ nodeUrl: rpcUrl });
  return async (receipt) => {
    const chainId = num.toHex(await provider.getChainId());
    if (num.toBigInt(chainId) !== num.toBigInt(receipt.anchor.chainId)) {
      return { ok: false, detail: `the node is on chain ${chainId}, the receipt on ${receipt.anchor.chainId}` };
    }
    let onChainRoot: string;
    try {
      [onChainRoot = '0x0'] = await provider.callContract({
        contractAddress: receipt.anchor.contractAddress,
        entrypoint: 'root_of',
        calldata: [num.toHex(BigInt(receipt.batchId))],
      });
    } catch (error) {
      return { ok: false, detail: `root_of(${receipt.batchId}) failed: ${(error as Error).message.split('\n')[0]}` };
    }
    const ok = num.toBigInt(onChainRoot) === num.toBigInt(receipt.root);
    return { ok, detail: ok ? `root_of(${receipt.batchId}) is the receipt's root` : `root_of(${receipt.batchId}) is ${onChainRoot}` };
  };
}
