import { Router, type Request } from 'express';
import { BadRequestCode, BadRequestError, HttpError, singleParameters, type PeopleForPlugins } from '../../plugin-api';
import { ifiDigest, TIMELINE_KINDS, type TimelineEntry, type TimelineKind } from './timeline-entries';
import type { TimelineFilter, TimelineIndex } from './timeline-index';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
const MAX_TEXT_LENGTH = 200;
const MAX_INSTITUTION_LENGTH = 2100;
const POSITION = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\|[0-9a-f-]{36}$/;

export interface PassportRoutesOptions {
  timeline: TimelineIndex;
  people: PeopleForPlugins;
}

/** Mounted at /plugins/passport: the signed-in person's timeline as JSON (a stable route). */
export function passportRoutes({ timeline, people }: PassportRoutesOptions): Router {
  const router = Router();
  router.get('/api/items', requireSignedIn(people), async (req, res) => {
    const { filter, cursor, limit } = itemsQuery(req.query);
    const page = await timeline.page(await signedInIfis(people, req), filter, cursor, limit);
    res.json({ items: page.entries.map(timelineItem), ...(page.next !== undefined && { next: encodeCursor(page.next) }) });
  });
  return router;
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
export function itemsQuery(query: Request['query']): { filter: TimelineFilter; cursor?: string; limit: number } {
  const given = singleParameters(query, { optional: ['kind', 'institution', 'q', 'cursor', 'limit'], resource: 'GET plugins/passport/api/items' });
  const filter: TimelineFilter = {};
  if (given.kind !== undefined) filter.kind = parseKind(given.kind);
  if (given.institution !== undefined) filter.institution = boundedText('institution', given.institution, MAX_INSTITUTION_LENGTH);
  if (given.q !== undefined) filter.q = boundedText('q', given.q.trim(), MAX_TEXT_LENGTH).toLowerCase();
  return { filter, cursor: given.cursor === undefined ? undefined : decodeCursor(given.cursor), limit: parseLimit(given.limit) };
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
