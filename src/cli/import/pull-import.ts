/**
 * `keiko import --from <xapi url>`: the statements of another LRS pulled into this one by its
 * federation plugin (docs/federation.md, "Pull"). Through this LRS's admin API, the command
 * registers the other LRS as a peer (kind xapi; or finds it by its endpoint) and a pull source of
 * it (or finds the one with the same start), then follows the source's progress until it is
 * caught up. The LRS's job does the pulling, checkpointed: the command can be stopped and run again.
 */
import { CliError, EXIT } from '../exit-codes';
import { number, type ProgressView } from './progress';
import type { XapiClient } from './xapi-client';

export interface PullImportOptions {
  /** The other LRS's xAPI base URL. */
  from: string;
  fromCredentials?: { key: string; secret: string };
  /** Statements stored there after this (ISO 8601), else all. */
  since?: string;
  /** The peer's slug when it is registered now (default: from the URL's host). */
  peer?: string;
  pollMs: number;
  /** How long the pull may make no progress (and not be caught up) before the command gives up. */
  waitMs: number;
}

/** A pull source as GET /plugins/federation/pulls/:id shows it (pull/openapi.yaml). */
export interface PullSourceView {
  id: string;
  peer: string;
  since?: string;
  filters: Record<string, unknown>;
  state: 'active' | 'paused';
  counts: { received: number; refused: number };
  refusals: Array<{ reason: string; count: number }>;
  lastError?: { at: string; reason: string };
  caughtUp: boolean;
  lastReadAt?: string;
  progress: { fraction: number; from?: string; through?: string };
  updatedAt: string;
}

/** Where a run of the command stands: the source, and its counts since the command started. */
export interface PullProgress {
  source: PullSourceView;
  received: number;
  refused: number;
}

export interface PullImportResult extends PullProgress {
  elapsedSeconds: number;
}

/** Registers (or finds) the peer and its pull source on the LRS, then waits until the source is caught up. */
export async function importFromLrs(lrs: XapiClient, adminUrl: string, options: PullImportOptions, progress: (now: PullProgress) => void): Promise<PullImportResult> {
  const admin = adminApi(lrs, adminUrl);
  const peer = await peerFor(admin, options);
  let source = await sourceFor(admin, peer, options.since);
  const started = Date.now();
  // The LRS's own time: caught up by a page it asked for after this.
  const since = Date.parse(source.updatedAt);
  const start = source.counts;
  let lastChange = started;
  for (;;) {
    const previous = source;
    source = await admin('GET', `/pulls/${source.id}`);
    const now: PullProgress = { source, received: source.counts.received - start.received, refused: source.counts.refused - start.refused };
    progress(now);
    if (source.caughtUp && source.lastReadAt !== undefined && Date.parse(source.lastReadAt) >= since) return { ...now, elapsedSeconds: (Date.now() - started) / 1000 };
    if (source.updatedAt !== previous.updatedAt && source.lastError === undefined) lastChange = Date.now();
    if (Date.now() - lastChange > options.waitMs) {
      const why = source.lastError === undefined ? 'the LRS did not pull (is its pull job running? FEDERATION_PULL_CRON)' : source.lastError.reason;
      throw new CliError(EXIT.cannotConfirm, `no progress for ${options.waitMs / 1000} s: ${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
}

type AdminApi = (method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown) => Promise<any>;

/** The federation plugin's admin API; its refusals as CliErrors saying what to fix. */
function adminApi(lrs: XapiClient, adminUrl: string): AdminApi {
  return async (method, path, body) => {
    const answer = await lrs.json(method, `${adminUrl}${path}`, body);
    if (answer.reason === undefined) return answer.body;
    if (answer.status === 404 && path === '/peers') throw new CliError(EXIT.badInput, `the LRS at ${adminUrl} has no federation plugin (PLUGINS must include federation): ${answer.reason}`);
    if (answer.status === 403) throw new CliError(EXIT.badInput, `the credential may not manage federation (it needs plugins/federation/manage or admin): ${answer.reason}`);
    throw new CliError(answer.status < 500 ? EXIT.badInput : EXIT.failed, `${method} ${path}: ${answer.reason}`);
  };
}

/** The peer registered for this endpoint (its credentials there updated when given), else a new one. */
async function peerFor(admin: AdminApi, options: PullImportOptions): Promise<string> {
  const endpoint = endpointOf(options.from);
  const { peers } = (await admin('GET', '/peers')) as { peers: Array<{ slug: string; kind: string; endpoint?: string }> };
  const known = peers.find((peer) => peer.kind === 'xapi' && peer.endpoint !== undefined && endpointOf(peer.endpoint) === endpoint);
  const credentials = options.fromCredentials === undefined ? {} : { outboundCredentials: options.fromCredentials };
  if (known !== undefined) {
    if (options.fromCredentials !== undefined) await admin('PATCH', `/peers/${known.slug}`, credentials);
    return known.slug;
  }
  const slug = options.peer ?? peerSlugOf(endpoint);
  await admin('POST', '/peers', { slug, name: `xAPI LRS at ${new URL(endpoint).host}`, kind: 'xapi', endpoint, ...credentials });
  return slug;
}

/** The peer's pull source of every statement from the same start (made active: its updatedAt is the LRS's now), else a new one. */
async function sourceFor(admin: AdminApi, peer: string, since: string | undefined): Promise<PullSourceView> {
  const { pulls } = (await admin('GET', `/pulls?peer=${encodeURIComponent(peer)}&limit=1000`)) as { pulls: PullSourceView[] };
  const sameStart = (source: PullSourceView) => Object.keys(source.filters).length === 0 && source.since === (since === undefined ? undefined : new Date(since).toISOString());
  const found = pulls.find(sameStart);
  if (found === undefined) return admin('POST', '/pulls', { peer, ...(since !== undefined && { since }) });
  return admin('PATCH', `/pulls/${found.id}`, { state: 'active' });
}

/** An xAPI base URL as compared and registered: no trailing slash. */
export function endpointOf(url: string): string {
  return url.replace(/\/+$/, '');
}

/** A peer slug from the endpoint's host and port: lrs.example.org:8080 → lrs-example-org-8080. */
export function peerSlugOf(endpoint: string): string {
  const slug = new URL(endpoint).host.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
  return slug === '' ? 'imported-lrs' : slug;
}

const BAR_WIDTH = 24;

/** The progress line: a bar of the stored time pulled (between the first statement and now), counts and rate. */
export const pullProgressView: ProgressView<PullProgress> = {
  line({ source, received, refused }, seconds) {
    const fraction = source.progress.fraction;
    const filled = Math.round(fraction * BAR_WIDTH);
    const through = source.progress.through === undefined ? '' : ` through ${source.progress.through.slice(0, 19).replace('T', ' ')}`;
    return (
      `[import] [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${Math.floor(fraction * 100)}%${through}: ` +
      `${number(received)} received, ${number(refused)} refused (${number(Math.round(received / seconds))}/s)`
    );
  },
  amount: ({ received, refused }) => received + refused,
};

/** The summary on stdout: counts of this run, elapsed time, rate, and the refusals by reason. */
export function pullSummary(from: string, to: string, result: PullImportResult): string {
  const { source, received, refused, elapsedSeconds } = result;
  const rows: [string, string][] = [
    ['received', number(received)],
    ['refused', number(refused)],
    ['elapsed', `${elapsedSeconds.toFixed(1)} s`],
    ['rate', `${number(Math.round(received / Math.max(elapsedSeconds, 0.001)))}/s`],
  ];
  const width = Math.max(...rows.map(([, value]) => value.length));
  const lines = [`Imported from ${from} (peer ${source.peer}, pull ${source.id}) into ${to}:`, ...rows.map(([label, value]) => `  ${label.padEnd(14)} ${value.padStart(width)}`)];
  if (source.refusals.length > 0) {
    lines.push(`Refused, by reason (every run of this pull; each statement is a dead letter: GET /plugins/federation/dead-letters?peer=${source.peer}&direction=pull):`);
    for (const { reason, count } of source.refusals) lines.push(`  ${reason}: ${number(count)}`);
  }
  return `${lines.join('\n')}\n`;
}
