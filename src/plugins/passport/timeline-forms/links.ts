import type { ItemsQuery } from '../routes';

/** Where the plugin's routers are mounted. */
export const PASSPORT_PREFIX = '/plugins/passport';
export const TIMELINE_PAGE_PATH = `${PASSPORT_PREFIX}/timeline`;

/** The learner's pages of other parts of the passport, linked from the timeline. */
export const SHARES_PAGE_PATH = `${PASSPORT_PREFIX}/shares`;
export const ANALYTICS_PAGE_PATH = `${PASSPORT_PREFIX}/analytics`;
export const EXPORT_PATH = `${PASSPORT_PREFIX}/api/export`;

/** The timeline's form routes (mounted at /plugins/passport): each answers 303 back to the page it came from. */
export const TIMELINE_FORM_PATHS = {
  hiddenItems: `${TIMELINE_PAGE_PATH}/hidden-items`,
  shownItems: `${TIMELINE_PAGE_PATH}/shown-items`,
  hiddenCategories: `${TIMELINE_PAGE_PATH}/hidden-categories`,
  shownCategories: `${TIMELINE_PAGE_PATH}/shown-categories`,
} as const;

/** The owner's receipt of one of their anchored items (the anchoring plugin's own route wants HTTP Basic credentials). */
export const receiptPath = (statementId: string) => `${PASSPORT_PREFIX}/receipts/${statementId}`;

/** The query string of a timeline page (filters, hidden items, cursor) without its "?": what the forms send back as `return`. */
export function timelineQueryString({ filter, includeHidden, cursor }: Pick<ItemsQuery, 'filter' | 'includeHidden'> & { cursor?: string }): string {
  const query = new URLSearchParams();
  if (filter.kind !== undefined) query.set('kind', filter.kind);
  if (filter.institution !== undefined) query.set('institution', filter.institution);
  if (filter.q !== undefined) query.set('q', filter.q);
  if (!includeHidden) query.set('includeHidden', 'false');
  if (cursor !== undefined) query.set('cursor', cursor);
  return query.toString();
}

export function timelineUrl(queryString: string): string {
  return queryString === '' ? TIMELINE_PAGE_PATH : `${TIMELINE_PAGE_PATH}?${queryString}`;
}
