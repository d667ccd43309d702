import { DateTime } from 'luxon';
import { schoolAgent, type MarketplaceParty, type MarketplaceTestLrs } from '../../../../test-support/marketplace';
import { pageText as text, submitForm as submit } from './page-tests.contract';
import { startWired } from './wired.contract';

/**
 * After use, people rate the space (issue 13), all through the pages on the whole LRS: a booking
 * confirmed on the space page, the owner marking it attended on the hosting page once it started
 * (the clock moved by faking Date alone), the booker rating it with the space page's form, and
 * the space page then showing the averages and the review.
 */

/** Every timer API but Date stays real (the LRS's delivery, supertest and the databases keep working). */
const REAL_TIMERS = ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] as const;

describe('rating a space through its page after an attended booking', () => {
  let lrs: MarketplaceTestLrs;
  let owner: MarketplaceParty;
  let booker: MarketplaceParty;



  beforeAll(async () => {
    jest.useFakeTimers({ doNotFake: [...REAL_TIMERS], advanceTimers: true, now: Date.now() });
    lrs = await startWired();
    owner = await lrs.person(schoolAgent('Olga Dueña'));
    booker = await lrs.person(schoolAgent('Bruno Reserva'));
  }, 60_000);
  afterAll(async () => {
    await lrs?.close();
    jest.useRealTimers();
  });

  it('offers the rating form only once the owner marked the reservation attended, then shows the averages and the review', async () => {
    const space = await lrs.bookableSpace({ name: { en: 'Aula Sol' } }, owner);
    const listing = `/plugins/marketplace/listing/${space.id}`;
    // Two hours from now on the quarter hour, in the space's local time.
    const start = DateTime.now().setZone('Europe/Madrid').plus({ hours: 2 }).startOf('hour');
    const held = await submit(booker, listing, `${listing}/hold`, { start: start.toFormat("yyyy-MM-dd'T'HH:mm"), end: start.plus({ hours: 1 }).toFormat("yyyy-MM-dd'T'HH:mm"), participants: '3' });
    expect([held.status, text(held.text)]).toEqual([303, expect.any(String)]);
    const reservationPath = held.headers.location as string;
    const reservationId = reservationPath.split('/').pop()!;
    expect((await submit(booker, reservationPath, `${reservationPath}/confirm`, {})).status).toBe(303);
    expect((await booker.browser!.get(listing).expect(200)).text).not.toContain('name="reservationId"');

    jest.setSystemTime(start.plus({ minutes: 10 }).toMillis());
    const attended = await submit(owner, '/plugins/marketplace/hosting', `/plugins/marketplace/hosting/reservations/${reservationId}/attended`, {});
    expect([attended.status, text(attended.text)]).toEqual([303, expect.any(String)]);

    const page = (await booker.browser!.get(listing).expect(200)).text;
    expect(page).toContain(`<option value="${reservationId}">`);
    const rated = await submit(booker, listing, `${listing}/rate`, { reservationId, overall: '5', safety: '4', cleanliness: '5', accessibility: '3', review: 'Bright and quiet.' });
    expect([rated.status, rated.headers.location, text(rated.text)]).toEqual([303, listing, expect.any(String)]);
    const after = text((await booker.browser!.get(`${listing}?lang=en`).expect(200)).text);
    expect(after).toContain('5.0 of 5 (1 rating)');
    expect(after).toMatch(/Overall 5\.0 Safety 4\.0 Cleanliness 5\.0 Accessibility 3\.0/);
    expect(after).toMatch(/5 of 5 · Bruno Reserva, .* Bright and quiet\./);
    // The owner never gets the form for their own space.
    expect((await owner.browser!.get(listing).expect(200)).text).not.toContain('name="reservationId"');
  });
});
