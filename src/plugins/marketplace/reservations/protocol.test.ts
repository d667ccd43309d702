/**
 * The claims protocol against the real collection stores of both engines (issue 13: "confirmed and
 * held reservations of one space never overlap — on both storage engines, across several LRS
 * instances on one MongoDB, and across a SIGKILL"): concurrent conflicting holds from two
 * instances, stale holds taken over, and an instance dying at every single write of a booking.
 * Spaces come from a fixed SpaceLookup; statements are collected (the HTTP tests record them).
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { openTestBackend, TEST_ENGINES, type TestBackend } from '../../../../test-support/backends';
import { dropTestDatabase, testDatabase } from '../../../../test-support/database';
import { readOnlyStatements } from '../../../../test-support/plugin-statements';
import type { Collection, PluginStatements } from '../../../plugin-api';
import type { StorageEngine } from '../../../storage/backend';
import { MongoBackend } from '../../../storage/mongo-backend';
import { SLOT_MS, type Party, type Space, type SpaceLookup } from '../model';
import { VERB } from '../vocabulary';
import { HttpError } from '../../../plugin-api';
import { claimId, slotsOf, type StoredClaim, type StoredReservation } from './records';
import { Reservations } from './reservations';
import { RESERVATION_STORES } from './stores';

type Store = (name: string) => Collection<any>;

const HOLD_MS = 10 * 60_000;
const HOUR_MS = 3_600_000;
/** A fixed "now" on the slot grid; bookings are a day later. */
const T0 = Math.ceil(Date.parse('2030-01-07T08:00:00Z') / SLOT_MS) * SLOT_MS;
const DAY_MS = 24 * HOUR_MS;
const DAY_AHEAD = T0 + DAY_MS;

function space(id = randomUUID()): Space {
  return {
    id,
    iri: `http://lrs.test/plugins/marketplace/spaces/${id}`,
    owner: { objectType: 'Agent', account: { homePage: 'http://lrs.test', name: 'owner' } },
    ownerKey: 'account:http://lrs.test|owner',
    name: { en: 'Room 2' },
    address: { street: 'Calle de la Luna 14', locality: 'Madrid', country: 'ES', latitude: 40.4, longitude: -3.7 },
    capacity: 12,
    amenities: [],
    claimedCertifications: [],
    claimedAccessibilityFeatures: [],
    hourlyRate: { amountMinor: 1250, currency: 'EUR' },
    timeZone: 'Europe/Madrid',
    availability: { timeZone: 'Europe/Madrid', weekly: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU', start: '00:00', durationMinutes: 1440 }] },
    verification: { certifications: ['child-safeguarding'], accessibilityFeatures: [], childSafe: true, validUntilMs: T0 + 400 * 24 * HOUR_MS, verifier: 'v', statementId: randomUUID() },
    registeredMs: T0,
    updatedMs: T0,
  };
}

function booker(name = `booker-${randomUUID()}`): Party {
  return { agent: { objectType: 'Agent', name, account: { homePage: 'http://school.test', name } }, key: `account:http://school.test|${name}` };
}

class Clock {
  constructor(public ms = T0) {}
  readonly now = () => this.ms;
}

/** Statements as recorded, by id (recording the same statement again keeps one). */
function collectedStatements(): PluginStatements & { byId: Map<string, any> } {
  const byId = new Map<string, any>();
  return {
    ...readOnlyStatements('the protocol only records'),
    byId,
    record: async (statements: any[]) => statements.map((statement) => (byId.set(statement.id, statement), statement.id)),
  };
}

interface Instances {
  /** Stores of two LRS instances: on MongoDB two connections to one database, on SQLite the one database. */
  stores: [Store, Store];
  dispose(): Promise<void>;
}

async function openInstances(engine: StorageEngine): Promise<Instances> {
  if (engine === 'sqlite') {
    const backend = await openTestBackend('sqlite');
    const store = await storeOf(backend.backend.collections);
    return { stores: [store, store], dispose: () => backend.dispose() };
  }
  const database = testDatabase();
  const open = async () => {
    const backend = await MongoBackend.open({ ...database, authorityHomePage: 'http://lrs.test/', logger: pino({ level: 'silent' }) });
    await backend.prepare();
    return backend;
  };
  const backends = [await open(), await open()];
  return {
    stores: [await storeOf(backends[0].collections), await storeOf(backends[1].collections)],
    dispose: async () => {
      await Promise.all(backends.map((backend) => backend.close()));
      await dropTestDatabase(database);
    },
  };
}

async function storeOf(collections: TestBackend['backend']['collections']): Promise<Store> {
  const opened = new Map<string, Collection<any>>();
  for (const [name, declaration] of Object.entries(RESERVATION_STORES)) opened.set(name, await collections.open('marketplace', name, declaration));
  return (name) => opened.get(name)!;
}

function reservationsOn(store: Store, spaces: Space[], clock: Clock, statements = collectedStatements()): Reservations {
  const lookup: SpaceLookup = {
    space: async (id) => spaces.find((each) => each.id === id),
    spaces: async (ids) => new Map(spaces.filter((each) => ids.includes(each.id)).map((each) => [each.id, each])),
  };
  return new Reservations({ store, statements, spaces: lookup, publicUrl: 'http://lrs.test', holdMs: HOLD_MS, now: clock.now });
}

const iso = (ms: number) => new Date(ms).toISOString();
const holdInput = (spaceId: string, startMs: number, endMs: number, extra: Record<string, unknown> = {}) => ({ spaceId, start: iso(startMs), end: iso(endMs), participants: 4, ...extra });

/** The code of a refusal (an HttpError's), or 'held'. */
async function outcomeOf(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
    return 'held';
  } catch (error) {
    if (error instanceof HttpError) return error.code;
    throw error;
  }
}

/**
 * The rule, read from the database: the space's held, confirmed and attended reservations are
 * pairwise disjoint, and each owns the claim of every slot of its times.
 */
async function expectNoOverlap(store: Store, spaceId: string): Promise<StoredReservation[]> {
  const found = await (store('reservations') as Collection<StoredReservation>).find({ where: { spaceId }, limit: 1000 });
  const live = found.filter(({ value }) => ['held', 'confirmed', 'attended'].includes(value.state)).sort((one, other) => one.value.startMs - other.value.startMs);
  for (let index = 1; index < live.length; index++) expect(live[index - 1].value.endMs).toBeLessThanOrEqual(live[index].value.startMs);
  const claims = store('claims') as Collection<StoredClaim>;
  for (const { id, value } of live) {
    for (const slotMs of slotsOf(value.startMs, value.endMs)) expect((await claims.get(claimId(spaceId, slotMs)))?.value.reservationId).toBe(id);
  }
  return live.map(({ value }) => value);
}

describe.each(TEST_ENGINES)('reservation claims on %s', (engine) => {
  let instances: Instances;
  beforeAll(async () => {
    instances = await openInstances(engine);
  });
  afterAll(() => instances.dispose());

  it('lets 200 concurrent conflicting holds from two instances leave no two held reservations overlapping', async () => {
    const room = space();
    const clock = new Clock();
    const [one, two] = instances.stores.map((store) => reservationsOn(store, [room], clock));
    const attempts = Array.from({ length: 200 }, (_, index) => {
      const startMs = DAY_AHEAD + (index * 7 % 16) * SLOT_MS;
      const endMs = startMs + (1 + (index % 4)) * SLOT_MS;
      return outcomeOf((index % 2 === 0 ? one : two).hold(booker(), holdInput(room.id, startMs, endMs)));
    });
    const outcomes = await Promise.all(attempts);
    const live = await expectNoOverlap(instances.stores[0], room.id);
    expect(outcomes.filter((outcome) => outcome === 'held')).toHaveLength(live.length);
    expect(live.length).toBeGreaterThan(0);
    expect(new Set(outcomes)).toEqual(new Set(['held', 'SLOT_TAKEN']));
  }, 120_000);

  it('holds the very same times for exactly one of 200 concurrent bookers', async () => {
    const room = space();
    const clock = new Clock();
    const [one, two] = instances.stores.map((store) => reservationsOn(store, [room], clock));
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, index) => outcomeOf((index % 2 === 0 ? one : two).hold(booker(), holdInput(room.id, DAY_AHEAD, DAY_AHEAD + 6 * SLOT_MS)))),
    );
    expect(outcomes.filter((outcome) => outcome === 'held')).toHaveLength(1);
    expect(await expectNoOverlap(instances.stores[0], room.id)).toHaveLength(1);
  }, 120_000);

  it('gives a lapsed hold\'s slots to a later booker only after expiring it (hold-expired recorded, confirming it 409 HOLD_EXPIRED)', async () => {
    const room = space();
    const clock = new Clock();
    const statements = collectedStatements();
    const [first, later] = instances.stores.map((store) => reservationsOn(store, [room], clock, statements));
    const lapsing = await first.hold(booker(), holdInput(room.id, DAY_AHEAD, DAY_AHEAD + 4 * SLOT_MS));
    const other = booker();
    expect(await outcomeOf(later.hold(other, holdInput(room.id, DAY_AHEAD + SLOT_MS, DAY_AHEAD + 3 * SLOT_MS)))).toBe('SLOT_TAKEN');
    clock.ms += HOLD_MS;
    const taking = await later.hold(other, holdInput(room.id, DAY_AHEAD + SLOT_MS, DAY_AHEAD + 3 * SLOT_MS));
    expect(taking.state).toBe('held');
    expect(await first.reservation(lapsing.id)).toMatchObject({ state: 'expired', statementIds: [lapsing.statementIds[0], expect.any(String)] });
    await new Promise((resolve) => setImmediate(resolve));
    const expired = statements.byId.get((await first.reservation(lapsing.id))!.statementIds[1]);
    expect(expired).toMatchObject({ verb: { id: VERB.holdExpired }, context: { registration: lapsing.id } });
    expect(await outcomeOf(first.confirm(booker(), lapsing.id))).toBe('NOT_YOUR_RESERVATION');
    const lapsedBooker = { ...booker(), key: lapsing.bookerKey, agent: lapsing.booker };
    expect(await outcomeOf(first.confirm(lapsedBooker, lapsing.id))).toBe('HOLD_EXPIRED');
    await expectNoOverlap(instances.stores[0], room.id);
  });

  it('confirms a hold only before it expires, and the hold-expiry job expires the rest and frees their slots', async () => {
    const room = space();
    const clock = new Clock();
    const reservations = reservationsOn(instances.stores[0], [room], clock);
    const party = booker();
    const kept = await reservations.hold(party, holdInput(room.id, DAY_AHEAD, DAY_AHEAD + SLOT_MS));
    const lapsing = await reservations.hold(party, holdInput(room.id, DAY_AHEAD + SLOT_MS, DAY_AHEAD + 2 * SLOT_MS));
    clock.ms += HOLD_MS - 1;
    expect((await reservations.confirm(party, kept.id)).state).toBe('confirmed');
    clock.ms += 1;
    expect(await outcomeOf(reservations.confirm(party, lapsing.id))).toBe('HOLD_EXPIRED');
    expect(await reservations.expireHolds()).toBeGreaterThanOrEqual(1); // other tests' holds lapsed too
    expect((await reservations.reservation(lapsing.id))!.state).toBe('expired');
    expect((await reservations.reservation(kept.id))!.state).toBe('confirmed');
    const claim = await (instances.stores[0]('claims') as Collection<StoredClaim>).get(claimId(room.id, DAY_AHEAD + SLOT_MS));
    expect(claim?.value.reservationId).toBeNull();
    expect(await reservations.expireHolds()).toBe(0);
  });

  it('lets the hold-expiry job delete the claims of slots more than a day past, and only those', async () => {
    const room = space();
    const clock = new Clock();
    const reservations = reservationsOn(instances.stores[0], [room], clock);
    const party = booker();
    const early = await reservations.hold(party, holdInput(room.id, DAY_AHEAD, DAY_AHEAD + 2 * SLOT_MS));
    await reservations.confirm(party, early.id);
    const late = await reservations.hold(party, holdInput(room.id, DAY_AHEAD + 8 * SLOT_MS, DAY_AHEAD + 9 * SLOT_MS));
    await reservations.confirm(party, late.id);
    const claims = instances.stores[0]('claims') as Collection<StoredClaim>;
    clock.ms = DAY_AHEAD + DAY_MS + 2 * SLOT_MS;
    await reservations.expireHolds();
    expect(await claims.get(claimId(room.id, DAY_AHEAD))).toBeUndefined();
    expect(await claims.get(claimId(room.id, DAY_AHEAD + SLOT_MS))).toBeUndefined();
    expect((await claims.get(claimId(room.id, DAY_AHEAD + 8 * SLOT_MS)))?.value.reservationId).toBe(late.id);
    expect((await reservations.reservation(early.id))!.state).toBe('confirmed');
  });

  it('tells busy times (held before expiry, confirmed; merged, clipped to the window), a space\'s reservations and a booker\'s, newest first', async () => {
    const room = space();
    const clock = new Clock();
    const reservations = reservationsOn(instances.stores[0], [room], clock);
    const party = booker();
    const at = (slot: number, slots: number) => holdInput(room.id, DAY_AHEAD + slot * SLOT_MS, DAY_AHEAD + (slot + slots) * SLOT_MS);
    const confirmed = await reservations.hold(party, at(0, 2));
    await reservations.confirm(party, confirmed.id);
    clock.ms += 1;
    const adjacent = await reservations.hold(party, at(2, 2));
    clock.ms += 1;
    const cancelled = await reservations.hold(party, at(6, 2));
    await reservations.cancel(party, cancelled.id);
    clock.ms += 1;
    const lapsing = await reservations.hold(party, at(10, 2));
    const window = { fromMs: DAY_AHEAD + SLOT_MS, toMs: DAY_AHEAD + 12 * SLOT_MS };
    expect((await reservations.busy([room.id], window.fromMs, window.toMs)).get(room.id)).toEqual([
      { startMs: window.fromMs, endMs: DAY_AHEAD + 4 * SLOT_MS },
      { startMs: DAY_AHEAD + 10 * SLOT_MS, endMs: window.toMs },
    ]);
    clock.ms += HOLD_MS;
    expect((await reservations.busy([room.id], window.fromMs, window.toMs)).get(room.id)).toEqual([{ startMs: window.fromMs, endMs: DAY_AHEAD + 2 * SLOT_MS }]);
    expect((await reservations.ofSpace(room.id, DAY_AHEAD, DAY_AHEAD + DAY_MS)).map(({ id }) => id)).toEqual([confirmed.id, adjacent.id, cancelled.id, lapsing.id]);
    expect((await reservations.bookedBy(party.key, 3)).map(({ id }) => id)).toEqual([lapsing.id, cancelled.id, adjacent.id]);
  });

  it('refuses a hold whose instance paused past its claim deadline while another took its slot over (409 SLOT_TAKEN, never two held)', async () => {
    const room = space();
    const clock = new Clock();
    let resume = () => undefined as void;
    const paused = new Promise<void>((resolve) => (resume = resolve));
    let reachedCommit = () => undefined as void;
    const atCommit = new Promise<void>((resolve) => (reachedCommit = resolve));
    const slow = reservationsOn(pausedBeforeHeld(instances.stores[0], () => (reachedCommit(), paused)), [room], clock);
    const slowOutcome = outcomeOf(slow.hold(booker(), holdInput(room.id, DAY_AHEAD, DAY_AHEAD + 2 * SLOT_MS)));
    await atCommit;
    clock.ms += 30_000;
    const taker = reservationsOn(instances.stores[1], [room], clock);
    expect((await taker.hold(booker(), holdInput(room.id, DAY_AHEAD + SLOT_MS, DAY_AHEAD + 2 * SLOT_MS))).state).toBe('held');
    resume();
    expect(await slowOutcome).toBe('SLOT_TAKEN');
    expect(await expectNoOverlap(instances.stores[0], room.id)).toHaveLength(1);
  });

  it('records the statements of a step whose instance died before recording them: at once on a retry with the same id, else by the hold-expiry job after a minute', async () => {
    const room = space();
    const clock = new Clock();
    const recorded = collectedStatements();
    const dyingRecorder = { ...recorded, record: async () => Promise.reject(new Error('killed before recording')) };
    const dying = reservationsOn(instances.stores[0], [room], clock, dyingRecorder);
    const live = reservationsOn(instances.stores[1], [room], clock, recorded);
    const party = booker();
    const [retriedId, leftId] = [randomUUID(), randomUUID()];
    const retried = holdInput(room.id, DAY_AHEAD, DAY_AHEAD + SLOT_MS, { id: retriedId });
    const left = holdInput(room.id, DAY_AHEAD + SLOT_MS, DAY_AHEAD + 2 * SLOT_MS, { id: leftId });
    await expect(dying.hold(party, retried)).rejects.toThrow('killed before recording');
    await expect(dying.hold(party, left)).rejects.toThrow('killed before recording');
    const answer = await live.hold(party, retried);
    expect(recorded.byId.get(answer.statementIds[0])).toMatchObject({ verb: { id: VERB.held }, context: { registration: retriedId } });
    const leftView = (await live.reservation(leftId))!;
    expect(recorded.byId.has(leftView.statementIds[0])).toBe(false);
    clock.ms += 59_000;
    await live.expireHolds();
    expect(recorded.byId.has(leftView.statementIds[0])).toBe(false);
    clock.ms += 2_000;
    await live.expireHolds();
    expect(recorded.byId.get(leftView.statementIds[0])).toMatchObject({ verb: { id: VERB.held }, context: { registration: leftId } });
  });

  it('keeps the rule when an instance dies at any write of a booking: a competitor and the retry with the same id end with exactly one held', async () => {
    const clock = new Clock();
    for (let killAt = 1; killAt <= 10; killAt++) {
      for (const competitorAfterMs of [0, 31_000]) {
        const room = space();
        clock.ms = T0;
        const dying = reservationsOn(dyingAt(instances.stores[0], killAt), [room], clock);
        const id = randomUUID();
        const party = booker();
        const input = holdInput(room.id, DAY_AHEAD, DAY_AHEAD + 3 * SLOT_MS, { id });
        await dying.hold(party, input).then(() => dying.confirm(party, id)).catch((error: Error) => expect(error.message).toMatch(/^killed/));
        clock.ms += competitorAfterMs;
        const live = reservationsOn(instances.stores[1], [room], clock);
        const competitor = await outcomeOf(live.hold(booker(), holdInput(room.id, DAY_AHEAD + SLOT_MS, DAY_AHEAD + 2 * SLOT_MS)));
        const retry = await outcomeOf(live.hold(party, input));
        expect([competitor, retry].filter((outcome) => outcome === 'held')).toHaveLength(1);
        expect(await expectNoOverlap(instances.stores[0], room.id)).toHaveLength(1);
      }
    }
  }, 120_000);
});

/** The stores of an instance that stops before writing a reservation held, until `pause()` resolves (a long GC pause, a stalled host). */
function pausedBeforeHeld(store: Store, pause: () => Promise<void>): Store {
  return (name) => {
    const collection = store(name);
    if (name !== 'reservations') return collection;
    return new Proxy(collection, {
      get: (target, property) =>
        property === 'update'
          ? async (id: string, value: StoredReservation, revision: number) => {
              if (value.state === 'held') await pause();
              return target.update(id, value, revision);
            }
          : (target as any)[property].bind(target),
    });
  };
}

/** The stores of an instance that is killed at its `killAt`-th write: that write and every later one never happen. */
function dyingAt(store: Store, killAt: number): Store {
  let writes = 0;
  const dies = () => {
    writes++;
    if (writes >= killAt) throw new Error(`killed at write ${killAt}`);
  };
  return (name) => {
    const collection = store(name);
    return {
      ...collection,
      get: (id: string) => collection.get(id),
      find: (query: any) => collection.find(query),
      count: (where: any) => collection.count(where),
      insert: async (id: string, value: any) => (dies(), collection.insert(id, value)),
      put: async (id: string, value: any) => (dies(), collection.put(id, value)),
      update: async (id: string, value: any, revision: number) => (dies(), collection.update(id, value, revision)),
      delete: async (id: string) => (dies(), collection.delete(id)),
      deleteMany: async (where: any) => (dies(), collection.deleteMany(where)),
    };
  };
}
