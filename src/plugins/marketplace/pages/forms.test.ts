import type { Express } from 'express';
import request from 'supertest';
import { csrfFieldOf } from '../../../../test-support/people';
import type { Party } from '../model';
import { pageText as text } from './page-tests.contract';
import { ATTENDED_ID, NOW, OTHER_SPACE_ID, pagesApp, REPORT_ID, reservation, RESERVATION_ID, space, SPACE_ID, type Calls } from './stand-ins.contract';

/**
 * The pages' templates and forms with the services stood in (stand-ins.contract.ts), recording
 * what the forms send them: labels (verified apart from claims), local times in the space's zone,
 * amounts in minor units, CSRF. The whole LRS runs them in pages.test.ts.
 */

const between = (html: string, fromId: string, toId: string) => text(html.slice(html.indexOf(`id="${fromId}"`), html.indexOf(`id="${toId}"`)));

describe('the marketplace pages (templates and forms, services stood in)', () => {
  let calls: Calls;
  let app: Express;
  const get = (path: string, roles = '') => request(app).get(path).set('x-test-roles', roles);
  /** Posts a form with the CSRF token of the page it is on. */
  async function post(page: string, action: string, form: Record<string, string | string[]>, status: number, location?: string, roles = '') {
    const token = csrfFieldOf((await get(page, roles).expect(200)).text);
    const response = await request(app).post(action).set('x-test-roles', roles).type('form').send({ _csrf: token, ...form });
    expect([response.status, response.headers.location]).toEqual([status, location]);
    return response;
  }

  beforeEach(() => {
    calls = {};
    app = pagesApp([space(), space({ id: OTHER_SPACE_ID, name: { en: 'Claims Only' }, verification: undefined })], calls, [
      // Monday 29 March 10:00–11:00 in Madrid (summer time by then) is booked.
      { startMs: Date.parse('2027-03-29T08:00:00Z'), endMs: Date.parse('2027-03-29T09:00:00Z') },
    ]);
  });

  it('sends a browser without a session to sign in, from every page', async () => {
    for (const path of ['search', `listing/${SPACE_ID}`, 'bookings', 'hosting', 'verification']) {
      await request(app).get(`/plugins/marketplace/${path}`).expect(303).expect('Location', '/sign-in');
    }
  });

  it('searches only once a filter is given, with prices in minor units and the window in RFC 3339 of its zone (issue: search)', async () => {
    expect(text((await get('/plugins/marketplace/search').expect(200)).text)).toContain('Fill in the filters and search.');
    expect(calls.search).toBeUndefined();
    const page = (await get('/plugins/marketplace/search?near=40.41,-3.70&childSafe=true&features=step-free-access&minPrice=10&maxPrice=12.5&currency=EUR&availableFrom=2027-03-28T09:00&availableTo=2027-03-28T11:00&zone=Europe/Madrid&orderBy=rating').expect(200)).text;
    expect(calls.search![0]![0]).toMatchObject({
      latitude: 40.41,
      longitude: -3.7,
      childSafe: true,
      features: ['step-free-access'],
      price: { currency: 'EUR', minMinor: 1000, maxMinor: 1250 },
      // 28 March is the day Madrid moves to summer time: 09:00 there is 07:00 UTC.
      window: { startMs: Date.parse('2027-03-28T07:00:00Z'), endMs: Date.parse('2027-03-28T09:00:00Z') },
      orderBy: 'rating',
    });
    expect(page).toContain('value="step-free-access"');
    expect(page).toContain(`href="/plugins/marketplace/listing/${SPACE_ID}"`);
    // A space whose only facts are its owner's claims is labelled not verified.
    expect(text(page)).toMatch(/Sunny Room Madrid · 1.3 km away .* Verified · Verified child-safe Verified accessibility features: step-free-access/);
    expect(text(page)).toMatch(/Claims Only Madrid · 2.3 km away .* Not verified/);
    expect(page).toMatch(/href="\/plugins\/marketplace\/search\?near=40\.41%2C-3\.70&amp;[^"]*after=2#results"/);
  });

  it.each([
    ['minPrice=12.505', 'minPrice must be an amount such as 12.50, with at most 2 decimals'],
    ['minPrice=5&currency=XYZ', 'currency must be an ISO 4217 code'],
    ['availableFrom=2027-03-28T09:00&availableTo=2027-03-28T11:00&zone=Mars/Olympus', 'availableFrom must be a date and time'],
    ['near=here', 'near must be latitude,longitude'],
    ['near=1,1&near=2,2', 'Parameter "near" must be given once'],
  ])('answers a bad filter (%s) with 400 naming it, searching nothing', async (query, message) => {
    const page = await get(`/plugins/marketplace/search?near=40.41,-3.70&${query}`.replace('near=40.41,-3.70&near=here', 'near=here')).expect(400);
    expect(text(page.text)).toContain(message);
    expect(calls.search).toBeUndefined();
  });

  it("shows what a verifier confirmed apart from the owner's claims, and books only against verified certifications (issue: claims are shown as claims)", async () => {
    const page = (await get(`/plugins/marketplace/listing/${SPACE_ID}`).expect(200)).text;
    const verified = between(page, 'verified', 'claims');
    const claims = between(page, 'claims', 'calendar');
    expect(verified).toContain('Child-safe: yes');
    expect(verified).toContain('step-free-access');
    expect(verified).not.toContain('hearing-loop');
    expect(claims).toContain("The owner's claims (not verified)");
    expect(claims).toContain('first-aid-kit');
    expect(claims).toContain('hearing-loop');
    // Only the verified certification can be asked for when booking.
    expect(page).toContain('name="safetyRequirements" type="checkbox" value="fire-safety"');
    expect(page).not.toContain('value="first-aid-kit"');
    const expired = (await get(`/plugins/marketplace/listing/${OTHER_SPACE_ID}`).expect(200)).text;
    expect(text(expired)).toContain('No space verifier has confirmed anything about this space yet.');
    expect(expired).not.toContain('name="safetyRequirements"');
  });

  it('lists the free times of seven local days in the space zone, the same wall-clock hours across the change to summer time, minus booked time (issue: availability)', async () => {
    const calendar = between((await get(`/plugins/marketplace/listing/${SPACE_ID}`).expect(200)).text, 'calendar', 'book');
    expect(calendar).toContain("The next 7 days, in the space's local time (Europe/Madrid).");
    expect(calendar).toContain('Friday, March 26 11:00–13:00');
    expect(calendar).toContain('Saturday, March 27 09:00–13:00');
    expect(calendar).toContain('Sunday, March 28 09:00–13:00');
    expect(calendar).toContain('Monday, March 29 09:00–10:00, 11:00–13:00');
    expect(calendar).toContain('Thursday, April 1 09:00–13:00');
  });

  it("holds with the space's local times as RFC 3339 with its offset, then goes to the reservation's page (CSRF checked first)", async () => {
    const listing = `/plugins/marketplace/listing/${SPACE_ID}`;
    await request(app).post(`${listing}/hold`).set('x-test-roles', '').type('form').send({ start: '2027-03-29T09:00', end: '2027-03-29T11:00', participants: '8' }).expect(403);
    expect(calls.hold).toBeUndefined();
    await post(listing, `${listing}/hold`, { start: '2027-03-29T09:00', end: '2027-03-29T11:00', participants: '8', safetyRequirements: 'fire-safety' }, 303, `/plugins/marketplace/bookings/${RESERVATION_ID}`);
    expect(calls.hold![0]![0]).toMatchObject({ key: 'mbox:mailto:ana@example.org' } satisfies Partial<Party>);
    expect(calls.hold![0]![1]).toEqual({ spaceId: SPACE_ID, start: '2027-03-29T09:00:00+02:00', end: '2027-03-29T11:00:00+02:00', participants: 8, safetyRequirements: ['fire-safety'] });
    const bad = await post(listing, `${listing}/hold`, { start: 'tomorrow', end: '2027-03-29T11:00', participants: '8' }, 400);
    expect(text(bad.text)).toContain('start must be a date and time such as 2027-03-28T09:00 in Europe/Madrid');
    expect(calls.hold).toHaveLength(1);
  });

  it("shows a held reservation's cost as rate times duration with the confirm and cancel forms; someone else's is not found", async () => {
    const page = (await get(`/plugins/marketplace/bookings/${RESERVATION_ID}`).expect(200)).text;
    expect(text(page)).toContain('Cost €25.00 (2 h at €12.50 per hour). The cost is fixed when you confirm.');
    expect(text(page)).toContain('Held: confirm it');
    expect(page).toContain(`action="/plugins/marketplace/bookings/${RESERVATION_ID}/confirm"`);
    const spanish = text((await get(`/plugins/marketplace/bookings/${RESERVATION_ID}?lang=es`).expect(200)).text);
    expect(spanish).toContain('Coste 25,00 € (2 h a 12,50 € por hora). El coste queda fijado al confirmar.');
    await post(`/plugins/marketplace/bookings/${RESERVATION_ID}`, `/plugins/marketplace/bookings/${RESERVATION_ID}/confirm`, {}, 303, `/plugins/marketplace/bookings/${RESERVATION_ID}`);
    await post(`/plugins/marketplace/bookings/${RESERVATION_ID}`, `/plugins/marketplace/bookings/${RESERVATION_ID}/cancel`, { reason: 'Ill' }, 303, `/plugins/marketplace/bookings/${RESERVATION_ID}`);
    expect(calls.confirm![0]![1]).toBe(RESERVATION_ID);
    expect(calls.cancel![0]!.slice(1)).toEqual([RESERVATION_ID, 'Ill']);
    // Another person's reservation is not found: nothing of it shows.
    expect((await get(`/plugins/marketplace/bookings/${OTHER_SPACE_ID}`).expect(404)).text).not.toContain('someone@example.org');
  });

  it('registers a space from the form: the rate in cents, lists split, the name in the page language; a fraction of a cent is refused (issue: hostile input)', async () => {
    const form = { name: 'Aula Luna', street: 'Calle Luna 2', locality: 'Madrid', country: 'es', latitude: '40.42', longitude: '-3.71', capacity: '10', amenities: 'projector, whiteboard', claimedCertifications: '', claimedAccessibilityFeatures: 'ramp', rate: '12,50', currency: 'EUR', timeZone: 'Europe/Madrid' };
    await post('/plugins/marketplace/hosting?lang=es', '/plugins/marketplace/hosting/spaces?lang=es', form, 303, `/plugins/marketplace/hosting#space-${OTHER_SPACE_ID}`);
    expect(calls.register![0]![1]).toEqual({
      name: { es: 'Aula Luna' },
      address: { street: 'Calle Luna 2', locality: 'Madrid', country: 'ES', latitude: 40.42, longitude: -3.71 },
      capacity: 10,
      amenities: ['projector', 'whiteboard'],
      claimedCertifications: [],
      claimedAccessibilityFeatures: ['ramp'],
      hourlyRate: { amountMinor: 1250, currency: 'EUR' },
      timeZone: 'Europe/Madrid',
    });
    const refused = await post('/plugins/marketplace/hosting', '/plugins/marketplace/hosting/spaces', { ...form, rate: '12.505' }, 400);
    expect(text(refused.text)).toContain('a fraction of a cent cannot be charged');
    expect(calls.register).toHaveLength(1);
  });

  it('publishes one weekly rule per row with weekdays ticked; a closing time before the opening runs past midnight', async () => {
    await post('/plugins/marketplace/hosting', `/plugins/marketplace/hosting/spaces/${SPACE_ID}/availability`, { days0: ['MO', 'WE'], opens0: '09:00', closes0: '13:30', days1: 'FR', opens1: '22:00', closes1: '02:00', opens2: '10:00', closes2: '11:00' }, 303, `/plugins/marketplace/hosting#space-${SPACE_ID}`);
    expect(calls.publishAvailability![0]!.slice(1)).toEqual([
      SPACE_ID,
      {
        timeZone: 'Europe/Madrid',
        weekly: [
          { rrule: 'FREQ=WEEKLY;BYDAY=MO,WE', start: '09:00', durationMinutes: 270 },
          { rrule: 'FREQ=WEEKLY;BYDAY=FR', start: '22:00', durationMinutes: 240 },
        ],
      },
    ]);
    const bad = await post('/plugins/marketplace/hosting', `/plugins/marketplace/hosting/spaces/${SPACE_ID}/availability`, { days0: 'MO', opens0: '9', closes0: '13:00' }, 400);
    expect(text(bad.text)).toContain('Opening 1: opens must be a time such as 09:00');
    expect(calls.publishAvailability).toHaveLength(1);
  });

  it("shows the owner each space's plan and upcoming reservations with the forms of their next steps", async () => {
    const page = (await get('/plugins/marketplace/hosting').expect(200)).text;
    expect(text(page)).toContain('Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday 09:00–13:00');
    expect(text(page)).toContain('Booked by: Ana García');
    expect(page).toContain(`action="/plugins/marketplace/hosting/reservations/${RESERVATION_ID}/attended"`);
    expect(page).toContain(`action="/plugins/marketplace/hosting/reservations/${RESERVATION_ID}/reject"`);
    await post('/plugins/marketplace/hosting', `/plugins/marketplace/hosting/reservations/${RESERVATION_ID}/reject`, { reason: 'Repairs' }, 303, '/plugins/marketplace/hosting');
    expect(calls.reject![0]!.slice(1)).toEqual([RESERVATION_ID, 'Repairs']);
    await post('/plugins/marketplace/hosting', `/plugins/marketplace/hosting/reservations/${RESERVATION_ID}/attended`, {}, 303, '/plugins/marketplace/hosting');
    expect(calls.markAttended![0]!.slice(1)).toEqual([RESERVATION_ID]);
  });

  it('gives the verifiers a queue whose verify form is prefilled with the claims and valid to the end of the chosen day, and a withdraw form', async () => {
    await get('/plugins/marketplace/verification').expect(403);
    const page = (await get('/plugins/marketplace/verification', 'space-verifier').expect(200)).text;
    expect(page).toContain(`name="certifications" aria-describedby="verify-${SPACE_ID}-certifications-hint" value="first-aid-kit, fire-safety"`);
    await post('/plugins/marketplace/verification', `/plugins/marketplace/verification/spaces/${SPACE_ID}/verify`, { certifications: 'fire-safety', accessibilityFeatures: '', childSafe: 'true', validUntil: '2027-12-31' }, 303, '/plugins/marketplace/verification', 'space-verifier');
    expect(calls.verify![0]!.slice(1)).toEqual([SPACE_ID, { certifications: ['fire-safety'], accessibilityFeatures: [], childSafe: true, validUntil: '2027-12-31T23:59:59Z' }]);
    await post('/plugins/marketplace/verification', `/plugins/marketplace/verification/spaces/${SPACE_ID}/withdraw`, { reason: 'Fire exit locked' }, 303, '/plugins/marketplace/verification', 'space-verifier');
    expect(calls.withdraw![0]!.slice(1)).toEqual([SPACE_ID, 'Fire exit locked']);
    const noDay = await post('/plugins/marketplace/verification', `/plugins/marketplace/verification/spaces/${SPACE_ID}/verify`, { validUntil: 'next year' }, 400, undefined, 'space-verifier');
    expect(text(noDay.text)).toContain('validUntil must be a date such as 2027-06-30');
    expect(calls.verify).toHaveLength(1);
  });

  it('shows averages per aspect, the distribution of overall scores and the reviews; rates an attended reservation and reports a problem through the forms', async () => {
    const page = (await get(`/plugins/marketplace/listing/${SPACE_ID}`).expect(200)).text;
    const ratings = between(page, 'ratings', 'rate');
    expect(ratings).toContain('4.33 of 5 (3 ratings)');
    expect(ratings).toMatch(/Overall 4.33 Safety 5.0 Cleanliness 4.0 Accessibility 3.67/);
    expect(ratings).toContain('3 ratings; the most frequent score is 4.');
    expect(ratings).toContain('5 of 5 · Luis Pérez, March 13, 2027 Bright and quiet.');
    expect(ratings).toContain('4 of 5 · Someone, March 10, 2027');
    // The rating form offers the attended reservation only.
    expect(page).toContain(`<option value="${ATTENDED_ID}">`);
    expect(page).not.toContain(`<option value="${RESERVATION_ID}">`);
    const rating = { reservationId: ATTENDED_ID, overall: '5', safety: '4', cleanliness: '5', accessibility: '3', review: 'Great' };
    await post(`/plugins/marketplace/listing/${SPACE_ID}`, `/plugins/marketplace/listing/${SPACE_ID}/rate`, rating, 303, `/plugins/marketplace/listing/${SPACE_ID}`);
    expect(calls.rate![0]!.slice(1)).toEqual([SPACE_ID, { _csrf: expect.any(String), ...rating }]);
    await post(`/plugins/marketplace/listing/${SPACE_ID}`, `/plugins/marketplace/listing/${SPACE_ID}/report`, { category: 'safety', description: 'Locked exit' }, 303, `/plugins/marketplace/listing/${SPACE_ID}`);
    expect(calls.report![0]!.slice(1)).toEqual([SPACE_ID, { _csrf: expect.any(String), category: 'safety', description: 'Locked exit' }]);
  });

  it('lists open reports to the verifiers with the space and category, and resolves one with the note', async () => {
    const page = (await get('/plugins/marketplace/verification?lang=es', 'space-verifier').expect(200)).text;
    expect(text(page)).toContain('Aula Sol · Seguridad · Informado el 20 de marzo de 2027 The fire exit was locked.');
    await post('/plugins/marketplace/verification', `/plugins/marketplace/verification/reports/${REPORT_ID}/resolve`, { note: 'Visited' }, 303, '/plugins/marketplace/verification', 'space-verifier');
    expect(calls.resolve![0]!.slice(1)).toEqual([REPORT_ID, 'Visited']);
  });

  it('treats an expired verification as none: not verified in the results, no certification to book against, its expiry said (issue: verifications expire)', async () => {
    const expired = space({ verification: { ...space().verification!, validUntilMs: NOW - 1 } });
    app = pagesApp([expired], calls);
    expect(text((await get('/plugins/marketplace/search?near=40.41,-3.70').expect(200)).text)).toMatch(/Sunny Room .* Not verified/);
    const page = (await get(`/plugins/marketplace/listing/${SPACE_ID}`).expect(200)).text;
    expect(between(page, 'verified', 'claims')).toContain('The verification expired on March 26, 2027: nothing below counts until a verifier confirms it again.');
    expect(page).not.toContain('name="safetyRequirements"');
  });

  it("moves a confirmed reservation to new local times of its space, the form prefilled with its own (issue: modify)", async () => {
    app = pagesApp([space()], calls, [], reservation({ state: 'confirmed' }));
    const page = (await get(`/plugins/marketplace/bookings/${RESERVATION_ID}`).expect(200)).text;
    expect(page).toContain('name="start" aria-describedby="modify-start-hint" type="datetime-local" step="900" value="2027-03-29T09:00"');
    await post(`/plugins/marketplace/bookings/${RESERVATION_ID}`, `/plugins/marketplace/bookings/${RESERVATION_ID}/modify`, { start: '2027-03-30T10:00', end: '2027-03-30T13:00' }, 303, `/plugins/marketplace/bookings/${RESERVATION_ID}`);
    expect(calls.modify![0]!.slice(1)).toEqual([RESERVATION_ID, { start: '2027-03-30T10:00:00+02:00', end: '2027-03-30T13:00:00+02:00' }]);
  });

  it("explains a refused step in the page's language, with the service's words and a link back to the form's page", async () => {
    const other = '9d9e0f1a-2b3c-4d5e-8f90-a1b2c3d4e5f6';
    const refused = await post('/plugins/marketplace/verification?lang=es', `/plugins/marketplace/verification/reports/${other}/resolve?lang=es`, { note: 'Visto' }, 409, undefined, 'space-verifier');
    expect(text(refused.text)).toContain(`No se pudo hacer Otro verificador ya resolvió este informe. Detalles: Report ${other} was resolved already Volver al formulario`);
    expect(refused.text).toContain('<a href="/plugins/marketplace/verification">Volver al formulario</a>');
  });

  it("offers no rating form to the space's owner, nor to someone who attended nothing there", async () => {
    app = pagesApp([space({ ownerKey: 'mbox:mailto:ana@example.org' }), space({ id: OTHER_SPACE_ID })], calls);
    expect((await get(`/plugins/marketplace/listing/${SPACE_ID}`).expect(200)).text).not.toContain('name="reservationId"');
    expect((await get(`/plugins/marketplace/listing/${OTHER_SPACE_ID}`).expect(200)).text).not.toContain('name="reservationId"');
  });
});
