/**
 * Ratings of a booked space on the marketplace's features wired together, over HTTP on both
 * engines (issue 13: "after use people rate the space overall and on safety, cleanliness and
 * accessibility"; "ratings only from people with an attended reservation of that space"): an owner's
 * verified space is held, confirmed, marked attended after its start (the clock moved by faking
 * Date alone), then rated; the space's view and the search ordered by rating show the averages.
 */
import { TEST_ENGINES } from '../../../../test-support/backends';
import type { MarketplaceParty, MarketplaceTestLrs, SpaceJson } from '../../../../test-support/marketplace';
import { SLOT_MS } from '../model';
import { startWired } from '../pages/wired.contract';

/** Every timer API but Date stays real (the LRS's delivery, supertest and the databases keep working). */
const REAL_TIMERS = ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] as const;
const HOUR_MS = 3_600_000;
const RATING = { overall: 4, safety: 5, cleanliness: 3, accessibility: 2, review: 'Bright; the lift was out of order.' };

describe.each(TEST_ENGINES)('rating a booked space on %s', (engine) => {
  let lrs: MarketplaceTestLrs;
  let space: SpaceJson;
  let booker: MarketplaceParty;

  beforeAll(async () => {
    jest.useFakeTimers({ doNotFake: [...REAL_TIMERS], advanceTimers: true, now: Date.now() });
    const engineBefore = process.env.KEIKO_TEST_ENGINE;
    process.env.KEIKO_TEST_ENGINE = engine;
    lrs = await startWired().finally(() => {
      process.env.KEIKO_TEST_ENGINE = engineBefore;
    });
    space = await lrs.bookableSpace();
    booker = await lrs.booker('Ana García');
  }, 60_000);
  afterAll(async () => {
    await lrs?.close();
    jest.useRealTimers();
  });

  /** A reservation of the space confirmed by the booker, starting on the slot grid `hours` from now. */
  async function confirmed(hours: number): Promise<{ id: string; startMs: number }> {
    const startMs = Math.ceil((Date.now() + hours * HOUR_MS) / SLOT_MS) * SLOT_MS;
    const hold = await lrs.call(booker, 'post', '/reservations', { spaceId: space.id, start: new Date(startMs).toISOString(), end: new Date(startMs + HOUR_MS).toISOString(), participants: 2 });
    expect([hold.status, hold.body.code]).toEqual([201, undefined]);
    expect((await lrs.call(booker, 'post', `/reservations/${hold.body.id}/confirm`, {})).body.state).toBe('confirmed');
    return { id: hold.body.id, startMs };
  }

  const rate = (reservationId: string) => lrs.call(booker, 'post', `/spaces/${space.id}/ratings`, { reservationId, ...RATING });

  it('lets the booker rate only once the owner marked the reservation attended, then shows the averages', async () => {
    const reservation = await confirmed(3);
    const early = await rate(reservation.id);
    expect([early.status, early.body.code, early.body.message]).toEqual([403, 'NOT_ATTENDED', expect.stringContaining('is confirmed')]);

    jest.setSystemTime(reservation.startMs + 10 * 60_000);
    const attended = await lrs.call(lrs.ownerOf(space.id), 'post', `/reservations/${reservation.id}/attended`, {});
    expect([attended.status, attended.body.state]).toEqual([200, 'attended']);
    const rated = await rate(reservation.id);
    expect([rated.status, rated.body]).toEqual([201, expect.objectContaining({ reservationId: reservation.id, raterName: 'Ana García', overall: 4, review: RATING.review })]);

    const summary = { count: 1, overall: 4, safety: 5, cleanliness: 3, accessibility: 2 };
    expect((await lrs.call(booker, 'get', `/spaces/${space.id}/ratings`)).body.summary).toMatchObject(summary);
    expect((await lrs.call(booker, 'get', `/spaces/${space.id}`)).body.rating).toMatchObject(summary);
    const { latitude, longitude } = space.address;
    const search = await lrs.call(booker, 'get', `/spaces?near=${latitude},${longitude}&orderBy=rating`);
    expect(search.body.results.find((result: { space: { id: string } }) => result.space.id === space.id)?.space.rating).toMatchObject(summary);
  });

  it('refuses a cancelled reservation and another booker’s attended one: 403 NOT_ATTENDED', async () => {
    const cancelled = await confirmed(30);
    expect((await lrs.call(booker, 'post', `/reservations/${cancelled.id}/cancel`, {})).body.state).toBe('cancelled');
    expect((await rate(cancelled.id)).body).toMatchObject({ code: 'NOT_ATTENDED', message: expect.stringContaining('is cancelled') });

    const other = await lrs.booker('Bea');
    const startMs = Math.ceil((Date.now() + 60 * HOUR_MS) / SLOT_MS) * SLOT_MS;
    const hold = await lrs.call(other, 'post', '/reservations', { spaceId: space.id, start: new Date(startMs).toISOString(), end: new Date(startMs + HOUR_MS).toISOString(), participants: 1 });
    await lrs.call(other, 'post', `/reservations/${hold.body.id}/confirm`, {});
    jest.setSystemTime(startMs + 60_000);
    expect((await lrs.call(lrs.ownerOf(space.id), 'post', `/reservations/${hold.body.id}/attended`, {})).body.state).toBe('attended');
    expect((await rate(hold.body.id)).body).toMatchObject({ code: 'NOT_ATTENDED', message: expect.stringContaining('is not yours') });
  });
});
