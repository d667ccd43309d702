import { SettingsReader, type Env } from '../../plugin-api';

export interface FederationSettings {
  /** FEDERATION_COMMUNITY: the governance community (slug) standing for this LRS, whose recognitions keep origin authorities. */
  community?: string;
  /** FEDERATION_DELIVER_CRON: when the push job runs (it keeps running while there is work). */
  deliverCron: string;
  /** FEDERATION_PULL_CRON: when the pull job runs. */
  pullCron: string;
  /** FEDERATION_REQUEST_TIMEOUT_SECONDS: the longest wait for a peer's answer. */
  requestTimeoutMs: number;
  /** FEDERATION_BATCH_SIZE: statements per delivery or pulled page. */
  batchSize: number;
  /** FEDERATION_MAX_RESPONSE_MB: the largest answer read from a peer. */
  maxResponseBytes: number;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,39}$/;

export function readFederationSettings(env: Env): { settings: FederationSettings; problems: string[] } {
  const problems: string[] = [];
  const read = new SettingsReader(env, problems);
  const community = read.string('FEDERATION_COMMUNITY');
  if (community !== undefined && !SLUG.test(community)) problems.push(`FEDERATION_COMMUNITY must be a community slug, got "${community}"`);
  const settings: FederationSettings = {
    community,
    deliverCron: read.cron('FEDERATION_DELIVER_CRON', '* * * * * *'),
    pullCron: read.cron('FEDERATION_PULL_CRON', '*/5 * * * * *'),
    requestTimeoutMs: read.integer('FEDERATION_REQUEST_TIMEOUT_SECONDS', 30, 1, 600) * 1000,
    batchSize: read.integer('FEDERATION_BATCH_SIZE', 500, 1, 5000),
    maxResponseBytes: read.integer('FEDERATION_MAX_RESPONSE_MB', 64, 1, 1024) * 1024 * 1024,
  };
  return { settings, problems };
}
