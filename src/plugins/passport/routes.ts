import { Router, type Request, type RequestHandler } from 'express';
import { BadRequestCode, BadRequestError, HttpError, singleParameters, type PeopleForPlugins, type StatementReceipts } from '../../plugin-api';
import { isHidden, parsePrivacySettings, type PrivacySettings, type PrivacyStore } from './privacy';
import { ifiDigest, TIMELINE_KINDS, type TimelineEntry, type TimelineKind } from './timeline-entries';
import { itemAnchoringOf } from './timeline-forms/anchoring';
import type { TimelineFilter, TimelineIndex, TimelinePage } from './timeline-index';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
const MAX_TEXT_LENGTH = 200;
const MAX_INSTITUTION_LENGTH = 2100;
const POSITION = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\|[0-9a-f-]{36}$/;

/** Timeline pages read for one page without hidden items: a person who hid nearly everything gets short pages, not a long scan. */
const MAX_PAGES_SKIPPING_HIDDEN = 10;

export interface PassportRoutesOptions {
  timeline: TimelineIndex;
  privacy: PrivacyStore;
  people: PeopleForPlugins;
  /** The platform's JSON body parser (bounded size and depth). */
  jsonBody: () => RequestHandler;
  /** The anchoring plugin's receipts service, looked up per request (undefined while anchoring is off). */
  receipts: () => StatementReceipts | undefined;
}

/** Mounted at /plugins/passport: the signed-in person's timeline and privacy settings as JSON (stable routes). */
export function passportRoutes({ timeline, privacy, people, jsonBody, receipts }: PassportRoutesOptions): Router {
  const router = Router();
  const personOf = (req: Request) => people.signedIn(req)!.person.id;
  router.get('/api/items', requireSignedIn(people), async (req, res) => {
    const { page, settings } = await signedInTimelinePage({ timeline, privacy, people }, req, itemsQuery(req.query));
    const anchoring = await itemAnchoringOf(
      receipts(),
      page.entries.map((entry) => entry.statementId),
    );
    const items = page.entries.map((entry) => ({ ...timelineItem(entry), ...(isHidden(entry, settings) && { hidden: true }), anchoring: anchoring.get(entry.statementId) }));
    res.json({ items, ...(page.next !== undefined && { next: encodeCursor(page.next) }) });
  });
  router.get('/api/privacy', requireSignedIn(people), async (req, res) => {
    res.json(await privacy.of(personOf(req)));
  });
  router.put('/api/privacy', requireSignedIn(people), requireJsonContentType, jsonBody(), async (req, res) => {
    const settings = parsePrivacySettings(req.body);
    await privacy.replace(personOf(req), settings);
    res.json(settings);
  });
  return router;
}

/** The signed-in person's timeline page for a parsed query (hidden items left out unless asked for), with their privacy settings. */
export async function signedInTimelinePage(
  { timeline, privacy, people }: Omit<PassportRoutesOptions, 'jsonBody' | 'receipts'>,
  req: Request,
  { filter, cursor, limit, includeHidden }: ItemsQuery,
): Promise<{ page: TimelinePage; settings: PrivacySettings }> {
  const ifis = await signedInIfis(people, req);
  const settings = await privacy.of(people.signedIn(req)!.person.id);
  const page = includeHidden
    ? await timeline.page(ifis, filter, cursor, limit)
    : await pageWithoutHidden((after) => timeline.page(ifis, filter, after, limit), settings, cursor, limit);
  return { page, settings };
}

/**
 * A page of at most `limit` entries the owner did not hide, read page by page from the timeline.
 * After MAX_PAGES_SKIPPING_HIDDEN pages it answers what it found (maybe nothing) with `next`.
 */
export async function pageWithoutHidden(
  read: (after: string | undefined) => Promise<TimelinePage>,
  settings: PrivacySettings,
  cursor: string | undefined,
  limit: number,
): Promise<TimelinePage> {
  const entries: TimelineEntry[] = [];
  let after = cursor;
  for (let pages = 0; pages < MAX_PAGES_SKIPPING_HIDDEN; pages++) {
    const page = await read(after);
    for (const [index, entry] of page.entries.entries()) {
      if (isHidden(entry, settings)) continue;
      entries.push(entry);
      const more = index < page.entries.length - 1 || page.next !== undefined;
      if (entries.length === limit) return more ? { entries, next: entry.position } : { entries };
    }
    if (page.next === undefined) return { entries };
    after = page.next;
  }
  return { entries, next: after };
}

/**
 * Cross-site HTML forms can send the session cookie (SameSite=Lax lets top-level POSTs through) but
 * never `application/json`, and any other cross-site request with it needs a CORS preflight: so
 * requiring that type is this JSON API's protection against cross-site requests.
 */
export function requireJsonContentType(req: Request, _res: unknown, next: () => void): void {
  const type = req.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', `Send the body as application/json (got ${type ?? 'no Content-Type'})`);
  next();
}

/** The IFI digests of the signed-in person's linked identities (after requireSignedIn). */
export async function signedInIfis(people: PeopleForPlugins, req: Request): Promise<string[]> {
  const identities = await people.identitiesOf(people.signedIn(req)!.person.id);
  return [...new Set(identities.map((identity) => ifiDigest(identity)).filter((digest) => digest !== undefined))];
}

/** A browser finding nobody signed in is sent to sign in and back (303); an API client gets 401. */
export function requireSignedIn(people: PeopleForPlugins) {
  const redirect = people.requireSignIn();
  return (req: Request, res: Parameters<typeof redirect>[1], next: () => void) => {
    if (people.signedIn(req)) return next();
    if (req.accepts(['json', 'html']) === 'html') return redirect(req, res, next);
    throw new HttpError(401, 'SIGN_IN_REQUIRED', 'Sign in to read your passport (/sign-in)');
  };
}

/** The timeline's query parameters (shared by the JSON API and the page): 400 for anything else. */
export interface ItemsQuery {
  filter: TimelineFilter;
  cursor?: string;
  limit: number;
  includeHidden: boolean;
}

export function itemsQuery(query: Request['query']): ItemsQuery {
  const given = singleParameters(query, {
    optional: ['kind', 'institution', 'q', 'cursor', 'limit', 'includeHidden'],
    resource: 'GET plugins/passport/api/items',
  });
  const filter: TimelineFilter = {};
  if (given.kind !== undefined) filter.kind = parseKind(given.kind);
  if (given.institution !== undefined) filter.institution = boundedText('institution', given.institution, MAX_INSTITUTION_LENGTH);
  if (given.q !== undefined) filter.q = boundedText('q', given.q.trim(), MAX_TEXT_LENGTH).toLowerCase();
  return {
    filter,
    cursor: given.cursor === undefined ? undefined : decodeCursor(given.cursor),
    limit: parseLimit(given.limit),
    includeHidden: parseIncludeHidden(given.includeHidden),
  };
}

function parseIncludeHidden(value: string | undefined): boolean {
  if (value === undefined || value === 'true') return true;
  if (value === 'false') return false;
  throw invalid(`includeHidden must be true or false, got "${value}"`);
}

function parseKind(kind: string): TimelineKind {
  if ((TIMELINE_KINDS as readonly string[]).includes(kind)) return kind as TimelineKind;
  throw invalid(`kind must be one of ${TIMELINE_KINDS.join(', ')}, got "${kind}"`);
}

function boundedText(name: string, value: string, maxLength: number): string {
  if (value.length === 0 || value.length > maxLength) throw invalid(`${name} must be 1 to ${maxLength} characters`);
  return value;
}

function parseLimit(limit: string | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_LIMIT) throw invalid(`limit must be an integer from 1 to ${MAX_LIMIT}, got "${limit}"`);
  return Number(limit);
}

/** Cursors are opaque to clients: the last item's position, base64url-encoded. */
export function encodeCursor(position: string): string {
  return Buffer.from(position).toString('base64url');
}

function decodeCursor(cursor: string): string {
  const position = Buffer.from(cursor, 'base64url').toString();
  if (!POSITION.test(position)) throw invalid('cursor is not one this API gave (use the "next" of a page)');
  return position;
}

function invalid(message: string): BadRequestError {
  return new BadRequestError(BadRequestCode.InvalidParameter, message);
}

function timelineItem(entry: TimelineEntry) {
  const { statementId, stored, role, kind, verb, object, result, institution, institutionName, parents, groupings } = entry;
  return {
    statementId,
    stored,
    role,
    kind,
    verb,
    object,
    ...(result && { result }),
    institution: institutionName === undefined ? { id: institution } : { id: institution, name: institutionName },
    parents,
    groupings,
  };
}
