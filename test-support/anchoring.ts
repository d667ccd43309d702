import path from 'node:path';
import type { LoadedPlugin } from '../src/platform/plugins/load';
import { createAnchoringPlugin, type AnchoringPluginOptions } from '../src/plugins/anchoring';
import {
  ANCHORING_STORES,
  CollectionAnchorBatchStore,
  type BatchDocument,
  type LeafDocument,
} from '../src/plugins/anchoring/batches/collection-anchor-batch-store';
import type { AnchorChain } from '../src/plugins/anchoring/chain/anchor-chain';
import type { CollectionStore } from '../src/storage/collections/collection-store';

/** Starknet settings that turn anchoring on; nothing listens at the RPC URL (tests replace the chain). */
export const TEST_STARKNET_ENV = {
  STARKNET_RPC_URL: 'http://127.0.0.1:9/rpc',
  STARKNET_ACCOUNT_ADDRESS: '0x3456',
  STARKNET_PRIVATE_KEY: '0x1234567890abcdef',
  STARKNET_CONTRACT_ADDRESS: '0x1234',
};

/**
 * The anchoring plugin as the platform loads it (for createTestLrs's `plugins`), with its settings
 * read from `env` and, when given, `chain` in place of Starknet.
 */
export function loadAnchoringPlugin(env: Record<string, string>, options: Omit<AnchoringPluginOptions, 'chain'> & { chain?: AnchorChain } = {}): LoadedPlugin {
  const { chain, ...rest } = options;
  const plugin = createAnchoringPlugin({ ...rest, chain: chain === undefined ? undefined : () => chain });
  const { settings, problems } = plugin.settings!(env);
  if (problems.length > 0) throw new Error(`anchoring settings: ${problems.join('; ')}`);
  return { plugin, folder: path.resolve(__dirname, '../src/plugins/anchoring'), settings };
}

/** The anchoring plugin's batches and leaves, as its setup opens them. */
export async function openAnchorBatchStore(collections: CollectionStore): Promise<CollectionAnchorBatchStore> {
  return new CollectionAnchorBatchStore(
    await collections.open<BatchDocument>('anchoring', 'batches', ANCHORING_STORES.batches),
    await collections.open<LeafDocument>('anchoring', 'leaves', ANCHORING_STORES.leaves),
  );
}
