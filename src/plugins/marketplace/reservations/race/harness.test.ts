/**
 * The race tests' own tools (pure): the overlap checker, the reduction of recorded statements to
 * the reservations holding time, the attempts plan and the concurrent clients. If these were
 * wrong, the race tests could pass over overlapping reservations.
 */
import { SLOT_MS } from '../../model';
import { ACTIVITY_TYPE, EXTENSION, VERB } from '../../vocabulary';
import { planEndMs, raceAttempts, seededRandom, targetCoreMs, type RacePlan } from './attempts.contract';
import { holdersBySlot, liveBookingsOfSteps, overlapsOf, slotKey, type Booking, type RecordedStep } from './bookings.contract';
import { asClients } from './client-pool.contract';

const T0 = Date.parse('2027-01-04T09:00:00Z');
const at = (slots: number) => T0 + slots * SLOT_MS;
const booking = (reservationId: string, startSlot: number, endSlot: number, spaceId = 'room-a'): Booking => ({ reservationId, spaceId, startMs: at(startSlot), endMs: at(endSlot) });

describe('overlapsOf (the issue: held and confirmed reservations of one space never overlap)', () => {
  it('finds no overlap among disjoint or touching intervals (half-open: one may end where the next starts)', () => {
    expect(overlapsOf([booking('a', 0, 2), booking('b', 2, 4), booking('c', 6, 7)])).toEqual([]);
  });

  it('finds a partial overlap, a containment and an identical interval, each pair once', () => {
    const [a, b, c, d] = [booking('a', 0, 4), booking('b', 3, 5), booking('c', 1, 2), booking('d', 0, 4)];
    const pairs = overlapsOf([b, c, a, d]).map(([one, other]) => [one.reservationId, other.reservationId].sort().join('+'));
    expect(pairs.sort()).toEqual(['a+b', 'a+c', 'a+d', 'b+d', 'c+d']);
  });

  it('finds an overlap with an earlier long booking after several short ones that ended', () => {
    const pairs = overlapsOf([booking('long', 0, 10), booking('s1', 1, 2), booking('s2', 2, 3), booking('late', 9, 11), booking('after', 11, 12)]);
    expect(pairs.map(([one, other]) => `${one.reservationId}+${other.reservationId}`)).toEqual(['long+s1', 'long+s2', 'long+late']);
  });

  it('never pairs bookings of different spaces', () => {
    expect(overlapsOf([booking('a', 0, 4, 'room-a'), booking('b', 0, 4, 'room-b')])).toEqual([]);
  });
});

describe('holdersBySlot', () => {
  it('lists the reservations holding each 15-minute slot of each space', () => {
    const holders = holdersBySlot([booking('a', 0, 2), booking('b', 1, 3), booking('c', 1, 2, 'room-b')]);
    expect(Object.fromEntries(holders)).toEqual({
      [slotKey('room-a', at(0))]: ['a'],
      [slotKey('room-a', at(1))]: ['a', 'b'],
      [slotKey('room-a', at(2))]: ['b'],
      [slotKey('room-b', at(1))]: ['c'],
    });
  });
});

describe('liveBookingsOfSteps (what the recorded statements say holds time)', () => {
  const spaceIri = (spaceId: string) => `http://lrs.test/plugins/marketplace/spaces/${spaceId}`;
  const spaceIdOf = (iri: string) => iri.split('/').pop();
  let sequence = 0;
  const step = (registration: string, verb: string, slot?: [number, number], spaceId = 'room-a'): RecordedStep => ({
    id: `statement-${++sequence}`,
    verb: { id: verb },
    object: { definition: { type: ACTIVITY_TYPE.reservation } },
    timestamp: new Date(T0 - 86_400_000 + sequence * 1000).toISOString(),
    context: {
      registration,
      contextActivities: { parent: [{ id: spaceIri(spaceId) }] },
      extensions: slot ? { [EXTENSION.slot]: { start: new Date(at(slot[0])).toISOString(), end: new Date(at(slot[1])).toISOString() } } : {},
    },
  });

  it('takes the held slot, then the latest modified slot; confirming keeps it', () => {
    const steps = [step('r1', VERB.held, [0, 2]), step('r1', VERB.confirmed), step('r2', VERB.held, [4, 5], 'room-b'), step('r1', VERB.updated, [2, 4])];
    expect(liveBookingsOfSteps(steps, spaceIdOf)).toEqual([booking('r1', 2, 4), booking('r2', 4, 5, 'room-b')]);
  });

  it('orders by timestamp, not by the order statements are read in', () => {
    const held = step('r1', VERB.held, [0, 2]);
    const modified = step('r1', VERB.updated, [6, 8]);
    expect(liveBookingsOfSteps([modified, held], spaceIdOf)).toEqual([booking('r1', 6, 8)]);
  });

  it.each([VERB.cancelled, VERB.rejected, VERB.holdExpired])('drops a reservation ended by %s', (ending) => {
    expect(liveBookingsOfSteps([step('r1', VERB.held, [0, 2]), step('r1', ending)], spaceIdOf)).toEqual([]);
  });

  it('ignores statements about no reservation (a space updated: the same verb, even with a registration)', () => {
    const spaceUpdated = { ...step('r1', VERB.updated), object: { definition: { type: ACTIVITY_TYPE.space } } };
    expect(liveBookingsOfSteps([step('r1', VERB.held, [0, 2]), spaceUpdated], spaceIdOf)).toEqual([booking('r1', 0, 2)]);
  });

  it('refuses a held statement without a slot or a space of this LRS rather than reading it as nothing', () => {
    expect(() => liveBookingsOfSteps([step('r1', VERB.held)], spaceIdOf)).toThrow(/has no slot extension/);
    expect(() => liveBookingsOfSteps([step('r1', VERB.held, [0, 1])], () => undefined)).toThrow(`parent "${spaceIri('room-a')}" is no space of this LRS`);
  });
});

describe('raceAttempts', () => {
  const plan: RacePlan = { spaceIds: ['room-a', 'room-b', 'room-c'], targets: 30, perTarget: 40, clients: 64, firstSlotMs: at(0), seed: 7 };
  const attempts = raceAttempts(plan);

  it('makes targets × perTarget attempts with distinct ids, shared round-robin by the clients', () => {
    expect(attempts).toHaveLength(1200);
    expect(new Set(attempts.map((attempt) => attempt.id)).size).toBe(1200);
    expect(new Set(attempts.map((attempt) => attempt.client)).size).toBe(64);
    expect(attempts.every((attempt, index) => attempt.client === index % 64)).toBe(true);
  });

  it('every attempt at a target contains its core slot, on slot boundaries, and the variations differ', () => {
    for (const attempt of attempts) {
      const coreMs = targetCoreMs(plan, attempt.target);
      expect(attempt.startMs <= coreMs && attempt.endMs >= coreMs + SLOT_MS).toBe(true);
      expect([attempt.startMs % SLOT_MS, attempt.endMs % SLOT_MS]).toEqual([at(0) % SLOT_MS, at(0) % SLOT_MS]);
    }
    expect(new Set(attempts.filter((attempt) => attempt.target === 0).map((attempt) => `${attempt.startMs}-${attempt.endMs}`)).size).toBe(4);
  });

  it('attempts at different targets never overlap, so each target is decided alone; all lie before planEndMs', () => {
    const oneOfEachShape = attempts.map((attempt) => ({ reservationId: attempt.id, spaceId: attempt.spaceId, startMs: attempt.startMs, endMs: attempt.endMs }));
    const crossTarget = overlapsOf(oneOfEachShape).filter(([one, other]) => attemptOf(one).target !== attemptOf(other).target);
    expect(crossTarget).toEqual([]);
    expect(Math.max(...attempts.map((attempt) => attempt.endMs))).toBe(planEndMs(plan));
    expect(Math.min(...attempts.map((attempt) => attempt.startMs))).toBe(plan.firstSlotMs);
  });

  function attemptOf(one: Booking) {
    return attempts.find((attempt) => attempt.id === one.reservationId)!;
  }

  it('replays the same shapes from the same seed', () => {
    const shapes = (seed: number) => raceAttempts({ ...plan, seed }).map((attempt) => [attempt.startMs, attempt.endMs]);
    expect(shapes(7)).toEqual(shapes(7));
    expect(shapes(7)).not.toEqual(shapes(8));
    expect(seededRandom(1)()).toBeGreaterThanOrEqual(0);
  });
});

describe('asClients', () => {
  it('runs one loop per client at once, each sending its own items in order', async () => {
    let inFlight = 0;
    let most = 0;
    const sent: Array<[number, number]> = [];
    const items = Array.from({ length: 40 }, (_, index) => ({ client: index % 8, index }));
    await asClients(items, 8, async (item) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 2));
      sent.push([item.client, item.index]);
      inFlight -= 1;
    });
    expect(most).toBe(8);
    for (let client = 0; client < 8; client++) {
      expect(sent.filter(([of]) => of === client).map(([, index]) => index)).toEqual([client, client + 8, client + 16, client + 24, client + 32]);
    }
  });

  it('rejects with the first failure once every client stopped', async () => {
    const finished: number[] = [];
    const run = asClients([{ client: 0 }, { client: 1 }], 2, async (item) => {
      if (item.client === 0) throw new Error('refused');
      await new Promise((resolve) => setTimeout(resolve, 20));
      finished.push(item.client);
    });
    await expect(run).rejects.toThrow('refused');
    expect(finished).toEqual([1]);
  });

  it('refuses an item for a client that does not exist', async () => {
    await expect(asClients([{ client: 3 }], 2, async () => undefined)).rejects.toThrow('item for client 3, but there are 2 clients');
  });
});
