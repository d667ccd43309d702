/**
 * The push engine (issue 15): each active subscription's loop reads the feed after its cursor,
 * sends what its filters select to its peer, and moves the cursor only once the peer acknowledged
 * the batch or its refused statements are written to `retries` (a crash before re-sends: at least
 * once, made exactly once in effect by the receiver's idempotency by statement id).
 *
 * Rules: a refused batch is split at once so the other statements go on; a statement refused alone
 * is retried (RETRY: 5 tries in all, 100 ms doubling) and then parked with the peer's answer; a
 * single 409 is compared with the remote's statement (the same statement is delivered, another is
 * parked at once). A peer-level failure keeps the batch, backs off and feeds the peer's breaker,
 * and never parks; but a batch the peer answers with 5xx or garbage RETRY.attempts times is split,
 * so one poisoned statement cannot block the stream.
 */
import { sameStatement, type Collection, type FeedStatement, type Logger, type StatementReader } from '../../../plugin-api';
import type { Peer } from '../model';
import { mayRetry, RETRY, retryDelayMs } from '../remote/backoff';
import type { CircuitBreakers } from '../remote/breaker';
import type { RemoteOutcome, RemoteStatement } from '../remote/remote-lrs';
import type { DeadLetters } from './dead-letters';
import { statementFilter, voidedTargetOf } from './filters';
import { retryId, type Retry, type Subscription } from './records';
import type { PeerLookup, Subscriptions } from './subscriptions';

/** How statements reach one peer: its wire format, signature and provenance (outbound/channels.ts). */
export interface PeerChannel {
  /** Ids of statements that must not go to this peer: they came through it already (hops). */
  excluded(statements: FeedStatement[]): Promise<Set<string>>;
  send(statements: FeedStatement[]): Promise<RemoteOutcome>;
  /** The peer's statement by id, to compare after a 409. */
  remoteStatement(id: string): Promise<RemoteStatement | undefined | RemoteOutcome>;
}

/** What the engine counts (outbound/metrics.ts). */
export interface DeliveryCounters {
  delivered(peer: string, count: number): void;
  refused(peer: string): void;
  parked(peer: string): void;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const REAL_CLOCK: Clock = { now: Date.now, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

export interface DeliveryEngineOptions {
  subscriptions: Subscriptions;
  retries: Collection<Retry>;
  deadLetters: DeadLetters;
  statements: Pick<StatementReader, 'readFeed' | 'feedHead' | 'get'>;
  peers: PeerLookup;
  channelFor(peer: Peer): PeerChannel;
  breakers: CircuitBreakers;
  batchSize: number;
  counters?: DeliveryCounters;
  clock?: Clock;
  logger: Logger;
}

export interface RunLimits {
  /**
   * How long one run keeps going (5 s): long enough that the cron's firings (every second) do not
   * add to the push lag, short enough that a stopping LRS, which waits for the run, stops soon.
   */
  maxMs?: number;
  /** The wait between looks at the feed's head when a subscription has nothing to send (100 ms). */
  idleMs?: number;
}

/** A batch's fate: done (the cursor may move past it) or the peer unavailable (keep it, back off). */
type Fate = 'done' | 'unavailable';

interface PeerTrouble {
  /** Peer-level failures in a row, for the backoff. */
  failures: number;
  /** Of those, answers (5xx, garbage) to the batch at the cursor: RETRY.attempts of them split it. */
  answered: number;
  until: number;
}

const NO_COUNTERS: DeliveryCounters = { delivered: () => undefined, refused: () => undefined, parked: () => undefined };
export const DIFFERENT_STATEMENT = 'a different statement is stored under this id at the remote';

export class DeliveryEngine {
  private readonly clock: Clock;
  private readonly counters: DeliveryCounters;
  /** Per subscription, in this process (the job runs in one instance at a time). */
  private readonly trouble = new Map<string, PeerTrouble>();

  constructor(private readonly options: DeliveryEngineOptions) {
    this.clock = options.clock ?? REAL_CLOCK;
    this.counters = options.counters ?? NO_COUNTERS;
  }

  /** One run: every active subscription's loop, until `maxMs` has passed. */
  async run({ maxMs = 5_000, idleMs = 100 }: RunLimits = {}): Promise<void> {
    const deadline = this.clock.now() + maxMs;
    const active = (await this.options.subscriptions.list()).filter(({ state }) => state === 'active');
    await Promise.all(active.map(({ id }) => this.loop(id, deadline, idleMs)));
  }

  private async loop(id: string, deadline: number, idleMs: number): Promise<void> {
    while (this.clock.now() < deadline) {
      let wait: number | undefined;
      try {
        wait = await this.step(id, idleMs);
      } catch (error) {
        // Our own storage failing: this run leaves the subscription; the cursor still marks what is safe.
        this.options.logger.error({ err: error, subscription: id }, 'federation delivery step failed');
        return;
      }
      if (wait === undefined) return;
      if (wait > 0) await this.clock.sleep(Math.min(wait, Math.max(0, deadline - this.clock.now())));
    }
  }

  /**
   * One step of a subscription: its due retries, then one batch of the feed after its cursor.
   * Returns how long to wait before the next step, or undefined when it is paused or gone.
   */
  async step(id: string, idleMs = 100): Promise<number | undefined> {
    const subscription = await this.options.subscriptions.find(id);
    if (subscription === undefined || subscription.state !== 'active') return undefined;
    const peer = await this.options.peers.get(subscription.peer);
    if (peer === undefined) return undefined;
    const now = this.clock.now();
    const trouble = this.trouble.get(id);
    if (trouble !== undefined && trouble.until > now) return trouble.until - now;
    const breaker = this.options.breakers.of(peer.slug);
    if (!breaker.tryAcquire()) return Math.max(idleMs, (breaker.snapshot().retryAt ?? now) - now);
    const channel = this.options.channelFor(peer);
    const retried = await this.retryDue(subscription, channel);
    if (retried === 'unavailable') return this.backOff(id);
    const batch = await this.options.statements.readFeed(subscription.cursor, this.options.batchSize);
    if (batch.length === 0) return retried > 0 ? 0 : idleMs;
    const selected = await this.selected(subscription, batch, channel);
    if (selected.length > 0 && (await this.deliver(subscription, channel, selected, false)) === 'unavailable') return this.backOff(id);
    await this.options.subscriptions.advance(id, batch[batch.length - 1]!.position);
    return 0;
  }

  /** The statements of a batch the subscription sends: its filters' (a voiding statement by its target's), minus loops. */
  private async selected(subscription: Subscription, batch: FeedStatement[], channel: PeerChannel): Promise<FeedStatement[]> {
    const passes = statementFilter(subscription.filters);
    const inBatch = new Map(batch.map((record) => [record.id, record]));
    const selected: FeedStatement[] = [];
    for (const record of batch) {
      const target = voidedTargetOf(record.statement);
      const judged = target === undefined ? record : (inBatch.get(target) ?? (await this.options.statements.get(target)));
      if (judged !== undefined && passes(judged.statement)) selected.push(record);
    }
    if (selected.length === 0) return selected;
    const excluded = await channel.excluded(selected);
    return selected.filter(({ id }) => !excluded.has(id));
  }

  /**
   * Sends a group and settles each statement: delivered, refused into `retries` or parked. A
   * refused group is split at once; so is one the peer keeps answering with 5xx or garbage
   * (`splitting`: the batch at the cursor failed RETRY.attempts times that way).
   */
  private async deliver(subscription: Subscription, channel: PeerChannel, group: FeedStatement[], splitting: boolean): Promise<Fate> {
    const outcome = await channel.send(group);
    const breaker = this.options.breakers.of(subscription.peer);
    if (outcome.kind === 'unavailable') {
      breaker.recordFailure();
      if (!answered(outcome)) return 'unavailable';
      if (!splitting) {
        const trouble = this.troubleOf(subscription.id);
        trouble.answered += 1;
        if (trouble.answered < RETRY.attempts) return 'unavailable';
        this.options.logger.warn({ subscription: subscription.id, peer: subscription.peer, reason: outcome.reason }, `federation: a batch of ${group.length} failed ${RETRY.attempts} times while the peer answers; split`);
      }
      return group.length === 1 ? this.refusedAlone(subscription, channel, group[0]!, outcome) : this.split(subscription, channel, group);
    }
    breaker.recordSuccess();
    if (outcome.kind === 'accepted') {
      this.trouble.delete(subscription.id);
      this.counters.delivered(subscription.peer, group.length);
      return 'done';
    }
    if (group.length === 1) return this.refusedAlone(subscription, channel, group[0]!, outcome);
    return this.split(subscription, channel, group);
  }

  private async split(subscription: Subscription, channel: PeerChannel, group: FeedStatement[]): Promise<Fate> {
    const middle = Math.ceil(group.length / 2);
    // Both halves at once: the refused statement's other half is not kept waiting on it.
    const fates = await Promise.all([group.slice(0, middle), group.slice(middle)].map((half) => this.deliver(subscription, channel, half, true)));
    if (fates.includes('unavailable')) return 'unavailable';
    this.trouble.delete(subscription.id);
    return 'done';
  }

  /** A statement the peer refused alone (its first try): a 409 is compared, anything else goes to `retries`. */
  private async refusedAlone(subscription: Subscription, channel: PeerChannel, record: FeedStatement, outcome: Exclude<RemoteOutcome, { kind: 'accepted' }>): Promise<Fate> {
    this.counters.refused(subscription.peer);
    const settled = await this.settledConflict(subscription, channel, record, outcome, 1, this.isoNow());
    if (settled) return 'done';
    const retry: Retry = {
      subscription: subscription.id,
      peer: subscription.peer,
      statementId: record.id,
      attempts: 1,
      nextAttemptAt: this.clock.now() + retryDelayMs(1),
      firstFailedAt: this.isoNow(),
      ...answerOf(outcome),
    };
    // An entry there already (a batch re-sent after a crash or a peer failure) keeps its count.
    await this.options.retries.insert(retryId(subscription.id, record.id), retry);
    return 'done';
  }

  /**
   * After a 409: the remote's statement under this id is ours (delivered) or another (parked at
   * once). True when settled so; false to retry (any other refusal, or the remote not telling).
   */
  private async settledConflict(subscription: Subscription, channel: PeerChannel, record: FeedStatement, outcome: Exclude<RemoteOutcome, { kind: 'accepted' }>, attempts: number, firstFailedAt: string): Promise<boolean> {
    if (outcome.kind !== 'refused' || outcome.status !== 409) return false;
    const remote = await channel.remoteStatement(record.id);
    if (remote === undefined || 'kind' in remote) return false;
    if (sameStatement(remote.statement, record.statement)) {
      this.counters.delivered(subscription.peer, 1);
      return true;
    }
    await this.park(subscription, record.id, { attempts, firstFailedAt, status: outcome.status, body: outcome.body, reason: DIFFERENT_STATEMENT });
    return true;
  }

  /** Sends the subscription's due retries, each alone; 'unavailable' when the peer is, else how many were tried. */
  private async retryDue(subscription: Subscription, channel: PeerChannel): Promise<number | 'unavailable'> {
    const due = await this.options.retries.find({ where: { subscription: subscription.id, nextAttemptAt: { lte: this.clock.now() } }, orderBy: [{ field: 'nextAttemptAt' }], limit: this.options.batchSize });
    const breaker = this.options.breakers.of(subscription.peer);
    for (const { id, value: retry } of due) {
      const found = await this.options.statements.get(retry.statementId);
      if (found === undefined) {
        await this.options.retries.delete(id);
        continue;
      }
      const record = { ...found, position: 0 };
      const outcome = await channel.send([record]);
      if (outcome.kind === 'unavailable') breaker.recordFailure();
      else breaker.recordSuccess();
      if (outcome.kind === 'unavailable' && !answered(outcome)) return 'unavailable';
      if (outcome.kind === 'accepted') {
        this.counters.delivered(subscription.peer, 1);
        await this.options.retries.delete(id);
      } else {
        await this.failedAgain(subscription, channel, id, retry, record, outcome);
      }
    }
    return due.length;
  }

  /** Another failed try of a retried statement: tried later while RETRY allows, else parked. */
  private async failedAgain(subscription: Subscription, channel: PeerChannel, id: string, retry: Retry, record: FeedStatement, outcome: Exclude<RemoteOutcome, { kind: 'accepted' }>): Promise<void> {
    const attempts = retry.attempts + 1;
    this.counters.refused(subscription.peer);
    if (!(await this.settledConflict(subscription, channel, record, outcome, attempts, retry.firstFailedAt))) {
      if (mayRetry(attempts)) {
        await this.options.retries.put(id, { ...retry, attempts, nextAttemptAt: this.clock.now() + retryDelayMs(attempts), ...answerOf(outcome) });
        return;
      }
      await this.park(subscription, record.id, { attempts, firstFailedAt: retry.firstFailedAt, ...answerOf(outcome) });
    }
    await this.options.retries.delete(id);
  }

  private async park(subscription: Subscription, statementId: string, failure: { attempts: number; firstFailedAt: string; status?: number; body?: string; reason: string }): Promise<void> {
    await this.options.deadLetters.park({ direction: 'push', peer: subscription.peer, subscription: subscription.id, statementId, ...failure });
    this.counters.parked(subscription.peer);
    this.options.logger.warn({ subscription: subscription.id, peer: subscription.peer, statementId, status: failure.status }, `federation: statement parked: ${failure.reason}`);
  }

  private troubleOf(id: string): PeerTrouble {
    let trouble = this.trouble.get(id);
    if (trouble === undefined) {
      trouble = { failures: 0, answered: 0, until: 0 };
      this.trouble.set(id, trouble);
    }
    return trouble;
  }

  /** Records a peer-level failure of the subscription; returns how long to wait (RETRY's delays, then 30 s). */
  private backOff(id: string): number {
    const trouble = this.troubleOf(id);
    trouble.failures += 1;
    const delay = retryDelayMs(trouble.failures);
    trouble.until = this.clock.now() + delay;
    return delay;
  }

  private isoNow(): string {
    return new Date(this.clock.now()).toISOString();
  }
}

/** Whether the peer answered (a 5xx, or a 2xx that is garbage), rather than not at all or refusing our credentials or pace. */
function answered(outcome: Extract<RemoteOutcome, { kind: 'unavailable' }>): boolean {
  const { status } = outcome;
  return status !== undefined && (status >= 500 || (status >= 200 && status < 300));
}

function answerOf(outcome: Exclude<RemoteOutcome, { kind: 'accepted' }>): { status?: number; body?: string; reason: string } {
  if (outcome.kind === 'refused') return { status: outcome.status, body: outcome.body, reason: `the remote refused it: ${outcome.status}` };
  return { ...(outcome.status !== undefined && { status: outcome.status }), ...(outcome.body !== undefined && { body: outcome.body }), reason: outcome.reason };
}
