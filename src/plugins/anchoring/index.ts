import { cronPeriodMs, definePlugin, type KeikoPlugin, type PluginContext, type PluginHooks } from '../../plugin-api';
import { AnchoringService } from './anchoring-service';
import { ANCHORING_STORES, CollectionAnchorBatchStore, type BatchDocument, type LeafDocument } from './batches/collection-anchor-batch-store';
import type { AnchorChain } from './chain/anchor-chain';
import { StarknetAnchorChain, type StarknetSettings } from './chain/starknet-anchor-chain';
import { ANCHORING_CONSOLE_SECTION, anchoringConsolePages } from './console';
import { receiptSignerFromPrivateKey } from './core/receipt';
import { registerAnchoringMetrics } from './metrics';
import { ReceiptService } from './receipts';
import { anchoringRoutes } from './routes';
import { readAnchoringSettings, type AnchoringSettings } from './settings';

export interface AnchoringPluginOptions {
  /** The chain for the given Starknet settings: the Starknet adapter unless replaced (tests use an in-memory chain). */
  chain?: (starknet: StarknetSettings) => AnchorChain;
  /** The job's clock (tests move it past retry delays). */
  now?: () => Date;
}

/**
 * Starknet anchoring of stored statements (docs/anchoring.md): a leased job hashes the statement
 * feed, batch by batch, into Merkle roots it records on the AnchorRegistry contract; routes give
 * signed receipts, verify them and list the batches; the admin console shows every batch. The
 * default export anchors on Starknet; `createAnchoringPlugin({ chain })` lets tests anchor elsewhere.
 */
export function createAnchoringPlugin(options: AnchoringPluginOptions = {}): KeikoPlugin {
  return definePlugin({
    manifest: {
      name: 'anchoring',
      version: '1.0.0',
      description: 'Anchors stored statements on Starknet in Merkle batches and issues receipts that anyone can verify without the LRS.',
      profiles: [],
      scopes: {},
      stores: ANCHORING_STORES,
      jobs: ['anchor'],
      openapi: 'openapi.yaml',
      formerPaths: ['/anchoring'],
    },
    settings: readAnchoringSettings,
    setup: (context) => setUpAnchoring(context, options),
  });
}

function setUpAnchoring(context: PluginContext, options: AnchoringPluginOptions): PluginHooks {
  const settings = context.settings as AnchoringSettings;
  const batches = new CollectionAnchorBatchStore(context.store<BatchDocument>('batches'), context.store<LeafDocument>('leaves'));
  const { starknet } = settings;
  const chain = starknet === undefined ? undefined : (options.chain ?? ((given) => new StarknetAnchorChain(given, context.logger)))(starknet);
  const receipts = new ReceiptService({
    batches,
    starknet: starknet && chain && { chain, signer: receiptSignerFromPrivateKey(starknet.privateKey, starknet.accountAddress) },
    lrsUrl: context.publicUrl,
    anchoringPeriodMs: cronPeriodMs(settings.cron),
  });
  const consolePages = anchoringConsolePages({
    console: context.console,
    batches,
    statements: context.statements,
    anchoringOn: chain !== undefined,
    explorerTxUrl: settings.explorerTxUrl,
  });
  const routes = anchoringRoutes({ receipts, batches, statements: context.statements, http: context.http, consolePages });
  const consoleSections = [ANCHORING_CONSOLE_SECTION];
  if (chain === undefined) {
    context.logger.info(
      'Anchoring is off: set STARKNET_RPC_URL, STARKNET_ACCOUNT_ADDRESS, STARKNET_PRIVATE_KEY and STARKNET_CONTRACT_ADDRESS to turn it on',
    );
    return { routes, console: consoleSections, services: { receiptVerifier: receipts.verifierForPlugins() } };
  }
  const service = new AnchoringService({
    statements: context.statements,
    batches,
    chain,
    maxBatch: settings.maxBatch,
    logger: context.logger,
    failures: registerAnchoringMetrics(context.metrics, batches, context.statements),
    now: options.now,
  });
  context.logger.info({ cron: settings.cron, maxBatch: settings.maxBatch }, 'Anchoring is on');
  return {
    routes,
    console: consoleSections,
    jobs: { anchor: { schedule: settings.cron, run: () => service.run() } },
    services: { receipts: receipts.forPlugins(), receiptVerifier: receipts.verifierForPlugins() },
  };
}

export default createAnchoringPlugin();
