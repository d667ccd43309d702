/**
 * GET /plugins/marketplace/spaces/:id/timeslots over HTTP on the whole LRS, on both engines (issue 13,
 * "Availability", a stable route): the free time of a space = its weekly plan in its IANA zone
 * (correct across daylight-saving changes), its exceptions, minus held and booked time; nothing
 * before now; bad parameters → 400 naming them.
 */
import { DateTime } from 'luxon';
import request from 'supertest';
import { TEST_ENGINES } from '../../../../test-support/backends';
import type { MarketplaceParty, MarketplaceTestLrs } from '../../../../test-support/marketplace';
import type { StorageEngine } from '../../../storage/backend';
import type { AvailabilityPlan } from '../model';
import { startWired } from '../pages/wired.contract';

const MADRID = 'Europe/Madrid';
/** Afternoons on Mondays and Tuesdays in Madrid, closed on Tuesday 30 March 2027. */
const AFTERNOONS: AvailabilityPlan = {
  timeZone: MADRID,
  weekly: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU', start: '16:00', durationMinutes: 300 }],
  exceptions: [{ from: '2027-03-30T00:00:00+02:00', to: '2027-03-31T00:00:00+02:00', kind: 'closed' }],
};

async function startOn(engine: StorageEngine): Promise<MarketplaceTestLrs> {
  const before = process.env.KEIKO_TEST_ENGINE;
  process.env.KEIKO_TEST_ENGINE = engine;
  try {
    return await startWired(); // until index.ts wires the plugin: then MarketplaceTestLrs.start()
  } finally {
    process.env.KEIKO_TEST_ENGINE = before;
  }
}

/** The next Monday 16:00 in Madrid at least `weeksAhead` weeks from now, as RFC 3339 with its offset. */
function mondayAfternoon(weeksAhead: number): DateTime {
  const monday = DateTime.now().setZone(MADRID).plus({ weeks: weeksAhead }).startOf('week');
  return monday.set({ hour: 16 });
}

describe.each(TEST_ENGINES)('GET /plugins/marketplace/spaces/:id/timeslots on %s', (engine) => {
  let lrs: MarketplaceTestLrs;
  let booker: MarketplaceParty;
  let spaceId: string;

  beforeAll(async () => {
    lrs = await startOn(engine);
    booker = await lrs.booker();
    ({ id: spaceId } = await lrs.registerSpace());
    await lrs.publishAvailability(spaceId, AFTERNOONS);
    await lrs.verifySpace(spaceId);
  });
  afterAll(() => lrs.close());

  function timeslots(query: Record<string, string>, party: MarketplaceParty = booker, id = spaceId) {
    return lrs.call(party, 'get', `/spaces/${id}/timeslots?${new URLSearchParams(query)}`);
  }

  test('free time in the space zone, 16:00 local on both sides of the change to summer time (Madrid, 28 March 2027), the closed exception removed', async () => {
    const response = await timeslots({ from: '2027-03-22T00:00:00+01:00', to: '2027-04-01T00:00:00+02:00' });
    expect([response.status, response.body]).toEqual([
      200,
      {
        spaceId,
        timeZone: MADRID,
        from: '2027-03-22T00:00:00+01:00',
        to: '2027-04-01T00:00:00+02:00',
        slots: [
          { start: '2027-03-22T16:00:00+01:00', end: '2027-03-22T21:00:00+01:00' },
          { start: '2027-03-23T16:00:00+01:00', end: '2027-03-23T21:00:00+01:00' },
          { start: '2027-03-29T16:00:00+02:00', end: '2027-03-29T21:00:00+02:00' },
        ],
      },
    ]);
  });

  test('held time is not free: a hold cuts its slots out of the answer, and cancelling it gives them back', async () => {
    const start = mondayAfternoon(3).plus({ hours: 1 });
    const hold = await lrs.call(booker, 'post', '/reservations', { spaceId, start: start.toISO({ suppressMilliseconds: true }), end: start.plus({ minutes: 90 }).toISO({ suppressMilliseconds: true }), participants: 2 });
    expect([hold.status, hold.body.state]).toEqual([201, 'held']);
    const day = start.startOf('day');
    const response = await timeslots({ from: day.toISO()!, to: day.plus({ days: 1 }).toISO()! });
    const local = (time: DateTime) => time.toISO({ suppressMilliseconds: true });
    expect(response.body.slots).toEqual([
      { start: local(start.minus({ hours: 1 })), end: local(start) },
      { start: local(start.plus({ minutes: 90 })), end: local(start.set({ hour: 21 })) },
    ]);
    const cancel = await lrs.call(booker, 'post', `/reservations/${hold.body.id}/cancel`, {});
    expect([cancel.status, cancel.body.state]).toEqual([200, 'cancelled']);
    const freed = await timeslots({ from: day.toISO()!, to: day.plus({ days: 1 }).toISO()! });
    expect(freed.body.slots).toEqual([{ start: local(start.minus({ hours: 1 })), end: local(start.set({ hour: 21 })) }]);
  });

  test('nothing before now: a window begun already starts at the next 15-minute boundary; from defaults to now and to to 7 days later', async () => {
    const { id } = await lrs.registerSpace();
    await lrs.publishAvailability(id); // open around the clock
    const before = Date.now();
    const response = await timeslots({}, booker, id);
    const after = Date.now();
    const quarter = 15 * 60_000;
    const first = Date.parse(response.body.slots[0].start);
    expect(first).toBeGreaterThanOrEqual(Math.ceil(before / quarter) * quarter);
    expect(first).toBeLessThanOrEqual(Math.ceil(after / quarter) * quarter);
    expect(Date.parse(response.body.to) - Date.parse(response.body.from)).toBe(7 * 86_400_000);
    expect(response.body.slots).toHaveLength(1);
    const past = await timeslots({ from: '2020-01-01T00:00:00Z', to: '2020-01-02T00:00:00Z' }, booker, id);
    expect([past.status, past.body.slots]).toEqual([200, []]);
  });

  test('a space without a plan has no free time; a signed-in person may ask too', async () => {
    const { id } = await lrs.registerSpace({ timeZone: 'Asia/Kathmandu' });
    const response = await timeslots({ from: '2027-01-04T00:00:00+05:45', to: '2027-01-05T00:00:00+05:45' }, await lrs.person(), id);
    expect([response.status, response.body]).toEqual([
      200,
      { spaceId: id, timeZone: 'Asia/Kathmandu', from: '2027-01-04T00:00:00+05:45', to: '2027-01-05T00:00:00+05:45', slots: [] },
    ]);
  });

  test('an offset whose + came unencoded (a space) is read as +', async () => {
    const response = await lrs.call(booker, 'get', `/spaces/${spaceId}/timeslots?from=2027-03-29T00:00:00+02:00&to=2027-03-30T00:00:00+02:00`);
    expect([response.status, response.body.slots]).toEqual([200, [{ start: '2027-03-29T16:00:00+02:00', end: '2027-03-29T21:00:00+02:00' }]]);
  });

  test.each([
    ['from without an offset', { from: '2027-03-22T00:00:00', to: '2027-03-23T00:00:00Z' }, 'INVALID_PARAMETER', 'from must be an RFC 3339 date-time with its offset'],
    ['a date for to', { from: '2027-03-22T00:00:00Z', to: '2027-03-23' }, 'INVALID_PARAMETER', 'to must be an RFC 3339 date-time'],
    ['a day that does not exist', { from: '2027-02-29T00:00:00Z', to: '2027-03-23T00:00:00Z' }, 'INVALID_PARAMETER', 'from must be'],
    ['to before from', { from: '2027-03-23T00:00:00Z', to: '2027-03-22T00:00:00Z' }, 'INVALID_PARAMETER', 'must be after from'],
    ['to equal to from', { from: '2027-03-23T00:00:00Z', to: '2027-03-23T01:00:00+01:00' }, 'INVALID_PARAMETER', 'must be after from'],
    ['a window over 93 days', { from: '2027-01-01T00:00:00Z', to: '2027-04-04T00:00:01Z' }, 'INVALID_PARAMETER', 'at most 93 days apart'],
    ['another parameter', { from: '2027-03-22T00:00:00Z', until: '2027-03-23T00:00:00Z' }, 'UNKNOWN_PARAMETER', 'until'],
  ])('400 for %s, naming it', async (_, query, code, message) => {
    const response = await timeslots(query);
    expect([response.status, response.body.code]).toEqual([400, code]);
    expect(response.body.message).toContain(message);
  });

  test('400 for from given twice or an id that is no UUID; 404 SPACE_NOT_FOUND for a space that does not exist', async () => {
    const twice = await lrs.call(booker, 'get', `/spaces/${spaceId}/timeslots?from=2027-03-22T00:00:00Z&from=2027-03-23T00:00:00Z`);
    expect([twice.status, twice.body.code]).toEqual([400, 'INVALID_PARAMETER']);
    const notUuid = await timeslots({}, booker, 'room-2');
    expect([notUuid.status, notUuid.body.code]).toEqual([400, 'INVALID_PARAMETER']);
    const missing = await timeslots({}, booker, '00000000-0000-4000-8000-000000000000');
    expect([missing.status, missing.body.code]).toEqual([404, 'SPACE_NOT_FOUND']);
  });

  test('401 without credentials; 403 for a credential without plugins/marketplace/book', async () => {
    const anonymous = await request(lrs.lrs.app).get(`/plugins/marketplace/spaces/${spaceId}/timeslots`);
    expect([anonymous.status, anonymous.body.code]).toEqual([401, 'UNAUTHORIZED']);
    const statementsOnly = await request(lrs.lrs.app).get(`/plugins/marketplace/spaces/${spaceId}/timeslots`).set('Authorization', lrs.college);
    expect([statementsOnly.status, statementsOnly.body.code]).toEqual([403, 'FORBIDDEN']);
  });
});
