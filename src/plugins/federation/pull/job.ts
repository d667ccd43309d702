/**
 * The job `pull` (FEDERATION_PULL_CRON): reads every active pull source's peer page after page
 * (GET statements?ascending=true&since=…&attachments=true, then its `more` links), stores each page
 * with its provenance through the Receiver, parks the statements this LRS refuses as dead letters
 * (direction pull) so that the page goes on, and only then checkpoints the source. A crash of this
 * LRS reads the last page again (stored already: idempotent by id); a `more` link the peer no
 * longer honours (it restarted, the link expired) is dropped for since − 1 ms (cursor.ts).
 */
import type { Agent, Logger, StatementAttachmentPart } from '../../../plugin-api';
import type { DeadLetter, Peer } from '../model';
import { advance, nextPageUrl, resolveMore, storedMs, unseen } from './cursor';
import { MAX_REFUSAL_REASONS, type PullSource } from './records';
import type { PullSources } from './sources';

/** A page of the peer's statements, or why there is none (A's RemoteLrs.getStatements answers this). */
export type PageAnswer =
  | { statements: unknown[]; more?: unknown; attachments: StatementAttachmentPart[] }
  | { kind: 'refused'; status: number; body: string }
  | { kind: 'unavailable'; status?: number; body?: string; reason: string };

export interface StatementPages {
  getStatements(url: string): Promise<PageAnswer>;
}

export type PullablePeer = Peer & { endpoint: string };

/** What a statement pulled says of where it comes from, and what the Receiver answers per statement (D's inbound/receiver.ts). */
export interface PulledItem {
  statement: object;
  provenance: { originLrs: string; originStored: string; originAuthority?: object; hops: string[] };
}
export type PullOutcome = { index: number; id?: string; outcome: 'stored' } | { index: number; id?: string; outcome: 'refused'; status: number; code: string; message: string };

export interface PullJobOptions {
  sources: PullSources;
  /** The peer's xAPI client (A's RemoteLrs). */
  remoteFor(peer: PullablePeer): StatementPages;
  receiver: { acceptEach(peer: Peer, via: 'pull', items: PulledItem[], attachments: StatementAttachmentPart[], authority: Agent): Promise<PullOutcome[]> };
  deadLetters: { park(letter: Omit<DeadLetter, 'id' | 'parkedAt' | 'replayedAt'>): Promise<unknown> };
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
    while (current !== undefined && current.state === 'active' && this.now() < deadline) {
      const next = nextPageUrl(peer.endpoint, current, this.options.pageSize);
      const answer = await remote.getStatements(next.url);
      if ('kind' in answer) {
        if (next.via === 'more' && answer.kind === 'refused') {
          // The peer restarted or its link expired: read again from since − 1 ms.
          current = await this.options.sources.change(current.id, (now) => ({ ...now, cursor: { ...now.cursor, more: undefined } }));
          continue;
        }
        return void (await this.failed(current.id, failureOf(answer)));
      }
      const garbage = answer.statements.findIndex((statement) => !isObject(statement));
      if (garbage !== -1) return void (await this.failed(current.id, `the peer sent statements[${garbage}] that is not a statement (a JSON object)`));
      const more = resolveMore(peer.endpoint, answer.more);
      const outcomes = await this.receive(current, peer, answer.statements as Array<Record<string, unknown>>, answer.attachments);
      const at = new Date(this.now()).toISOString();
      current = await this.options.sources.change(current.id, (now) => checkpointed(now, answer.statements as Array<Record<string, unknown>>, outcomes, more, at));
      if (!('url' in more) || more.url === undefined) return;
    }
  }

  /** Stores the page's new statements and parks those refused; an outcome per statement received. */
  private async receive(source: PullSource, peer: PullablePeer, page: Array<Record<string, unknown>>, attachments: StatementAttachmentPart[]): Promise<PullOutcome[]> {
    const fresh = unseen(page, source.cursor);
    if (fresh.length === 0) return [];
    const items = fresh.map((statement) => ({ statement, provenance: provenanceOf(statement, peer) }));
    const outcomes = await this.options.receiver.acceptEach(peer, 'pull', items, attachments, pullAuthority(peer, this.options.publicUrl));
    const failedAt = new Date(this.now()).toISOString();
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

/** The source once a page is stored: its cursor advanced, its counts and refusals, its first stored time, no error. */
function checkpointed(source: PullSource, statements: Array<Record<string, unknown>>, outcomes: PullOutcome[], more: { url?: string } | { refused: string }, at: string): PullSource {
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

function provenanceOf(statement: Record<string, unknown>, peer: PullablePeer): PulledItem['provenance'] {
  const authority = statement.authority;
  return {
    originLrs: peer.endpoint,
    originStored: storedMs(statement) === undefined ? new Date().toISOString() : (statement.stored as string),
    ...(isObject(authority) && { originAuthority: authority }),
    hops: [peer.endpoint],
  };
}

function failureOf(answer: Exclude<PageAnswer, { statements: unknown[] }>): string {
  if (answer.kind === 'unavailable') return `the peer is unavailable: ${answer.reason}`;
  return `the peer refused the request: ${answer.status} ${answer.body.slice(0, 300)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
