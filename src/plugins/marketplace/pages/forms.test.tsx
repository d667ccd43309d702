import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import pino from 'pino';
import request from 'supertest';
import { csrfFieldOf } from '../../../../test-support/people';
import { errorHandler, notFoundHandler } from '../../../http/error-handler';
import { setSessionCsrfSecret, setViewer, webErrorHandler, webNotFound, webRoutes } from '../../../web';
import type { Acting } from '../acting';
import type { Interval, Party, ReservationView, Space } from '../model';
import { marketplacePages, type MarketplacePagesOptions } from './routes';

/**
 * The pages' templates and forms on a small app around the web shell, with in-memory stand-ins of
 * the services that record what the forms send them: labels (verified apart from claims), local
 * times in the space's zone, amounts in minor units, CSRF. The whole LRS runs them in pages.test.ts.
 */

// Friday 2027-03-26, 11:00 in Madrid; the clocks move forward on Sunday the 28th.
const NOW = Date.parse('2027-03-26T10:00:00Z');
const SPACE_ID = '0b6f1a52-3c1d-4e8f-9a7b-5c2d1e0f9a8b';
const OTHER_SPACE_ID = '1c7f2b63-4d2e-4f90-8b8c-6d3e2f1a0b9c';
const RESERVATION_ID = '6f1c2d3e-4b5a-4c6d-8e7f-8091a2b3c4d5';
const ANA = { objectType: 'Agent' as const, name: 'Ana García', mbox: 'mailto:ana@example.org' };

function space(overrides: Partial<Space> = {}): Space {
  return {
    id: SPACE_ID,
    iri: `https://lrs.example/plugins/marketplace/spaces/${SPACE_ID}`,
    owner: { objectType: 'Agent', name: 'Olga Dueña', mbox: 'mailto:olga@example.org' },
    ownerKey: 'mbox:mailto:olga@example.org',
    name: { en: 'Sunny Room', es: 'Aula Sol' },
    address: { street: 'Calle Mayor 1', locality: 'Madrid', country: 'ES', latitude: 40.4168, longitude: -3.7038 },
    capacity: 12,
    amenities: ['projector'],
    claimedCertifications: ['first-aid-kit', 'fire-safety'],
    claimedAccessibilityFeatures: ['hearing-loop'],
    hourlyRate: { amountMinor: 1250, currency: 'EUR' },
    timeZone: 'Europe/Madrid',
    availability: { timeZone: 'Europe/Madrid', weekly: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU', start: '09:00', durationMinutes: 240 }] },
    verification: {
      certifications: ['fire-safety'],
      accessibilityFeatures: ['step-free-access'],
      childSafe: true,
      validUntilMs: Date.parse('2027-12-31T23:59:59Z'),
      verifier: 'mbox:mailto:vera@example.org',
      statementId: 'a0000000-0000-4000-8000-000000000001',
    },
    registeredMs: NOW - 86_400_000,
    updatedMs: NOW - 86_400_000,
    ...overrides,
  };
}

function reservation(overrides: Partial<ReservationView> = {}): ReservationView {
  return {
    id: RESERVATION_ID,
    spaceId: SPACE_ID,
    state: 'held',
    booker: ANA,
    bookerKey: 'mbox:mailto:ana@example.org',
    start: '2027-03-29T09:00:00+02:00',
    end: '2027-03-29T11:00:00+02:00',
    participants: 8,
    safetyRequirements: [],
    price: { amountMinor: 2500, currency: 'EUR' },
    holdExpiresAt: '2027-03-26T11:10:00+01:00',
    statementIds: [],
    ...overrides,
  };
}

/** What the stand-ins were asked, by method. */
type Calls = Record<string, unknown[][]>;

function services(spaces: Space[], calls: Calls, busy: Interval[] = []): Omit<MarketplacePagesOptions, 'acting' | 'people' | 'now'> {
  const record =
    <T,>(name: string, answer: (...args: any[]) => T) =>
    async (...args: any[]) => {
      (calls[name] ??= []).push(args);
      return answer(...args);
    };
  const byId = new Map(spaces.map((item) => [item.id, item]));
  return {
    directory: {
      space: async (id) => byId.get(id),
      spaces: async (ids) => new Map(ids.flatMap((id) => (byId.has(id) ? [[id, byId.get(id)!] as const] : []))),
      register: record('register', () => space({ id: OTHER_SPACE_ID })),
      publishAvailability: record('publishAvailability', () => undefined),
      verify: record('verify', () => undefined),
      withdraw: record('withdraw', () => undefined),
      ownedBy: async () => spaces,
      verificationQueue: async () => spaces,
    },
    search: { search: record('search', () => ({ results: spaces.map((item, index) => ({ space: item, distanceKm: 1.25 + index, rating: undefined })), more: 'next' })) },
    reservations: {
      reservation: async (id) => (id === RESERVATION_ID ? reservation() : id === OTHER_SPACE_ID ? reservation({ id, bookerKey: 'mbox:mailto:someone@example.org' }) : undefined),
      busy: async (ids) => new Map(ids.map((id) => [id, busy])),
      bookedBy: async () => [reservation()],
      ofSpace: async () => [reservation({ state: 'confirmed' })],
      hold: record('hold', () => reservation()),
      confirm: record('confirm', () => reservation({ state: 'confirmed' })),
      cancel: record('cancel', () => reservation({ state: 'cancelled' })),
      reject: record('reject', () => reservation({ state: 'rejected' })),
      markAttended: record('markAttended', () => reservation({ state: 'attended' })),
    },
    ratings: {
      summaries: async () => new Map(),
      ratingsOf: async () => [],
      rate: record('rate', () => undefined),
      report: record('report', () => undefined),
      reports: async () => [],
      resolve: record('resolve', () => undefined),
    },
  };
}

/** The pages behind the web shell; `x-test-roles` signs Ana in (with those roles), as the session middleware would. */
function pagesApp(spaces: Space[], calls: Calls, busy: Interval[] = []): Express {
  const logger = pino({ level: 'silent' });
  const app = express();
  app.set('query parser', 'simple');
  app.use((req: Request, res: Response, next: NextFunction) => {
    const roles = req.get('x-test-roles');
    if (roles !== undefined) {
      req.signedIn = { person: { id: 'p-ana', name: 'Ana García', roles: roles === '' ? [] : roles.split(',') }, expiresAt: new Date(NOW + 3_600_000) } as unknown as Request['signedIn'];
      setViewer(res, { displayName: 'Ana García', roles: roles.split(',') });
      setSessionCsrfSecret(res, 'session-secret');
    }
    next();
  });
  const signIn = (req: Request, res: Response, next: NextFunction) => (req.signedIn ? next() : res.redirect(303, '/sign-in'));
  const people = {
    requireSignIn: () => signIn,
    requireRole: (role: string) => (req: Request, res: Response, next: NextFunction) => ((req.signedIn?.person.roles as readonly string[] | undefined)?.includes(role) ? next() : req.signedIn ? res.status(403).send('ROLE_REQUIRED') : signIn(req, res, next)),
    signedIn: (req: Request) => req.signedIn,
    identitiesOf: async () => [{ mbox: ANA.mbox }],
  };
  app.use(webRoutes());
  app.use('/plugins/marketplace', marketplacePages({ ...services(spaces, calls, busy), acting: { people, publicUrl: 'https://lrs.example' } as unknown as Acting, people, now: () => NOW }));
  app.use(webNotFound());
  app.use(notFoundHandler());
  app.use(webErrorHandler(logger));
  app.use(errorHandler(logger));
  return app;
}

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, ' ');
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
  });

  it('gives the verifiers a queue whose verify form is prefilled with the claims and valid to the end of the chosen day', async () => {
    await get('/plugins/marketplace/verification').expect(403);
    const page = (await get('/plugins/marketplace/verification', 'space-verifier').expect(200)).text;
    expect(page).toContain(`name="certifications" aria-describedby="verify-${SPACE_ID}-certifications-hint" value="first-aid-kit, fire-safety"`);
    await post('/plugins/marketplace/verification', `/plugins/marketplace/verification/spaces/${SPACE_ID}/verify`, { certifications: 'fire-safety', accessibilityFeatures: '', childSafe: 'true', validUntil: '2027-12-31' }, 303, '/plugins/marketplace/verification', 'space-verifier');
    expect(calls.verify![0]!.slice(1)).toEqual([SPACE_ID, { certifications: ['fire-safety'], accessibilityFeatures: [], childSafe: true, validUntil: '2027-12-31T23:59:59Z' }]);
  });
});
