import { SettingsReader, type Env } from '../../plugin-api';
import type { StarknetSettings } from './chain/starknet-anchor-chain';

/** Anchoring on Starknet: on when every Starknet setting is given, off otherwise. */
export interface AnchoringSettings {
  /** When the anchoring job runs (cron expression), ANCHOR_CRON. */
  cron: string;
  /** Most statements in one anchored batch, ANCHOR_MAX_BATCH. */
  maxBatch: number;
  starknet?: StarknetSettings;
  /**
   * A block explorer's transaction page, `{tx}` standing for the transaction hash
   * (STARKNET_EXPLORER_TX_URL): the console links each batch's transaction there.
   */
  explorerTxUrl?: string;
}

const STARKNET_SETTINGS = ['STARKNET_RPC_URL', 'STARKNET_ACCOUNT_ADDRESS', 'STARKNET_PRIVATE_KEY', 'STARKNET_CONTRACT_ADDRESS'] as const;
const FELT = /^0x[0-9a-fA-F]{1,64}$/;
const EXPLORER_TX_URL = 'STARKNET_EXPLORER_TX_URL';
const TX_PLACEHOLDER = '{tx}';

/** Reads the anchoring settings from the environment, with every problem found. */
export function readAnchoringSettings(env: Env): { settings: AnchoringSettings; problems: string[] } {
  const problems: string[] = [];
  const read = new SettingsReader(env, problems);
  const settings: AnchoringSettings = {
    cron: read.cron('ANCHOR_CRON', '*/10 * * * *'),
    maxBatch: read.integer('ANCHOR_MAX_BATCH', 10_000, 1, 1_000_000),
  };
  const explorerTxUrl = readExplorerTxUrl(read, problems);
  if (explorerTxUrl !== undefined) settings.explorerTxUrl = explorerTxUrl;
  const values = Object.fromEntries(STARKNET_SETTINGS.map((name) => [name, read.string(name)]));
  const missing = STARKNET_SETTINGS.filter((name) => values[name] === undefined);
  if (missing.length > 0 && missing.length < STARKNET_SETTINGS.length) {
    problems.push(`Anchoring needs all of ${STARKNET_SETTINGS.join(', ')}; missing ${missing.join(', ')}`);
  }
  for (const name of STARKNET_SETTINGS.slice(1)) {
    if (values[name] !== undefined && !FELT.test(values[name])) problems.push(`${name} must be a 0x-prefixed hex felt`);
  }
  if (missing.length === 0) {
    settings.starknet = {
      rpcUrl: values.STARKNET_RPC_URL!,
      accountAddress: values.STARKNET_ACCOUNT_ADDRESS!,
      privateKey: values.STARKNET_PRIVATE_KEY!,
      contractAddress: values.STARKNET_CONTRACT_ADDRESS!,
    };
  }
  return { settings, problems };
}

function readExplorerTxUrl(read: SettingsReader, problems: string[]): string | undefined {
  const template = read.url(EXPLORER_TX_URL);
  if (template !== undefined && !template.includes(TX_PLACEHOLDER)) {
    problems.push(`${EXPLORER_TX_URL} must contain ${TX_PLACEHOLDER} where the transaction hash goes, got "${template}"`);
  }
  return template;
}

/** The explorer's page of a transaction, or undefined without STARKNET_EXPLORER_TX_URL. */
export function explorerTransactionUrl(template: string | undefined, transactionHash: string): string | undefined {
  return template?.replaceAll(TX_PLACEHOLDER, encodeURIComponent(transactionHash));
}
