import { SettingsReader, type Env } from '../../plugin-api';

export interface GovernanceSettings {
  /** When proposals past their close are decided (cron expression, seconds allowed), GOVERNANCE_CLOSE_CRON. */
  closeCron: string;
  /**
   * How long after closesAt a proposal is decided, GOVERNANCE_CLOSE_GRACE_SECONDS: a ballot stored
   * just before the close is in the feed by then (its batch was committed), so the tally sees it.
   */
  closeGraceMs: number;
}

/** GOVERNANCE_CLOSE_CRON (every 15 seconds), GOVERNANCE_CLOSE_GRACE_SECONDS (5). */
export function readGovernanceSettings(env: Env): { settings: GovernanceSettings; problems: string[] } {
  const problems: string[] = [];
  const read = new SettingsReader(env, problems);
  const settings = {
    closeCron: read.cron('GOVERNANCE_CLOSE_CRON', '*/15 * * * * *'),
    closeGraceMs: read.integer('GOVERNANCE_CLOSE_GRACE_SECONDS', 5, 0, 3600) * 1000,
  };
  return { settings, problems };
}
