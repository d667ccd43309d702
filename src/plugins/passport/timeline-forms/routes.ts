import { Router, type Request, type RequestHandler } from 'express';
import {
  BadRequestCode,
  BadRequestError,
  NotFoundError,
  parseUuidParameter,
  requireCsrfToken,
  singleParameters,
  webPage,
  type PeopleForPlugins,
  type StatementReader,
  type StatementReceipts,
} from '../../../plugin-api';
import { NOTHING_HIDDEN, parsePrivacySettings, type PrivacySettings, type PrivacyStore } from '../privacy';
import { itemsQuery, requireSignedIn, signedInIfis } from '../routes';
import { timelineEntries } from '../timeline-entries';
import { PASSPORT_PREFIX, TIMELINE_FORM_PATHS, TIMELINE_PAGE_PATH, timelineQueryString, timelineUrl } from './links';

export interface TimelineFormsOptions {
  privacy: PrivacyStore;
  people: PeopleForPlugins;
  /** To check that a receipt asked for is of a statement about the person signed in. */
  statements: Pick<StatementReader, 'get'>;
  /** The anchoring plugin's receipts service, looked up per request (undefined while anchoring is off). */
  receipts: () => StatementReceipts | undefined;
}

/** The form fields naming a category, and the privacy settings' list each one goes to. */
const CATEGORY_FIELDS = { kind: 'kinds', activity: 'activities', institution: 'institutions' } as const;
type CategoryField = keyof typeof CATEGORY_FIELDS;
type Category = { list: keyof PrivacySettings['hiddenCategories']; value: string };

/**
 * Mounted at /plugins/passport: the timeline page's forms (hide or show an item, a kind, an
 * activity or an institution; CSRF token required, 303 back to the page with its filters), and the
 * receipt of one of the signed-in person's anchored items.
 */
export function timelineForms({ privacy, people, statements, receipts }: TimelineFormsOptions): Router {
  const router = Router();
  const personOf = (req: Request) => people.signedIn(req)!.person.id;
  /** A browser whose session ended goes to the timeline page, which sends it to sign in and back there (not back to this POST-only path). */
  const backToTimelineUnlessSignedIn: RequestHandler = (req, res, next) =>
    people.signedIn(req) || req.accepts(['json', 'html']) !== 'html' ? next() : res.redirect(303, TIMELINE_PAGE_PATH);
  /** A form route: its change is read from the form (400 for bad fields, nothing changed), then applied. */
  const form = (path: string, changeOf: (req: Request) => (settings: PrivacySettings) => unknown) =>
    router.post(path.slice(PASSPORT_PREFIX.length), pageForBrowsers, backToTimelineUnlessSignedIn, requireSignedIn(people), ...requireCsrfToken(), async (req, res) => {
      const change = changeOf(req);
      const back = returnUrl(req);
      await privacy.update(personOf(req), change);
      res.redirect(303, back);
    });

  form(TIMELINE_FORM_PATHS.hiddenItems, (req) => {
    const item = itemOf(req, TIMELINE_FORM_PATHS.hiddenItems);
    return (settings) => ({ ...settings, hiddenItems: [...settings.hiddenItems, item] });
  });
  form(TIMELINE_FORM_PATHS.shownItems, (req) => {
    const item = itemOf(req, TIMELINE_FORM_PATHS.shownItems);
    return (settings) => ({ ...settings, hiddenItems: settings.hiddenItems.filter((hidden) => hidden !== item) });
  });
  form(TIMELINE_FORM_PATHS.hiddenCategories, (req) => {
    const { list, value } = categoryOf(req, TIMELINE_FORM_PATHS.hiddenCategories);
    return (settings) => ({ ...settings, hiddenCategories: { ...settings.hiddenCategories, [list]: [...settings.hiddenCategories[list], value] } });
  });
  form(TIMELINE_FORM_PATHS.shownCategories, (req) => {
    const { list, value } = categoryOf(req, TIMELINE_FORM_PATHS.shownCategories);
    const without = (values: string[]) => values.filter((hidden) => hidden !== value);
    return (settings) => ({ ...settings, hiddenCategories: { ...settings.hiddenCategories, [list]: without(settings.hiddenCategories[list]) } });
  });

  router.get('/receipts/:statementId', requireSignedIn(people), async (req, res) => {
    const statementId = parseUuidParameter('statementId', String(req.params.statementId));
    const notFound = new NotFoundError(`No anchored statement ${statementId} on your timeline`, 'RECEIPT_NOT_FOUND');
    const stored = await statements.get(statementId);
    if (stored === undefined || stored.voided) throw notFound;
    const ifis = new Set(await signedInIfis(people, req));
    if (!timelineEntries(stored).some((entry) => ifis.has(entry.ifi))) throw notFound;
    const receipt = await receipts()?.receiptOf(statementId);
    if (receipt === undefined) throw notFound;
    res.json(receipt);
  });
  return router;
}

/** A browser gets its errors as pages; any other client (scripts, tests) as JSON with their code. */
const pageForBrowsers: RequestHandler = (req, res, next) => (req.accepts(['json', 'html']) === 'html' ? asPage(req, res, next) : next());
const asPage = webPage();

/** The form's fields: the ones named, each at most once, plus the CSRF token and `return`. */
function formFields(req: Request, resource: string, optional: string[], required: string[] = []): Record<string, string | undefined> {
  return singleParameters(req.body as Record<string, unknown>, { required, optional: [...optional, '_csrf', 'return'], resource: `POST ${resource}` });
}

function itemOf(req: Request, resource: string): string {
  const { item } = formFields(req, resource, [], ['item']);
  return parseUuidParameter('item', item!).toLowerCase();
}

/** Exactly one of kind, activity or institution, checked as the privacy settings check it. */
function categoryOf(req: Request, resource: string): Category {
  const fields = formFields(req, resource, Object.keys(CATEGORY_FIELDS));
  const given = (Object.keys(CATEGORY_FIELDS) as CategoryField[]).filter((field) => fields[field] !== undefined);
  if (given.length !== 1) throw new BadRequestError(BadRequestCode.InvalidParameter, `Send exactly one of ${Object.keys(CATEGORY_FIELDS).join(', ')}`);
  const list = CATEGORY_FIELDS[given[0]!];
  const value = fields[given[0]!]!;
  parsePrivacySettings({ ...NOTHING_HIDDEN, hiddenCategories: { ...NOTHING_HIDDEN.hiddenCategories, [list]: [value] } });
  return { list, value };
}

/** The page the form was on, rebuilt from its parsed query (so a form can only send people back to the timeline). */
function returnUrl(req: Request): string {
  const given = (req.body as Record<string, unknown>).return;
  if (typeof given !== 'string' || given === '') return timelineUrl('');
  const { filter, includeHidden } = itemsQuery(Object.fromEntries(new URLSearchParams(given)));
  const cursor = new URLSearchParams(given).get('cursor') ?? undefined;
  return timelineUrl(timelineQueryString({ filter, includeHidden, cursor }));
}
