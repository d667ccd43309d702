/**
 * The job `pull` (FEDERATION_PULL_CRON): reads every active pull source's peer page after page
 * (GET statements?ascending=true&since=…&attachments=true, then its `more` links), stores each page
 * with its provenance through the Receiver, parks the statements this LRS refuses as dead letters
 * (direction pull) so that the page goes on, and only then checkpoints the source. A crash of this
 * LRS reads the last page again (stored already: idempotent by id); a `more` link the peer no
 * longer honours (it restarted, the link expired) is dropped for since − 1 ms (cursor.ts).
 */
import type { Agent, Logger, StatementAttachmentPart } from '../../../plugin-api';
import { forwardedProvenance } from '../inbound/forwarded';
import type { ReceiveOutcome, Receiver } from '../inbound/receiver';
import type { Peer } from '../model';
import type { DeadLetters } from '../outbound/dead-letters';
import type { RemoteLrs, RemoteOutcome } from '../remote/remote-lrs';
import { advance, nextPageUrl, resolveMore, resumeSince, storedMs, unseen } from './cursor';
import { MAX_REFUSAL_REASONS, type PullSource } from './records';
import type { PullSources } from './sources';

export type PullablePeer = Peer & { endpoint: string };

export interface PullJobOptions {
  sources: PullSources;
  /** The peer's xAPI client (A's RemoteLrs). */
  remoteFor(peer: PullablePeer): Pick<RemoteLrs, 'getStatements'>;
  receiver: Pick<Receiver, 'acceptEach'>;
  deadLetters: Pick<DeadLetters, 'park'>;
  publicUrl: string;
  /** Statements asked for per page (FEDERATION_BATCH_SIZE). */
  pageSize: number;
  /** How long one run reads before it returns; the next run goes on from the checkpoint. */
  runBudgetMs: number;
  logger: Logger;
  now?: () => number;
}

export class PullJob {
  private readonly now: () => number;

  constructor(private readonly options: PullJobOptions) {
    this.now = options.now ?? Date.now;
  }

  /** One run: each active source in turn, until each is caught up or the run's time is spent. */
  async run(): Promise<void> {
    const deadline = this.now() + this.options.runBudgetMs;
    for (const source of await this.options.sources.list({ state: 'active' }, 1000)) {
      if (this.now() >= deadline) return;
      await this.pull(source, deadline).catch((error: unknown) => this.options.logger.error({ err: error, pull: source.id }, 'pulling failed; the next run resumes from the checkpoint'));
    }
  }

  /** Pages of one source until it is caught up, paused or deleted, its peer fails, or the deadline. */
  async pull(source: PullSource, deadline: number): Promise<void> {
    const peer = await this.options.sources.pullablePeer(source.peer).catch((error: Error) => error);
    if (peer instanceof Error) return void (await this.failed(source.id, `the peer cannot be pulled from: ${peer.message}`));
    const remote = this.options.remoteFor(peer);
    let current: PullSource | undefined = source;
    const widening = new PageWidening(this.options.pageSize);
    // The page after a `more` link is read while this one is stored (the peer's answer and our writes overlap).
    let prefetched: { url: string; at: string; answer: ReturnType<typeof remote.getStatements> } | undefined;
    while (current !== undefined && current.state === 'active' && this.now() < deadline) {
      const limit = widening.limitFor(current);
      if (limit === undefined) return void (await this.failed(current.id, widening.stuck(current)));
      const next = nextPageUrl(peer.endpoint, current, limit);
      const readAt = prefetched?.url === next.url ? prefetched.at : new Date(this.now()).toISOString();
      const answer = await (prefetched?.url === next.url ? prefetched.answer : remote.getStatements(next.url));
      prefetched = undefined;
      if ('kind' in answer) {
        if (next.via === 'more' && moreRefused(answer)) {
          // The peer restarted or its link expired: read again from since − 1 ms.
          current = await this.options.sources.change(current.id, (now) => ({ ...now, cursor: { ...now.cursor, more: undefined } }));
          continue;
        }
        return void (await this.failed(current.id, failureOf(answer)));
      }
      const more = resolveMore(peer.endpoint, answer.more);
      if ('url' in more && more.url !== undefined) prefetched = { url: more.url, at: new Date(this.now()).toISOString(), answer: remote.getStatements(more.url) };
      const outcomes = await this.receive(current, peer, answer.statements as Array<Record<string, unknown>>, answer.attachments);
      current = await this.options.sources.change(current.id, (now) => checkpointed(now, answer.statements as Array<Record<string, unknown>>, outcomes, more, readAt));
      const caughtUp = !('refused' in more) && more.url === undefined;
      if (caughtUp) return;
    }
  }

  /** Stores the page's new statements and parks those refused; an outcome per statement received. */
  private async receive(source: PullSource, peer: PullablePeer, page: Array<Record<string, unknown>>, attachments: StatementAttachmentPart[]): Promise<ReceiveOutcome[]> {
    const fresh = unseen(page, source.cursor);
    if (fresh.length === 0) return [];
    const receivedAt = new Date(this.now());
    const items = fresh.map((statement) => ({ statement, provenance: forwardedProvenance(statement, peer, receivedAt) }));
    const outcomes = await this.options.receiver.acceptEach(peer, 'pull', items, attachments, pullAuthority(peer, this.options.publicUrl));
    const failedAt = receivedAt.toISOString();
    for (const outcome of outcomes) {
      if (outcome.outcome !== 'refused') continue;
      await this.options.deadLetters.park({
        direction: 'pull',
        peer: peer.slug,
        source: source.id,
        ...(outcome.id !== undefined && { statementId: outcome.id }),
        statement: items[outcome.index]!.statement,
        attempts: 1,
        status: outcome.status,
        body: JSON.stringify({ code: outcome.code, message: outcome.message }),
        reason: `this LRS refused it: ${outcome.status} ${outcome.code}: ${outcome.message}`,
        firstFailedAt: failedAt,
      });
    }
    return outcomes;
  }

  private async failed(id: string, reason: string): Promise<void> {
    this.options.logger.warn({ pull: id, reason }, 'the pull stops until the next run');
    await this.options.sources.change(id, (source) => ({ ...source, lastError: { at: new Date(this.now()).toISOString(), reason } }));
  }
}

/** How much wider than FEDERATION_BATCH_SIZE a page read from since may grow to get past statements sharing one stored time. */
const MAX_WIDENING = 64;

/**
 * The page size of reads from since within a run: read again from the same since (the peer's more
 * link failed and the page held nothing new: a whole page shares one stored time), the page
 * doubles, up to MAX_WIDENING times; back to normal once the since moves on.
 */
class PageWidening {
  private lastSince: string | undefined | null = null;
  private factor = 1;

  constructor(private readonly pageSize: number) {}

  /** The limit of the next page, undefined when widening cannot get past the boundary. */
  limitFor(source: PullSource): number | undefined {
    if (source.cursor.more !== undefined) return this.pageSize;
    const since = resumeSince(source.cursor, source.since);
    this.factor = since === this.lastSince ? this.factor * 2 : 1;
    this.lastSince = since;
    return this.factor > MAX_WIDENING ? undefined : this.pageSize * this.factor;
  }

  stuck(source: PullSource): string {
    return `more than ${this.pageSize * MAX_WIDENING} statements share the stored time ${source.cursor.since} and the peer does not honour its more links: raise FEDERATION_BATCH_SIZE`;
  }
}

/** The source once a page (asked of the peer `at`) is stored: its cursor advanced, its counts and refusals, its first stored time, no error. */
function checkpointed(source: PullSource, statements: Array<Record<string, unknown>>, outcomes: ReceiveOutcome[], more: { url?: string } | { refused: string }, at: string): PullSource {
  const refused = outcomes.filter((outcome) => outcome.outcome === 'refused');
  const first = statements.find((statement) => storedMs(statement) !== undefined) as { stored?: string } | undefined;
  const moreUrl = 'url' in more ? more.url : undefined;
  const { lastError: _cleared, ...rest } = source;
  return {
    ...rest,
    cursor: advance(source.cursor, statements, moreUrl),
    counts: { received: source.counts.received + outcomes.length - refused.length, refused: source.counts.refused + refused.length },
    refusals: countedRefusals(source.refusals, refused.map((outcome) => `${outcome.status} ${outcome.code}`)),
    ...(source.firstStored === undefined && first?.stored !== undefined && { firstStored: new Date(Date.parse(first.stored)).toISOString() }),
    // A more link elsewhere is not followed: the next page is read from since − 1 ms.
    ...('refused' in more && { lastError: { at, reason: more.refused } }),
    caughtUp: moreUrl === undefined && !('refused' in more),
    lastReadAt: at,
  };
}

function countedRefusals(counted: PullSource['refusals'], reasons: string[]): PullSource['refusals'] {
  if (reasons.length === 0) return counted;
  const counts = new Map(counted.map(({ reason, count }) => [reason, count]));
  for (const reason of reasons) {
    const key = counts.has(reason) || counts.size < MAX_REFUSAL_REASONS ? reason : 'other reasons';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
}

/**
 * The authority pulled statements get when the peer's is not kept (Data 2.4.9): this LRS, for
 * the peer it pulled them from. The peer's own authority is kept in the provenance.
 */
export function pullAuthority(peer: Peer, publicUrl: string): Agent {
  return { objectType: 'Agent', name: peer.name, account: { homePage: publicUrl, name: `plugin/federation/peer/${peer.slug}` } } as Agent;
}

/** The peer no longer takes the link (400 INVALID_CURSOR, 404, 410…), as opposed to being unwell (network, 5xx, 401/403, 429). */
function moreRefused(answer: RemoteOutcome): boolean {
  if (answer.kind !== 'unavailable') return answer.kind === 'refused';
  const status = answer.status ?? 0;
  return status >= 400 && status < 500 && ![401, 403, 429].includes(status);
}

function failureOf(answer: RemoteOutcome): string {
  if (answer.kind === 'unavailable') return `the peer is unavailable: ${answer.reason}`;
  if (answer.kind === 'refused') return `the peer refused the request: ${answer.status} ${answer.body.slice(0, 300)}`;
  return 'the peer answered a read as if statements were sent';
}
