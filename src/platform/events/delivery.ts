import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Lease } from '../../jobs/lease';
import type { LeaseStore } from '../../jobs/lease-store';
import type { Logger } from '../../logger';
import type { FeedEvent } from '../../plugin-api';
import type { CollectionStore } from '../../storage/collections/collection-store';
import type { StatementStorage } from '../../xapi/statements/statement-storage';
import { EventStore, type ParkedEvent } from './event-store';
import { eventStatementId, feedEvents } from './feed-events';

/** Who receives durable post-store events: a plugin's name and its `onEvents` hook. */
export interface EventSubscriber {
  /** Names its lease, checkpoint and parked events, and the collection-store owner a rebuild clears. */
  name: string;
  onEvents(events: FeedEvent[]): Promise<void>;
  /** What a rebuild empties before delivering every statement again; without it, every collection of the owner `name`. */
  clear?(): Promise<void>;
}

export interface RetryPolicy {
  firstDelayMs: number;
  maxDelayMs: number;
  /** Attempts after the first one before the event is parked. */
  retries: number;
}

/** The seeds' policy: 100 ms, doubling, at most 30 s between attempts, 5 retries. */
export const SEED_RETRY_POLICY: RetryPolicy = { firstDelayMs: 100, maxDelayMs: 30_000, retries: 5 };

export interface EventDeliveryOptions {
  statements: Pick<StatementStorage, 'readFeed' | 'feedHead' | 'getById'>;
  collections: CollectionStore;
  leases: LeaseStore;
  subscribers: EventSubscriber[];
  logger: Logger;
  /** How often the feed is read when nothing wakes delivery up (default 500 ms). */
  pollIntervalMs?: number;
  /** Statements read, and their events delivered, per call of a handler (default 100). */
  pageSize?: number;
  /** How long a subscriber's lease lasts unless renewed (default 15 s); it is renewed every third of that. */
  leaseMs?: number;
  /** How long stop() waits for handler calls under way (default 10 s); a handler still running then is left behind. */
  stopTimeoutMs?: number;
  retry?: RetryPolicy;
}

export interface SubscriberStatus {
  name: string;
  /** Every event up to this feed position has been delivered or parked. */
  checkpoint: number;
  /** The feed's head: the highest position readable now. */
  head: number;
  /** Feed positions still to deliver (rolled-back batches leave gaps, so an upper bound of the statements). */
  lag: number;
  parked: number;
}

export type ReplayOutcome = { delivered: true } | { delivered: false; parked: ParkedEvent };

/** A rebuild or a replay names a subscriber this delivery does not have. */
export class UnknownSubscriberError extends Error {
  constructor(readonly subscriber: string) {
    super(`No plugin receiving events is named "${subscriber}"`);
    this.name = 'UnknownSubscriberError';
  }
}

/** A rebuild cannot take the subscriber's lease: a running LRS delivers its events. */
export class SubscriberBusyError extends Error {
  constructor(subscriber: string) {
    super(`Events of "${subscriber}" are being delivered by another process (a running LRS): stop it, or wait for its lease to expire, then retry`);
    this.name = 'SubscriberBusyError';
  }
}

/** Delivery was stopped in the middle of a page: its checkpoint is not advanced. */
class Stopped extends Error {}

/**
 * Durable post-store events. The statement feed is the outbox: for each subscriber a checkpoint
 * (the feed position up to which its events were handled) is kept in the collection store, and
 * the events after it are delivered in feed order, a page at a time, advancing the checkpoint only
 * once the handler resolved. A crash at any point redelivers at most one page, which handlers
 * absorb by being idempotent by statement id. A page whose handler fails is delivered again one
 * event at a time; an event that keeps failing is retried (SEED_RETRY_POLICY), then parked, and
 * delivery moves on. One instance at a time delivers a subscriber's events: it holds the
 * subscriber's lease, renewed while it runs. A subscriber added later starts at position 0.
 */
export class EventDelivery {
  private readonly holder = randomUUID();
  private readonly stopSignal = new AbortController();
  private readonly wakers = new Set<() => void>();
  /** Counts notify() calls, so that one arriving while a page is delivered is not missed. */
  private notifications = 0;
  private readonly subscribers: Map<string, EventSubscriber>;
  private readonly pollIntervalMs: number;
  private readonly pageSize: number;
  private readonly leaseMs: number;
  private readonly retry: RetryPolicy;
  private running: Promise<void>[] = [];

  private constructor(
    private readonly options: EventDeliveryOptions,
    private readonly store: EventStore,
  ) {
    this.subscribers = new Map(options.subscribers.map((subscriber) => [subscriber.name, subscriber]));
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.pageSize = options.pageSize ?? 100;
    this.leaseMs = options.leaseMs ?? 15_000;
    this.retry = options.retry ?? SEED_RETRY_POLICY;
  }

  static async open(options: EventDeliveryOptions): Promise<EventDelivery> {
    const names = options.subscribers.map((subscriber) => subscriber.name);
    const repeated = names.find((name, index) => names.indexOf(name) !== index);
    if (repeated !== undefined) throw new Error(`Two event subscribers are named "${repeated}"`);
    return new EventDelivery(options, await EventStore.open(options.collections));
  }

  get subscriberNames(): string[] {
    return [...this.subscribers.keys()];
  }

  /** Starts following the feed for every subscriber, in the background, until stop(). */
  start(): void {
    if (this.running.length > 0 || this.stopSignal.signal.aborted) return;
    this.running = [...this.subscribers.values()].map((subscriber) => this.follow(subscriber));
  }

  /**
   * Waits until `subscriber` has handled the feed up to its head as it is now (checked every
   * 10 ms), or `timeoutMs` passed. Returns whether it caught up (at once for a name no subscriber has).
   */
  async caughtUp(subscriber: string, timeoutMs: number): Promise<boolean> {
    if (!this.subscribers.has(subscriber)) return true; // nothing to wait for
    const head = await this.options.statements.feedHead();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if ((await this.store.checkpoint(subscriber)).position >= head) return true;
      if (Date.now() >= deadline) return false;
      await sleep(10);
    }
  }

  /** Statements were stored: read the feed now rather than at the next poll. */
  notify(): void {
    this.notifications++;
    for (const wake of [...this.wakers]) wake();
  }

  /**
   * Lets each handler call under way finish (no checkpoint moves after it), then gives the leases
   * up; waits at most stopTimeoutMs, so that a hung handler does not hold up the shutdown.
   */
  async stop(): Promise<void> {
    this.stopSignal.abort();
    this.notify();
    const stopped = Promise.all(this.running).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), this.options.stopTimeoutMs ?? 10_000)));
    if (!(await Promise.race([stopped, timedOut]))) {
      this.options.logger.warn('event delivery stopped without waiting for a handler that is still running');
    }
    clearTimeout(timer);
  }

  /** The feed's head: the highest position readable now. */
  feedHead(): Promise<number> {
    return this.options.statements.feedHead();
  }

  async status(): Promise<SubscriberStatus[]> {
    const head = await this.options.statements.feedHead();
    return Promise.all(
      this.subscriberNames.map(async (name) => {
        const { position } = await this.store.checkpoint(name);
        return { name, checkpoint: position, head, lag: Math.max(0, head - position), parked: await this.store.parkedCount(name) };
      }),
    );
  }

  listParked(subscriber: string | undefined, limit: number): Promise<ParkedEvent[]> {
    if (subscriber !== undefined && !this.subscribers.has(subscriber)) throw new UnknownSubscriberError(subscriber);
    return this.store.listParked(subscriber, limit);
  }

  /**
   * Delivers a parked event once more, as the feed shows it now (a statement voided since gives
   * no `stored` event any more). Success removes it; failure keeps it with the new reason.
   * Undefined when no parked event has this id.
   */
  async replay(id: string): Promise<ReplayOutcome | undefined> {
    const parked = await this.store.parked(id);
    if (parked === undefined) return undefined;
    const subscriber = this.subscriber(parked.subscriber);
    const { records } = await this.options.statements.readFeed(parked.position - 1, 1);
    const now = await this.events(records.filter((record) => record.position === parked.position));
    const events = now.filter((event) => event.type === parked.type && eventStatementId(event) === parked.statementId);
    try {
      if (events.length > 0) await subscriber.onEvents(events);
    } catch (error) {
      return { delivered: false, parked: await this.store.replayFailed(parked, error) };
    }
    await this.store.unpark(id);
    this.options.logger.info({ subscriber: parked.subscriber, position: parked.position, type: parked.type }, 'parked event replayed');
    return { delivered: true };
  }

  /**
   * Rebuilds a subscriber's projections from every statement: clears them (EventSubscriber.clear), its
   * checkpoint and its parked events, then delivers the whole feed up to its head before
   * resolving. Takes the subscriber's lease (SubscriberBusyError while an LRS holds it).
   */
  async rebuild(name: string): Promise<SubscriberStatus> {
    const subscriber = this.subscriber(name);
    const lease = new Lease(this.options.leases, leaseName(name), randomUUID());
    if (!(await lease.acquire(this.leaseMs))) throw new SubscriberBusyError(name);
    try {
      await this.whileRenewing(lease, async () => {
        await (subscriber.clear?.() ?? this.options.collections.clearOwner(name));
        await this.store.reset(name);
        while (await this.deliverPage(subscriber)) {
          // until the head
        }
      });
    } finally {
      await lease.release().catch(() => undefined);
    }
    return (await this.status()).find((status) => status.name === name)!;
  }

  private subscriber(name: string): EventSubscriber {
    const subscriber = this.subscribers.get(name);
    if (subscriber === undefined) throw new UnknownSubscriberError(name);
    return subscriber;
  }

  private async follow(subscriber: EventSubscriber): Promise<void> {
    const lease = new Lease(this.options.leases, leaseName(subscriber.name), this.holder);
    // The lease is renewed when a third of it has passed (and while a page is delivered), not at every page.
    let renewAt = 0;
    while (!this.stopSignal.signal.aborted) {
      const notified = this.notifications;
      let more = false;
      try {
        if (Date.now() >= renewAt) renewAt = (await lease.acquire(this.leaseMs)) ? Date.now() + this.leaseMs / 3 : 0;
        if (renewAt > 0) more = await this.whileRenewing(lease, () => this.deliverPage(subscriber));
      } catch (error) {
        if (!(error instanceof Stopped)) this.options.logger.error({ err: error, subscriber: subscriber.name }, 'event delivery failed; retrying');
      }
      if (!more && this.notifications === notified) await this.pause();
    }
    await lease.release().catch(() => undefined);
  }

  /** Delivers the events of the next page of the feed; false when there was nothing after the checkpoint. */
  private async deliverPage(subscriber: EventSubscriber): Promise<boolean> {
    const checkpoint = await this.store.checkpoint(subscriber.name);
    const page = await this.options.statements.readFeed(checkpoint.position, this.pageSize);
    if (page.through <= checkpoint.position) return false;
    await this.deliver(subscriber, await this.events(page.records));
    if (!(await this.store.advance(subscriber.name, checkpoint, page.through))) {
      this.options.logger.warn({ subscriber: subscriber.name }, 'the event checkpoint moved meanwhile (a rebuild, or a lost lease); reading it again');
    }
    return true;
  }

  private events(records: Parameters<typeof feedEvents>[0]): Promise<FeedEvent[]> {
    return feedEvents(records, (id) => this.options.statements.getById(id));
  }

  private async deliver(subscriber: EventSubscriber, events: FeedEvent[]): Promise<void> {
    if (events.length === 0) return;
    try {
      await subscriber.onEvents(events);
      return;
    } catch (error) {
      if (events.length === 1) return this.deliverOne(subscriber, events[0]!, 1, error);
      this.options.logger.warn({ err: error, subscriber: subscriber.name }, 'a page of events failed; delivering its events one at a time');
    }
    for (const event of events) await this.deliverOne(subscriber, event, 0, undefined);
  }

  /** Delivers one event, retrying with backoff, and parks it when every attempt failed. */
  private async deliverOne(subscriber: EventSubscriber, event: FeedEvent, failedAttempts: number, lastError: unknown): Promise<void> {
    let attempts = failedAttempts;
    let delay = this.retry.firstDelayMs;
    let error = lastError;
    while (attempts <= this.retry.retries) {
      if (attempts > 0) {
        await this.sleepUnlessStopped(delay);
        delay = Math.min(delay * 2, this.retry.maxDelayMs);
      }
      attempts++;
      try {
        await subscriber.onEvents([event]);
        return;
      } catch (failure) {
        error = failure;
      }
    }
    const parked = await this.store.park(subscriber.name, event, error, attempts);
    this.options.logger.warn(
      { subscriber: subscriber.name, parkedId: parked.id, position: event.position, type: event.type, attempts, reason: parked.reason },
      'an event failed every attempt and was parked',
    );
  }

  /** Renews the lease every third of its duration while `work` runs. */
  private async whileRenewing<T>(lease: Lease, work: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => {
      lease
        .acquire(this.leaseMs)
        .then((held) => {
          if (!held) this.options.logger.error({ lease: lease.name }, 'event delivery lost its lease while delivering (another instance may deliver too)');
        })
        .catch((error: unknown) => this.options.logger.warn({ err: error, lease: lease.name }, 'could not renew the event delivery lease; retrying'));
    }, Math.max(1, Math.floor(this.leaseMs / 3)));
    timer.unref();
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  /** Waits for the poll interval, a notify() or stop() (which notifies). */
  private pause(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.pollIntervalMs);
      this.wakers.add(done);
    });
  }

  private async sleepUnlessStopped(ms: number): Promise<void> {
    try {
      await sleep(ms, undefined, { signal: this.stopSignal.signal });
    } catch {
      throw new Stopped();
    }
  }
}

function leaseName(subscriber: string): string {
  return `events/${subscriber}`;
}
