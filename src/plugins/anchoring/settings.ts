import cron from 'node-cron';
import type { StarknetSettings } from './chain/starknet-anchor-chain';

/** Anchoring on Starknet: on when every Starknet setting is given, off otherwise. */
export interface AnchoringSettings {
  /** When the anchoring job runs (cron expression), ANCHOR_CRON. */
  cron: string;
  /** Most statements in one anchored batch, ANCHOR_MAX_BATCH. */
  maxBatch: number;
  starknet?: StarknetSettings;
}

type Env = Readonly<Record<string, string | undefined>>;

const STARKNET_SETTINGS = ['STARKNET_RPC_URL', 'STARKNET_ACCOUNT_ADDRESS', 'STARKNET_PRIVATE_KEY', 'STARKNET_CONTRACT_ADDRESS'] as const;
const FELT = /^0x[0-9a-fA-F]{1,64}$/;
const DEFAULT_CRON = '*/10 * * * *';
const DEFAULT_MAX_BATCH = 10_000;
const MAX_BATCH_LIMIT = 1_000_000;

/** Reads the anchoring settings from the environment, with every problem found. */
export function readAnchoringSettings(env: Env): { settings: AnchoringSettings; problems: string[] } {
  const problems: string[] = [];
  const settings: AnchoringSettings = {
    cron: readCron(env, 'ANCHOR_CRON', problems) ?? DEFAULT_CRON,
    maxBatch: readMaxBatch(env, 'ANCHOR_MAX_BATCH', problems) ?? DEFAULT_MAX_BATCH,
  };
  const values = Object.fromEntries(STARKNET_SETTINGS.map((name) => [name, setting(env, name)]));
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

/** A setting's value, trimmed; undefined when unset or blank. */
function setting(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function readCron(env: Env, name: string, problems: string[]): string | undefined {
  const raw = setting(env, name);
  if (raw !== undefined && !cron.validate(raw)) {
    problems.push(`${name} must be a cron expression such as "${DEFAULT_CRON}", got "${raw}"`);
    return undefined;
  }
  return raw;
}

function readMaxBatch(env: Env, name: string, problems: string[]): number | undefined {
  const raw = setting(env, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > MAX_BATCH_LIMIT) {
    problems.push(`${name} must be an integer from 1 to ${MAX_BATCH_LIMIT}, got "${raw}"`);
    return undefined;
  }
  return value;
}
