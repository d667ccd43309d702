import { Router, type Request, type Response } from 'express';
import {
  csrfToken,
  formStep,
  i18n,
  NotFoundError,
  parseUuidParameter,
  renderPage,
  requireCsrfToken,
  webPage,
  type NavItem,
  type PeopleForPlugins,
} from '../../../plugin-api';
import { partyOf, VERIFIER_ROLE, type Acting } from '../acting';
import { freeIntervals } from '../availability';
import type { Party, ReservationView, Space } from '../model';
import { parseSpaceQuery, type SpaceQuery } from '../search';
import { BookingsPage, ReservationPage, type Booking } from './bookings-page';
import { calendarWindow, localDays } from './calendar';
import { spaceName } from './format';
import { holdInput, listingInput, modifyInput, planInput, searchOf, textInput, verificationInput } from './forms';
import { HostingPage } from './hosting-page';
import { marketplaceMessages } from './messages';
import { explainedProblem } from './problem';
import { BOOKINGS_PATH, HOSTING_PATH, LISTING_PATH, SEARCH_PATH, VERIFICATION_PATH } from './parts';
import { SearchPage, type SearchView } from './search-page';
import type { DirectoryForPages, RatingsForPages, ReservationsForPages, SearchForPages } from './sources';
import { SpacePage } from './space-page';
import { VerificationPage } from './verification-page';

export const MARKETPLACE_NAV: NavItem[] = [
  { href: SEARCH_PATH, label: { en: 'Spaces', es: 'Espacios' } },
  { href: BOOKINGS_PATH, label: { en: 'Bookings', es: 'Reservas' } },
  { href: HOSTING_PATH, label: { en: 'Hosting', es: 'Tus espacios' } },
  { href: VERIFICATION_PATH, label: { en: 'Verification', es: 'Verificación' }, role: VERIFIER_ROLE },
];

/** Reservations the booking list shows, newest first. */
export const BOOKINGS_SHOWN = 100;
/** Reviews the space page shows, newest first. */
export const REVIEWS_SHOWN = 20;
/** The owner's page lists reservations of this many coming days. */
export const UPCOMING_DAYS = 30;
/** Spaces and open reports the verifiers' page lists. */
export const QUEUE_SHOWN = 50;

export interface MarketplacePagesOptions {
  directory: DirectoryForPages;
  search: SearchForPages;
  reservations: ReservationsForPages;
  ratings: RatingsForPages;
  acting: Acting;
  people: Pick<PeopleForPlugins, 'requireSignIn' | 'requireRole'>;
  now?: () => number;
}

/**
 * The marketplace's web pages, mounted at /plugins/marketplace (docs/marketplace.md): search,
 * a space, the person's bookings, the owner's hosting page and the verifiers' queue. Every form
 * posts with a CSRF token to a handler that calls the same services as the JSON API, then 303 back.
 */
export function marketplacePages(options: MarketplacePagesOptions): Router {
  const router = Router();
  const page = [webPage(), options.people.requireSignIn()];
  const form = [...page, ...requireCsrfToken()];
  const verifierPage = [webPage(), options.people.requireRole(VERIFIER_ROLE)];
  const verifierForm = [...verifierPage, ...requireCsrfToken()];
  const pages = new Pages(options);

  const id = (req: Request) => parseUuidParameter('id', String(req.params.id));
  const listing = (req: Request) => `${LISTING_PATH}/${id(req)}`;
  const booking = (req: Request) => `${BOOKINGS_PATH}/${id(req)}`;
  const { directory, reservations, ratings } = options;

  router.get('/search', ...page, (req, res) => pages.search(req, res));
  router.get('/listing/:id', ...page, (req, res) => pages.space(req, res));
  router.post('/listing/:id/hold', ...form, (req, res) => pages.step(req, res, listing, (party) => pages.hold(req, party)));
  router.post('/listing/:id/rate', ...form, (req, res) => pages.step(req, res, listing, (party) => ratings.rate(party, id(req), req.body)));
  router.post('/listing/:id/report', ...form, (req, res) => pages.step(req, res, listing, (party) => ratings.report(party, id(req), req.body)));
  router.get('/bookings', ...page, (req, res) => pages.bookings(req, res));
  router.get('/bookings/:id', ...page, (req, res) => pages.booking(req, res));
  router.post('/bookings/:id/confirm', ...form, (req, res) => pages.step(req, res, booking, (party) => reservations.confirm(party, id(req))));
  router.post('/bookings/:id/modify', ...form, (req, res) => pages.step(req, res, booking, (party) => pages.modify(req, party)));
  router.post('/bookings/:id/cancel', ...form, (req, res) => pages.step(req, res, booking, (party) => reservations.cancel(party, id(req), textInput(req.body, 'reason') || undefined)));
  router.get('/hosting', ...page, (req, res) => pages.hosting(req, res));
  router.post('/hosting/spaces', ...form, (req, res) => pages.step(req, res, () => HOSTING_PATH, (party) => pages.register(req, res, party)));
  router.post('/hosting/spaces/:id/availability', ...form, (req, res) => pages.step(req, res, () => HOSTING_PATH, (party) => pages.publish(req, party)));
  router.post('/hosting/reservations/:id/reject', ...form, (req, res) => pages.step(req, res, () => HOSTING_PATH, (party) => reservations.reject(party, id(req), textInput(req.body, 'reason'))));
  router.post('/hosting/reservations/:id/attended', ...form, (req, res) => pages.step(req, res, () => HOSTING_PATH, (party) => reservations.markAttended(party, id(req))));
  router.get('/verification', ...verifierPage, (req, res) => pages.verification(req, res));
  router.post('/verification/spaces/:id/verify', ...verifierForm, (req, res) => pages.step(req, res, () => VERIFICATION_PATH, (party) => directory.verify(party, id(req), verificationInput(req.body))));
  router.post('/verification/spaces/:id/withdraw', ...verifierForm, (req, res) => pages.step(req, res, () => VERIFICATION_PATH, (party) => directory.withdraw(party, id(req), textInput(req.body, 'reason'))));
  router.post('/verification/reports/:id/resolve', ...verifierForm, (req, res) => pages.step(req, res, () => VERIFICATION_PATH, (party) => ratings.resolve(party, id(req), textInput(req.body, 'note'))));
  return router;
}

/** The handlers, sharing the options. */
class Pages {
  private readonly now: () => number;

  constructor(private readonly options: MarketplacePagesOptions) {
    this.now = options.now ?? Date.now;
  }

  async search(req: Request, res: Response): Promise<void> {
    const { form, query } = searchOf(req.query);
    const found = Object.keys(query).length === 0 ? undefined : await this.found(parseSpaceQuery(query));
    renderPage(res, { title: this.messages(res).searchTitle, body: <SearchPage view={{ form, ...(found && { found }), nowMs: this.now() }} /> });
  }

  async space(req: Request, res: Response): Promise<void> {
    const space = await this.spaceOf(req);
    const party = await this.party(req);
    const nowMs = this.now();
    const window = calendarWindow(space.timeZone, nowMs);
    const [free, summaries, reviews, attended] = await Promise.all([
      space.availability === undefined ? undefined : freeIntervals(space, this.options.reservations, window, nowMs),
      this.options.ratings.summaries([space.id]),
      this.options.ratings.ratingsOf(space.id, REVIEWS_SHOWN),
      this.attendedReservations(party, space),
    ]);
    const summary = summaries.get(space.id);
    renderPage(res, {
      title: spaceName(space, i18n(res).locale),
      body: (
        <SpacePage
          view={{ space, nowMs, ...(free && { calendar: localDays(free, space.timeZone, nowMs) }), ...(summary && { summary }), reviews, attended, csrf: csrfToken(res) }}
        />
      ),
    });
  }

  /** Holds the time; the reservation's page (with the cost and the confirm form) comes next. */
  async hold(req: Request, party: Party): Promise<string> {
    const space = await this.spaceOf(req);
    const reservation = await this.options.reservations.hold(party, holdInput(req.body, space));
    return `${BOOKINGS_PATH}/${reservation.id}`;
  }

  /** New times for a confirmed reservation, read in its space's zone. */
  async modify(req: Request, party: Party): Promise<unknown> {
    const id = parseUuidParameter('id', String(req.params.id));
    const reservation = await this.options.reservations.reservation(id);
    const space = reservation && (await this.options.directory.space(reservation.spaceId));
    if (space === undefined) throw new NotFoundError('No such reservation of yours.', 'RESERVATION_NOT_FOUND');
    return this.options.reservations.modify(party, id, modifyInput(req.body, space));
  }

  async bookings(req: Request, res: Response): Promise<void> {
    const reservations = await this.options.reservations.bookedBy((await this.party(req)).key, BOOKINGS_SHOWN);
    renderPage(res, { title: this.messages(res).bookingsTitle, body: <BookingsPage bookings={await this.withSpaces(reservations)} /> });
  }

  async booking(req: Request, res: Response): Promise<void> {
    const id = parseUuidParameter('id', String(req.params.id));
    const reservation = await this.options.reservations.reservation(id);
    if (reservation === undefined) throw new NotFoundError('No such reservation.', 'RESERVATION_NOT_FOUND');
    if (reservation.bookerKey !== (await this.party(req)).key) throw new NotFoundError('No such reservation of yours.', 'RESERVATION_NOT_FOUND');
    const [booking] = await this.withSpaces([reservation]);
    renderPage(res, { title: this.messages(res).reservationTitle, body: <ReservationPage booking={booking!} csrf={csrfToken(res)} /> });
  }

  async hosting(req: Request, res: Response): Promise<void> {
    const party = await this.party(req);
    const nowMs = this.now();
    const owned = await this.options.directory.ownedBy(party.key);
    const upcoming = await Promise.all(owned.map((space) => this.options.reservations.ofSpace(space.id, nowMs, nowMs + UPCOMING_DAYS * 86_400_000)));
    const spaces = owned.map((space, index) => ({ space, upcoming: upcoming[index]!.filter(({ state }) => ['held', 'confirmed', 'attended'].includes(state)) }));
    renderPage(res, { title: this.messages(res).hostingTitle, body: <HostingPage view={{ spaces, nowMs, csrf: csrfToken(res) }} /> });
  }

  async register(req: Request, res: Response, party: Party): Promise<string> {
    const space = await this.options.directory.register(party, listingInput(req.body, i18n(res).locale));
    return `${HOSTING_PATH}#space-${space.id}`;
  }

  async publish(req: Request, party: Party): Promise<string> {
    const space = await this.spaceOf(req);
    await this.options.directory.publishAvailability(party, space.id, planInput(req.body, space));
    return `${HOSTING_PATH}#space-${space.id}`;
  }

  async verification(_req: Request, res: Response): Promise<void> {
    const [queue, reports] = await Promise.all([this.options.directory.verificationQueue({ limit: QUEUE_SHOWN }), this.options.ratings.reports('open', QUEUE_SHOWN)]);
    const view = { queue, reports, nowMs: this.now(), csrf: csrfToken(res) };
    renderPage(res, { title: this.messages(res).verificationTitle, body: <VerificationPage view={view} /> });
  }

  /** A form's step as the signed-in person (the web shell's formStep), back to the page `from` names. */
  async step(req: Request, res: Response, from: (req: Request) => string, run: (party: Party) => Promise<unknown>): Promise<void> {
    await formStep(res, {
      run: async () => run(await this.party(req)),
      from: () => from(req),
      fallback: SEARCH_PATH,
      explain: (code, locale) => explainedProblem(marketplaceMessages(locale), code),
    });
  }

  /** The party's attended reservations of the space, which they may rate (never their own space's). */
  private async attendedReservations(party: Party, space: Space): Promise<ReservationView[]> {
    if (space.ownerKey === party.key || !(await this.options.reservations.attendedSpace(party.key, space.id))) return [];
    const booked = await this.options.reservations.bookedBy(party.key, BOOKINGS_SHOWN);
    return booked.filter((reservation) => reservation.spaceId === space.id && reservation.state === 'attended');
  }

  /** The search's page, with the offset of the next one when there is more. */
  private async found(query: SpaceQuery): Promise<NonNullable<SearchView['found']>> {
    const { results, more } = await this.options.search.search(query);
    return { results, ...(more !== undefined && { after: query.offset + results.length }) };
  }

  private async spaceOf(req: Request): Promise<Space> {
    const space = await this.options.directory.space(parseUuidParameter('id', String(req.params.id)));
    if (space === undefined) throw new NotFoundError('No such space.', 'SPACE_NOT_FOUND');
    return space;
  }

  private async withSpaces(reservations: ReservationView[]): Promise<Booking[]> {
    const spaces = await this.options.directory.spaces([...new Set(reservations.map(({ spaceId }) => spaceId))]);
    return reservations.map((reservation) => ({ reservation, ...(spaces.has(reservation.spaceId) && { space: spaces.get(reservation.spaceId)! }) }));
  }

  private party(req: Request): Promise<Party> {
    return partyOf(req, this.options.acting);
  }

  private messages(res: Response) {
    return marketplaceMessages(i18n(res).locale);
  }
}

