import { SettingsReader, type Env } from '../../plugin-api';

export interface MarketplaceSettings {
  /** How long a hold keeps its slots before it must be confirmed, MARKETPLACE_HOLD_MINUTES. */
  holdMs: number;
  /** When expired holds are released (cron expression, seconds allowed), MARKETPLACE_HOLD_EXPIRY_CRON. */
  holdExpiryCron: string;
}

/** MARKETPLACE_HOLD_MINUTES (10, the default), MARKETPLACE_HOLD_EXPIRY_CRON (every 30 seconds). */
export function readMarketplaceSettings(env: Env): { settings: MarketplaceSettings; problems: string[] } {
  const problems: string[] = [];
  const read = new SettingsReader(env, problems);
  const settings = {
    holdMs: read.integer('MARKETPLACE_HOLD_MINUTES', 10, 1, 1440) * 60_000,
    holdExpiryCron: read.cron('MARKETPLACE_HOLD_EXPIRY_CRON', '*/30 * * * * *'),
  };
  return { settings, problems };
}
