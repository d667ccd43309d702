import { BadRequestError } from '../../../plugin-api';

/** What the learner asks to share: statement ids or everything visible, until `expiresAt`. */
export interface ShareRequest {
  items: string[] | 'all';
  expiresAt: Date;
}

export const SHARE_LIMITS = {
  /** Items in one share, whether listed or "all". */
  items: 2000,
  defaultDays: 30,
  maxDays: 365,
} as const;

/** 400 codes of share requests (stable). */
export const ShareErrorCode = {
  /** The body or form is malformed: its shape, an id, the expiry. */
  InvalidShare: 'INVALID_SHARE',
  /** A listed item is not one of the person's visible, non-voided timeline items. */
  ItemUnavailable: 'SHARE_ITEM_UNAVAILABLE',
  /** More than SHARE_LIMITS.items items (or a presentation too large to keep). */
  TooLarge: 'SHARE_TOO_LARGE',
  /** "all" while nothing is visible. */
  NothingToShare: 'NOTHING_TO_SHARE',
} as const;

const DAY_MS = 24 * 3600 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** RFC 3339 with a time zone: what xAPI timestamps look like, so no locale-dependent Date parsing. */
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;

/** The JSON body of POST /api/shares: `{"items": [ids] | "all", "expiresAt"?: RFC 3339}`. */
export function parseShareRequest(body: unknown, now: Date): ShareRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('the body must be an object with "items" and optionally "expiresAt"');
  const unknown = Object.keys(body).find((key) => key !== 'items' && key !== 'expiresAt');
  if (unknown !== undefined) throw invalid(`unknown property "${unknown.slice(0, 50)}" (expected items, expiresAt)`);
  const { items, expiresAt } = body as Record<string, unknown>;
  return { items: parseItems(items), expiresAt: parseExpiresAt(expiresAt, now) };
}

/** The form of the pages: `items` (repeated) or `all=1`, and `expiresInDays` (default 30). */
export function parseShareForm(body: Record<string, unknown>, now: Date): ShareRequest {
  const all = body.all === '1';
  const given = body.items === undefined ? [] : [body.items].flat();
  if (all && given.length > 0) throw invalid('send either all=1 or items, not both');
  return { items: all ? 'all' : parseItems(given), expiresAt: expiryInDays(body.expiresInDays, now) };
}

function parseItems(items: unknown): string[] | 'all' {
  if (items === 'all') return 'all';
  if (!Array.isArray(items)) throw invalid('items must be "all" or an array of statement ids');
  if (items.length === 0) throw invalid('items must name at least one statement');
  if (items.length > SHARE_LIMITS.items) throw new BadRequestError(ShareErrorCode.TooLarge, `a share holds at most ${SHARE_LIMITS.items} items, got ${items.length}`);
  const ids = items.map((item, index) => {
    const id = typeof item === 'string' ? item.toLowerCase() : '';
    if (!UUID.test(id)) throw invalid(`items[${index}] must be a statement id (a UUID)`);
    return id;
  });
  return [...new Set(ids)];
}

function parseExpiresAt(value: unknown, now: Date): Date {
  if (value === undefined) return new Date(now.getTime() + SHARE_LIMITS.defaultDays * DAY_MS);
  if (typeof value !== 'string' || !TIMESTAMP.test(value) || Number.isNaN(Date.parse(value))) {
    throw invalid('expiresAt must be a date and time with a time zone (RFC 3339), e.g. 2027-01-31T00:00:00Z');
  }
  return withinLimits(new Date(value), now);
}

function expiryInDays(value: unknown, now: Date): Date {
  if (value === undefined || value === '') return new Date(now.getTime() + SHARE_LIMITS.defaultDays * DAY_MS);
  const days = typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : 0;
  if (days < 1 || days > SHARE_LIMITS.maxDays) throw invalid(`expiresInDays must be a whole number of days from 1 to ${SHARE_LIMITS.maxDays}`);
  return new Date(now.getTime() + days * DAY_MS);
}

function withinLimits(expiresAt: Date, now: Date): Date {
  if (expiresAt.getTime() <= now.getTime()) throw invalid('expiresAt must be in the future');
  if (expiresAt.getTime() > now.getTime() + SHARE_LIMITS.maxDays * DAY_MS) throw invalid(`expiresAt must be at most ${SHARE_LIMITS.maxDays} days from now`);
  return expiresAt;
}

function invalid(message: string): BadRequestError {
  return new BadRequestError(ShareErrorCode.InvalidShare, message);
}
