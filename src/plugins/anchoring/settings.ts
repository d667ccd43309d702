import { SettingsReader, type Env } from '../../plugin-api';
import type { StarknetSettings } from './chain/starknet-anchor-chain';

/** Anchoring on Starknet: on when every Starknet setting is given, off otherwise. */
export interface AnchoringSettings {
  /** When the anchoring job runs (cron expression), ANCHOR_CRON. */
  cron: string;
  /** Most statements in one anchored batch, ANCHOR_MAX_BATCH. */
  maxBatch: number;
  starknet?: StarknetSettings;
}

const STARKNET_SETTINGS = ['STARKNET_RPC_URL', 'STARKNET_ACCOUNT_ADDRESS', 'STARKNET_PRIVATE_KEY', 'STARKNET_CONTRACT_ADDRESS'] as const;
const FELT = /^0x[0-9a-fA-F]{1,64}$/;

/** Reads the anchoring settings from the environment, with every problem found. */
export function readAnchoringSettings(env: Env): { settings: AnchoringSettings; problems: string[] } {
  const problems: string[] = [];
  const read = new SettingsReader(env, problems);
  const settings: AnchoringSettings = {
    cron: read.cron('ANCHOR_CRON', '*/10 * * * *'),
    maxBatch: read.integer('ANCHOR_MAX_BATCH', 10_000, 1, 1_000_000),
  };
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
