/**
 * The pull's position at the peer, as pure functions (docs/federation.md, "Pull"): which URL reads
 * the next page, which statements of a page are new, and where the cursor stands once a page is
 * stored. Resuming after a crash of either side, or when the peer no longer honours its `more`
 * link, reads again from the newest `stored` received less 1 ms: nothing is skipped, and the
 * statements of that last millisecond already received are left out.
 */
import type { PullCursor, PullFilters, PullSource } from './records';

/** The ids of one millisecond a cursor remembers; beyond, older ones are received again (idempotent, counted twice). */
export const BOUNDARY_LIMIT = 10_000;

/** What the cursor reads of a statement the peer sent (anything: it may be garbage). */
export interface PulledStatement {
  id?: unknown;
  stored?: unknown;
}

/** GET <endpoint>/statements of the statements stored after `since` (exclusive), oldest first, with their attachments. */
export function statementsUrl(endpoint: string, filters: PullFilters, since: string | undefined, limit: number): string {
  const query = new URLSearchParams({ ascending: 'true', attachments: 'true', limit: String(limit) });
  if (since !== undefined) query.set('since', since);
  for (const [name, value] of Object.entries(filters)) query.set(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
  return `${endpoint}/statements?${query}`;
}

/** The next page: the `more` link kept with the last page stored, else the statements after resumeSince. */
export function nextPageUrl(endpoint: string, source: Pick<PullSource, 'filters' | 'since' | 'cursor'>, limit: number): { url: string; via: 'more' | 'since' } {
  if (source.cursor.more !== undefined) return { url: source.cursor.more, via: 'more' };
  return { url: statementsUrl(endpoint, source.filters, resumeSince(source.cursor, source.since), limit), via: 'since' };
}

/** 1 ms before the newest `stored` received (a batch shares one stored time and a page may end inside it), else where the pull started. */
export function resumeSince(cursor: PullCursor, start: string | undefined): string | undefined {
  if (cursor.since === undefined) return start;
  return new Date(Date.parse(cursor.since) - 1).toISOString();
}

/**
 * The peer's `more` (xAPI: a path with its query, Communication 2.1.3) as a URL at the endpoint's
 * origin; undefined when empty (the last page). A link to another origin is refused: a peer must
 * not send this LRS's credentials elsewhere.
 */
export function resolveMore(endpoint: string, more: unknown): { url?: string } | { refused: string } {
  if (more === undefined || more === null || more === '') return {};
  if (typeof more !== 'string') return { refused: `the peer's "more" is not a text but ${JSON.stringify(more).slice(0, 60)}` };
  const origin = new URL(endpoint).origin;
  let url: URL;
  try {
    url = new URL(more, origin);
  } catch {
    return { refused: `the peer's "more" is not a URL: ${more.slice(0, 200)}` };
  }
  if (url.origin !== origin) return { refused: `the peer's "more" points to another origin (${url.origin}), not ${origin}` };
  return { url: url.href };
}

/** The page's statements not received yet: those the cursor remembers from the boundary millisecond are left out. */
export function unseen<S extends PulledStatement>(statements: readonly S[], cursor: PullCursor): S[] {
  if (cursor.boundaryIds === undefined || cursor.boundaryIds.length === 0) return [...statements];
  const seen = new Set(cursor.boundaryIds);
  return statements.filter((statement) => !(typeof statement.id === 'string' && seen.has(statement.id)));
}

/**
 * The cursor once a page is stored: the newest `stored` of the page (ISO, ms), the ids stored in
 * that millisecond (with those of the same millisecond on earlier pages), and the next link.
 */
export function advance(cursor: PullCursor, statements: readonly PulledStatement[], more: string | undefined): PullCursor {
  let newestMs = cursor.since === undefined ? -Infinity : Date.parse(cursor.since);
  let boundary = new Set(cursor.boundaryIds ?? []);
  for (const statement of statements) {
    const ms = storedMs(statement);
    if (ms === undefined || ms < newestMs) continue;
    if (ms > newestMs) {
      newestMs = ms;
      boundary = new Set();
    }
    if (typeof statement.id === 'string') boundary.add(statement.id);
  }
  const since = Number.isFinite(newestMs) ? new Date(newestMs).toISOString() : undefined;
  return {
    ...(since !== undefined && { since }),
    ...(more !== undefined && { more }),
    ...(boundary.size > 0 && { boundaryIds: [...boundary].slice(-BOUNDARY_LIMIT) }),
  };
}

/** The `stored` time of a statement in ms, undefined when it has none that reads as a time. */
export function storedMs(statement: PulledStatement): number | undefined {
  if (typeof statement.stored !== 'string') return undefined;
  const ms = Date.parse(statement.stored);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * How far a pull has come: the peer's stored time reached, between that of the first statement
 * received and now (1 once caught up).
 */
export function progressOf(source: Pick<PullSource, 'firstStored' | 'cursor' | 'caughtUp'>, nowMs: number): { from?: string; through?: string; fraction: number } {
  const from = source.firstStored;
  const through = source.cursor.since;
  if (source.caughtUp) return { from, through, fraction: 1 };
  if (from === undefined || through === undefined) return { from, through, fraction: 0 };
  const span = nowMs - Date.parse(from);
  const fraction = span <= 0 ? 1 : (Date.parse(through) - Date.parse(from)) / span;
  return { from, through, fraction: Math.min(1, Math.max(0, fraction)) };
}
