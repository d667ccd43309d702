import { SettingsReader, type Env } from '../../plugin-api';
import type { DecayCurve } from './model';

export interface ReputationSettings {
  curve: DecayCurve;
  /** When the fraud scan runs (cron expression), REPUTATION_FRAUD_SCAN_CRON. */
  fraudScanCron: string;
}

/** REPUTATION_WINDOW_DAYS (30), REPUTATION_SEAL_DAYS (14), REPUTATION_FRAUD_SCAN_CRON (every 10 minutes). */
export function readReputationSettings(env: Env): { settings: ReputationSettings; problems: string[] } {
  const problems: string[] = [];
  const read = new SettingsReader(env, problems);
  const settings = {
    curve: { windowDays: read.integer('REPUTATION_WINDOW_DAYS', 30, 1, 3650), sealDays: read.integer('REPUTATION_SEAL_DAYS', 14, 0, 365) },
    fraudScanCron: read.cron('REPUTATION_FRAUD_SCAN_CRON', '*/10 * * * *'),
  };
  return { settings, problems };
}
