import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import {
  BadRequestCode,
  BadRequestError,
  csrfToken,
  HttpError,
  i18n,
  ifiKey,
  NotFoundError,
  parseUuidParameter,
  renderPage,
  requireCsrfToken,
  signedInOrScope,
  webPage,
  type PeopleForPlugins,
  type PluginHttp,
} from '../../../plugin-api';
import type { RatingRecord } from '../model';
import type { Appeals, AppealView, RatingLookup } from './appeals';
import type { Filing } from './filing';
import { parseAppeal, parsePenalty, parseReason, parseReply } from './inputs';
import { moderationMessages } from './messages';
import type { Moderation, Moderator } from './moderation';
import { AppealsBody, FLAGS_PATH, FlagsBody, MODERATION_PATH, moderationNav, RatingDetails, type AppealRow } from './moderation-pages';
import type { AppealState, PenaltyRecord } from './records';

/** The signed-in person's reputation page (helper C's): where the person's forms go back to. */
export const MY_PAGE_PATH = '/plugins/reputation/me';
export const MODERATE_SCOPE = 'moderate';

export interface AppealRoutesOptions {
  appeals: Appeals;
  filing: Filing;
  moderation: Moderation;
  ledger: RatingLookup;
  people: PeopleForPlugins;
  http: Pick<PluginHttp, 'authenticate' | 'requireScope' | 'jsonBody'>;
  /** The LRS's public URL: the home page of a moderator's account when they have no identity linked. */
  publicUrl: string;
  now?: () => Date;
}

const STATE_QUERY: Record<string, AppealState[]> = {
  open: ['filed', 'under-review'],
  filed: ['filed'],
  'under-review': ['under-review'],
  upheld: ['upheld'],
  rejected: ['rejected'],
};

/**
 * Mounted at /plugins/reputation: the rated person's replies and appeals (forms back to their page,
 * and a JSON API), the moderators' pages (role `moderator`) and JSON API (that role, or a
 * credential holding plugins/reputation/moderate).
 */
export function appealRoutes(options: AppealRoutesOptions): Router {
  const router = Router();
  personRoutes(router, options);
  moderatorApi(router, options);
  moderatorPages(router, options);
  return router;
}

function personRoutes(router: Router, { appeals, filing, people, http }: AppealRoutesOptions): void {
  const person = (req: Request) => people.signedIn(req)!.person;
  const ratingIdOf = (req: Request) => parseUuidParameter('id', String(req.params.id));
  const asForm = [pageForBrowsers, backToMyPageUnlessSignedIn(people), signedInOnly(people), ...requireCsrfToken()];
  const asJson = [signedInOnly(people), requireJsonContentType, http.jsonBody()];
  router.post('/ratings/:id/replies', ...asForm, async (req, res) => {
    await filing.reply(person(req), ratingIdOf(req), parseReply(req.body));
    res.redirect(303, MY_PAGE_PATH);
  });
  router.post('/ratings/:id/appeals', ...asForm, async (req, res) => {
    const { grounds, reason } = parseAppeal(req.body);
    await filing.appeal(person(req), ratingIdOf(req), grounds, reason);
    res.redirect(303, MY_PAGE_PATH);
  });
  router.post('/api/ratings/:id/replies', ...asJson, async (req, res) => {
    const id = await filing.reply(person(req), ratingIdOf(req), parseReply(req.body));
    res.status(201).json({ id });
  });
  router.post('/api/ratings/:id/appeals', ...asJson, async (req, res) => {
    const { grounds, reason } = parseAppeal(req.body);
    const id = await filing.appeal(person(req), ratingIdOf(req), grounds, reason);
    res.status(201).json((await appeals.appeal(id)) ?? { id }); // { id } alone when delivery was slower than the wait
  });
}

function moderatorApi(router: Router, options: AppealRoutesOptions): void {
  const { appeals, moderation } = options;
  const access = moderatorAccess(options);
  const write = [access, requireJsonContentType, options.http.jsonBody()];
  const moderator = (req: Request) => moderatorOf(req, options);
  router.get('/api/appeals', access, async (req, res) => {
    res.json({ appeals: await withRatings(options, await appeals.inState(statesOf(req.query)), await moderator(req)) });
  });
  router.post('/api/appeals/:id/review', ...write, async (req, res) => {
    parseEmpty(req.body);
    res.json(await moderation.review(uuidOf(req), await moderator(req)));
  });
  router.post('/api/appeals/:id/uphold', ...write, async (req, res) => {
    res.json(await moderation.decide(uuidOf(req), await moderator(req), true, parseReason(req.body)));
  });
  router.post('/api/appeals/:id/reject', ...write, async (req, res) => {
    res.json(await moderation.decide(uuidOf(req), await moderator(req), false, parseReason(req.body)));
  });
  router.get('/api/flags', access, async (_req, res) => {
    res.json({ flags: await moderation.openFlags() });
  });
  router.post('/api/flags/:id/confirm', ...write, async (req, res) => {
    const penalties = await moderation.confirmFlag(flagIdOf(req), await moderator(req), parsePenalty(req.body, now(options)));
    res.status(201).json({ penalties });
  });
  router.post('/api/flags/:id/dismiss', ...write, async (req, res) => {
    await moderation.dismissFlag(flagIdOf(req), await moderator(req), parseReason(req.body));
    res.json({ id: req.params.id, decision: 'dismissed' });
  });
  router.get('/api/penalties', access, async (_req, res) => {
    res.json({ penalties: (await appeals.activePenalties(now(options))).map(penaltyView) });
  });
  router.post('/api/penalties/:id/lift', ...write, async (req, res) => {
    await moderation.lift(uuidOf(req), await moderator(req), parseReason(req.body));
    res.json({ id: uuidOf(req), lifted: true });
  });
}

function moderatorPages(router: Router, options: AppealRoutesOptions): void {
  const { appeals, moderation, people, ledger } = options;
  const page = [webPage(), people.requireRole('moderator')];
  const form = [...page, ...requireCsrfToken()];
  const moderator = (req: Request) => moderatorOf(req, options);
  const nav = moderationNav();
  router.get('/moderation', ...page, async (req, res) => {
    const rows = await withRatings(options, await appeals.inState(STATE_QUERY.open!), await moderator(req));
    renderPage(res, { title: messages(res).appealsTitle, nav, body: <AppealsBody rows={rows} csrf={csrfToken(res)} /> });
  });
  router.get('/moderation/flags', ...page, async (_req, res) => {
    const [flags, penalties] = await Promise.all([moderation.openFlags(), appeals.activePenalties(now(options))]);
    renderPage(res, { title: messages(res).flagsTitle, nav, body: <FlagsBody flags={flags} penalties={penalties} csrf={csrfToken(res)} /> });
  });
  router.get('/moderation/ratings/:id', ...page, async (req, res) => {
    const rating = await shownRating(ledger, uuidOf(req));
    if (rating === undefined) throw new NotFoundError('No such rating in the ledger', 'RATING_NOT_FOUND');
    renderPage(res, { title: messages(res).ratingTitle, nav, body: <RatingDetails rating={rating} /> });
  });
  const back = (path: string) => (_req: Request, res: Response) => res.redirect(303, path);
  const then = (action: (req: Request) => Promise<unknown>, path: string) => async (req: Request, res: Response) => {
    await action(req);
    back(path)(req, res);
  };
  router.post('/moderation/appeals/:id/review', ...form, then(async (req) => moderation.review(uuidOf(req), await moderator(req)), MODERATION_PATH));
  router.post('/moderation/appeals/:id/uphold', ...form, then(async (req) => moderation.decide(uuidOf(req), await moderator(req), true, parseReason(req.body)), MODERATION_PATH));
  router.post('/moderation/appeals/:id/reject', ...form, then(async (req) => moderation.decide(uuidOf(req), await moderator(req), false, parseReason(req.body)), MODERATION_PATH));
  router.post('/moderation/flags/:id/confirm', ...form, then(async (req) => moderation.confirmFlag(flagIdOf(req), await moderator(req), parsePenalty(req.body, now(options))), FLAGS_PATH));
  router.post('/moderation/flags/:id/dismiss', ...form, then(async (req) => moderation.dismissFlag(flagIdOf(req), await moderator(req), parseReason(req.body)), FLAGS_PATH));
  router.post('/moderation/penalties/:id/lift', ...form, then(async (req) => moderation.lift(uuidOf(req), await moderator(req), parseReason(req.body)), FLAGS_PATH));
}

const now = (options: AppealRoutesOptions) => options.now?.() ?? new Date();
const messages = (res: Response) => moderationMessages(i18n(res).locale);
const uuidOf = (req: Request) => parseUuidParameter('id', String(req.params.id));

/** B's flag ids: stable hashes (letters, digits, `-`, `_`). */
function flagIdOf(req: Request): string {
  const id = String(req.params.id);
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(id)) throw new BadRequestError(BadRequestCode.InvalidParameter, 'id must be a flag id (letters, digits, - and _)');
  return id;
}

function statesOf(query: Request['query']): AppealState[] {
  const keys = Object.keys(query);
  if (keys.some((key) => key !== 'state')) throw new BadRequestError(BadRequestCode.UnknownParameter, 'The only parameter is state');
  const state = query.state ?? 'open';
  const states = typeof state === 'string' ? STATE_QUERY[state] : undefined;
  if (states === undefined) throw new BadRequestError(BadRequestCode.InvalidParameter, `state must be one of ${Object.keys(STATE_QUERY).join(', ')}`);
  return states;
}

function parseEmpty(body: unknown): void {
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0) return;
  throw new BadRequestError('INVALID_BODY', 'Opening a review takes no fields: send {}');
}

/** Each appeal with its rating (as the ledger has it) and whether this moderator is a party to it. */
async function withRatings({ ledger }: AppealRoutesOptions, list: AppealView[], moderator: Moderator): Promise<AppealRow[]> {
  return Promise.all(
    list.map(async (appeal) => {
      const rating = await shownRating(ledger, appeal.ratingId);
      const involved = moderator.keys.includes(appeal.rater.key) || moderator.keys.includes(appeal.ratee.key);
      return { appeal, ...(rating !== undefined && { rating }), involved };
    }),
  );
}

/** The rating as the ledger has it, unless void (a rebuild never sees a voided rating, so it is left out either way). */
async function shownRating(ledger: RatingLookup, id: string): Promise<RatingRecord | undefined> {
  const rating = await ledger.rating(id);
  return rating?.state === 'voided' ? undefined : rating;
}

function penaltyView({ id, value }: { id: string; value: PenaltyRecord }) {
  const { subject, subjectName, weightFactor, from, until, flagStatementId, reason } = value;
  return { id, subject, ...(subjectName !== undefined && { subjectName }), weightFactor, from, ...(until !== undefined && { until }), ...(flagStatementId !== undefined && { flagStatementId }), reason };
}

/**
 * The moderator making the request: a signed-in person (the actor is their first linked identity)
 * or a credential (its authority).
 */
async function moderatorOf(req: Request, { people, publicUrl }: AppealRoutesOptions): Promise<Moderator> {
  const signedIn = people.signedIn(req);
  if (signedIn === undefined) {
    const authority = req.credential!.authority;
    return { actor: { ...authority, objectType: 'Agent' }, keys: [ifiKey(authority)!] };
  }
  const { person } = signedIn;
  const identities = await people.identitiesOf(person.id);
  const identity = identities[0] ?? { account: { homePage: publicUrl, name: `person/${person.id}` } };
  return { actor: { objectType: 'Agent', name: person.name, ...identity }, keys: identities.map((each) => ifiKey(each)!) };
}

/**
 * Moderators' API: a signed-in person needs the role `moderator` (and, for writes, a JSON body,
 * which a cross-site form cannot send); anyone else an HTTP Basic credential holding
 * plugins/reputation/moderate.
 */
function moderatorAccess({ people, http }: AppealRoutesOptions): RequestHandler {
  return signedInOrScope(http, people, MODERATE_SCOPE, (_req, signedIn, next) => {
    if (!signedIn.person.roles.includes('moderator')) return next(new HttpError(403, 'ROLE_REQUIRED', 'This is for people with the role moderator'));
    next();
  });
}

/** A browser gets its errors as pages; any other client (scripts, tests) as JSON with their code. */
const asPage = webPage();
const pageForBrowsers: RequestHandler = (req, res, next) => (req.accepts(['json', 'html']) === 'html' ? asPage(req, res, next) : next());

/** A browser whose session ended goes to the person's page, which sends it to sign in and back there. */
function backToMyPageUnlessSignedIn(people: PeopleForPlugins): RequestHandler {
  return (req, res, next) => (people.signedIn(req) || req.accepts(['json', 'html']) !== 'html' ? next() : res.redirect(303, MY_PAGE_PATH));
}

function signedInOnly(people: PeopleForPlugins): RequestHandler {
  return (req, _res, next) => {
    if (people.signedIn(req) === undefined) throw new HttpError(401, 'SIGN_IN_REQUIRED', 'Sign in first (/sign-in)');
    next();
  };
}

/**
 * Cross-site HTML forms can send the session cookie but never `application/json`: requiring that
 * type protects this JSON API from cross-site requests.
 */
function requireJsonContentType(req: Request, _res: Response, next: NextFunction): void {
  const type = req.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `Send the body as application/json (got ${type ?? 'no Content-Type'})`);
  next();
}
