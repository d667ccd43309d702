import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { TEST_ENGINES, openTestBackend, type TestBackend } from '../../../test-support/backends';
import { countingSubscriber } from '../../../test-support/counting-subscriber';
import type { FeedEvent } from '../../plugin-api';
import type { StorageBackend } from '../../storage/backend';
import { recordOf } from '../../xapi/statements/statement-storage.contract';
import type { NewStatementRecord } from '../../xapi/statements/statement-storage';
import { EventDelivery, SubscriberBusyError, type EventDeliveryOptions, type EventSubscriber } from './delivery';

jest.setTimeout(60_000);

const logger = pino({ level: 'silent' });
const FAST_RETRY = { firstDelayMs: 5, maxDelayMs: 20, retries: 2 };

describe.each(TEST_ENGINES)('event delivery on %s', (engine) => {
  let test: TestBackend;
  let storage: StorageBackend;
  const started: EventDelivery[] = [];

  beforeEach(async () => {
    test = await openTestBackend(engine);
    storage = test.backend;
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((delivery) => delivery.stop()));
    await test.dispose();
  });

  async function open(subscribers: EventSubscriber[], options: Partial<EventDeliveryOptions> = {}): Promise<EventDelivery> {
    const delivery = await EventDelivery.open({
      statements: storage.statements,
      collections: storage.collections,
      leases: storage.leases,
      subscribers,
      logger,
      pollIntervalMs: 20,
      pageSize: 4,
      leaseMs: 600,
      retry: FAST_RETRY,
      ...options,
    });
    started.push(delivery);
    return delivery;
  }

  async function start(subscribers: EventSubscriber[], options: Partial<EventDeliveryOptions> = {}): Promise<EventDelivery> {
    const delivery = await open(subscribers, options);
    delivery.start();
    return delivery;
  }

  async function store(...batches: NewStatementRecord[][]): Promise<void> {
    for (const batch of batches) await storage.statements.storeBatch(batch);
  }

  /** Resolves once every subscriber of `delivery` has caught up with the feed's head. */
  async function caughtUp(delivery: EventDelivery, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const statuses = await delivery.status();
      if (statuses.every((status) => status.lag === 0)) return;
      if (Date.now() > deadline) throw new Error(`delivery did not catch up: ${JSON.stringify(statuses)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** A subscriber recording every event it is handed, failing while `fails(event)` says so. */
  function recorder(name: string, fails: (event: FeedEvent) => boolean = () => false) {
    const events: FeedEvent[] = [];
    const calls: FeedEvent[][] = [];
    const subscriber: EventSubscriber = {
      name,
      async onEvents(batch) {
        calls.push(batch);
        const failing = batch.find(fails);
        if (failing) throw new Error(`cannot handle ${failing.type} at ${failing.position}`);
        events.push(...batch);
      },
    };
    return { subscriber, events, calls };
  }

  const storedIds = (events: FeedEvent[]) => events.flatMap((event) => (event.type === 'stored' ? [event.statement.id] : []));

  it('delivers every stored statement in feed order, in pages, and a subscriber added later backfills from the start', async () => {
    const records = Array.from({ length: 10 }, () => recordOf());
    await store(records.slice(0, 3), records.slice(3, 4), records.slice(4));
    const early = recorder('early');
    const delivery = await start([early.subscriber]);
    await caughtUp(delivery);
    const expected = (await storage.statements.readFeed(undefined, 100)).records.map((record) => record.id);
    expect(storedIds(early.events)).toEqual(expected);
    expect(early.calls.every((call) => call.length <= 4)).toBe(true);
    const stored = early.events[0] as Extract<FeedEvent, { type: 'stored' }>;
    expect(stored.statement).toMatchObject({ id: expected[0], voided: false, credentialKey: 'key', position: stored.position });
    expect(stored.statement.statement.id).toBe(expected[0]);

    const later = recorder('later');
    const second = await start([later.subscriber]);
    await caughtUp(second);
    expect(storedIds(later.events)).toEqual(expected);
    const head = await storage.statements.feedHead();
    expect(await second.status()).toEqual([{ name: 'later', checkpoint: head, head, lag: 0, parked: 0 }]);
  });

  it('wakes up at once when notified of stored statements, without waiting for the next poll', async () => {
    const { subscriber, events } = recorder('prompt');
    const delivery = await start([subscriber], { pollIntervalMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const record = recordOf();
    await store([record]);
    const notified = Date.now();
    delivery.notify();
    while (events.length === 0 && Date.now() - notified < 5_000) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(storedIds(events)).toEqual([record.id]);
    expect(Date.now() - notified).toBeLessThan(1_000);
  });

  it('delivers voiding as a voided event, never a stored event of a statement already voided, and counts it nowhere', async () => {
    const [kept, voidedEarly, voidedLate, voidingVoider] = [recordOf(), recordOf(), recordOf(), recordOf()];
    const voidEarly = recordOf({ targetId: voidedEarly.id, voidsId: voidedEarly.id });
    await store([kept, voidedEarly], [voidEarly]);
    const counting = await countingSubscriber(storage.collections);
    const { subscriber, events } = recorder('watcher');
    const delivery = await start([subscriber, counting]);
    await caughtUp(delivery);
    const feed = (await storage.statements.readFeed(undefined, 10)).records;
    expect(storedIds(events)).toEqual(feed.filter((record) => record.id !== voidedEarly.id).map((record) => record.id));
    expect(events.filter((event) => event.type === 'voided')).toEqual([
      { type: 'voided', position: feed.at(-1)!.position, statementId: voidedEarly.id, voidedBy: voidEarly.id },
    ]);

    // Voided after its stored event was delivered; and a voiding statement whose target is a voiding statement voids nothing.
    const voidLate = recordOf({ targetId: voidedLate.id, voidsId: voidedLate.id });
    await store([voidedLate, voidingVoider]);
    await caughtUp(delivery);
    const voidVoider = recordOf({ targetId: voidEarly.id, voidsId: voidEarly.id });
    await store([voidLate], [voidVoider]);
    delivery.notify();
    await caughtUp(delivery);
    expect(storedIds(events)).toContain(voidedLate.id);
    expect(events.filter((event) => event.type === 'voided').map((event) => event.type === 'voided' && event.statementId)).toEqual([
      voidedEarly.id,
      voidedLate.id,
    ]);
    // kept, voidEarly, voidingVoider, voidLate, voidVoider: the non-voided statements.
    expect(await counting.count()).toBe(5);
    expect((await counting.projection()).map((entry) => entry.id).sort()).toEqual([kept.id, voidEarly.id, voidingVoider.id, voidLate.id, voidVoider.id].sort());
  });

  it('isolates a failing event, retries it, parks it with its reason and moves on; a replay redelivers it', async () => {
    const records = Array.from({ length: 6 }, () => recordOf());
    const poison = records[2]!.id;
    let healed = false;
    const { subscriber, events, calls } = recorder('fragile', (event) => !healed && event.type === 'stored' && event.statement.id === poison);
    await store(records);
    const delivery = await start([subscriber]);
    await caughtUp(delivery);

    expect(storedIds(events).sort()).toEqual(records.map((r) => r.id).filter((id) => id !== poison).sort());
    const poisonCalls = calls.filter((call) => call.length === 1 && call[0]!.type === 'stored' && call[0]!.statement.id === poison);
    expect(poisonCalls).toHaveLength(1 + FAST_RETRY.retries);
    const [status] = await delivery.status();
    expect(status).toMatchObject({ name: 'fragile', lag: 0, parked: 1 });
    const parked = await delivery.listParked('fragile', 10);
    expect(parked).toEqual([
      expect.objectContaining({ subscriber: 'fragile', type: 'stored', statementId: poison, attempts: 1 + FAST_RETRY.retries }),
    ]);
    expect(parked[0]!.reason).toMatch(/^Error: cannot handle stored at \d+$/);

    const failedAgain = await delivery.replay(parked[0]!.id);
    expect(failedAgain).toEqual({ delivered: false, parked: expect.objectContaining({ id: parked[0]!.id, attempts: 2 + FAST_RETRY.retries }) });
    healed = true;
    expect(await delivery.replay(parked[0]!.id)).toEqual({ delivered: true });
    expect(storedIds(events)).toContain(poison);
    expect(await delivery.listParked(undefined, 10)).toEqual([]);
    expect(await delivery.replay(parked[0]!.id)).toBeUndefined();
  });

  it('does not park an event that succeeds on a retry', async () => {
    let failures = 2;
    const { subscriber, events } = recorder('flaky', () => failures-- > 0);
    await store([recordOf()]);
    const delivery = await start([subscriber]);
    await caughtUp(delivery);
    expect(events).toHaveLength(1);
    expect((await delivery.status())[0]!.parked).toBe(0);
  });

  it('lets one instance at a time deliver a subscriber’s events; another takes over when it stops', async () => {
    const deliveredBy: string[] = [];
    const as = (instance: string): EventSubscriber => ({
      name: 'shared',
      onEvents: async (batch) => {
        deliveredBy.push(...batch.map(() => instance));
      },
    });
    const first = await start([as('first')]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await start([as('second')]);
    await store([recordOf(), recordOf()]);
    await caughtUp(first);
    expect(deliveredBy).toEqual(['first', 'first']);

    await first.stop();
    await store([recordOf()]);
    await caughtUp(second);
    expect(deliveredBy).toEqual(['first', 'first', 'second']);
  });

  it('stops in the middle of a retry without parking the event or moving the checkpoint', async () => {
    const { subscriber } = recorder('stuck', () => true);
    await store([recordOf()]);
    const delivery = await start([subscriber], { retry: { firstDelayMs: 10_000, maxDelayMs: 10_000, retries: 5 } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stopping = Date.now();
    await delivery.stop();
    expect(Date.now() - stopping).toBeLessThan(1_000);
    expect((await delivery.status())[0]).toMatchObject({ checkpoint: 0, parked: 0 });
  });

  it('does not let a handler that never returns hold up stop() beyond its timeout', async () => {
    const hung: EventSubscriber = { name: 'hung', onEvents: () => new Promise(() => undefined) };
    await store([recordOf()]);
    const delivery = await start([hung], { stopTimeoutMs: 200 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stopping = Date.now();
    await delivery.stop();
    expect(Date.now() - stopping).toBeLessThan(1_000);
    expect((await delivery.status())[0]!.checkpoint).toBe(0);
  });

  it('rebuilds a projection from the whole feed equal to the one built incrementally', async () => {
    const counting = await countingSubscriber(storage.collections);
    const delivery = await start([counting]);
    const records = Array.from({ length: 9 }, () => recordOf());
    await store(records.slice(0, 5), records.slice(5), [recordOf({ targetId: records[1]!.id, voidsId: records[1]!.id })]);
    delivery.notify();
    await caughtUp(delivery);
    const incremental = await counting.projection();
    expect(incremental).toHaveLength(9); // 9 stored, 1 voided, plus the voiding statement

    await expect(delivery.rebuild('counting')).rejects.toBeInstanceOf(SubscriberBusyError);
    await delivery.stop();
    const rebuilder = await open([counting]);
    const status = await rebuilder.rebuild('counting');
    expect(status).toMatchObject({ name: 'counting', lag: 0, parked: 0 });
    expect(await counting.projection()).toEqual(incremental);
    await expect(rebuilder.rebuild('nobody')).rejects.toThrow('No plugin receiving events is named "nobody"');
  });

  it('refuses two subscribers with one name', async () => {
    const { subscriber } = recorder(`twin-${randomUUID().slice(0, 4)}`);
    await expect(open([subscriber, subscriber])).rejects.toThrow(/Two event subscribers are named/);
  });
});
