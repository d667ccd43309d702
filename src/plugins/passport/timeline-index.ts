import type { Collection, CollectionDeclaration, FeedEvent, FindQuery } from '../../plugin-api';
import { timelineEntries, type TimelineEntry, type TimelineKind } from './timeline-entries';

/** The timeline's one collection: an entry per (statement, IFI it is about); every page is a range of one of these indexes. */
export const PASSPORT_STORES: Record<string, CollectionDeclaration> = {
  entries: {
    indexes: [
      { name: 'by_ifi', fields: ['ifi', 'position'] },
      { name: 'by_ifi_kind', fields: ['ifi', 'kind', 'position'] },
      { name: 'by_ifi_institution', fields: ['ifi', 'institution', 'position'] },
      { name: 'by_statement', fields: ['statementId'] },
    ],
  },
};

export interface TimelineFilter {
  kind?: TimelineKind;
  institution?: string;
  /** Lower-cased text to find in the activity's names and descriptions. */
  q?: string;
}

export interface TimelinePage {
  entries: TimelineEntry[];
  /** The position of the last entry when more follow. */
  next?: string;
}

/** The most `find` returns at once. */
const MAX_FIND = 1000;

/**
 * The timeline index (fed by the plugin's events) and its pages. Entries are keyed by IFI, not by
 * person: linking an identity later shows its earlier statements at once.
 */
export class TimelineIndex {
  /** `textScanChunk`: entries read at a time while searching text (tests make it small). */
  constructor(
    private readonly entries: Collection<TimelineEntry>,
    private readonly textScanChunk = MAX_FIND,
  ) {}

  /** Idempotent by statement id: a redelivered `stored` event puts the same entries again. */
  async apply(events: FeedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'voided') {
        await this.entries.deleteMany({ statementId: event.statementId });
        continue;
      }
      for (const entry of timelineEntries(event.statement)) await this.entries.put(`${entry.statementId}:${entry.ifi}`, entry);
    }
  }

  /**
   * Newest first, the statements about any of `ifis` (digests) before `after` (a position): each
   * statement once, however many of the IFIs it is about. Without `q` this reads an index range;
   * with `q`, the person's entries are read in index order until the page is full.
   */
  async page(ifis: string[], filter: TimelineFilter, after: string | undefined, limit: number): Promise<TimelinePage> {
    if (ifis.length === 0) return { entries: [] };
    const found: TimelineEntry[] = [];
    const seen = new Set<string>();
    // Without q, a full chunk holds more than `limit` statements (each has at most one entry per IFI).
    const chunk = filter.q === undefined ? Math.min(MAX_FIND, (limit + 1) * ifis.length) : this.textScanChunk;
    let before = after;
    for (;;) {
      const batch = await this.entries.find(this.query(ifis, filter, before, chunk));
      for (const { value } of batch) {
        if (seen.has(value.statementId) || (filter.q !== undefined && !value.text.includes(filter.q))) continue;
        seen.add(value.statementId);
        found.push(value);
      }
      if (found.length > limit || batch.length < chunk) break;
      before = batch.at(-1)!.value.position;
    }
    if (found.length <= limit) return { entries: found };
    const entries = found.slice(0, limit);
    return { entries, next: entries.at(-1)!.position };
  }

  private query(ifis: string[], filter: TimelineFilter, before: string | undefined, limit: number): FindQuery {
    const where: NonNullable<FindQuery['where']> = { ifi: ifis.length === 1 ? ifis[0]! : { in: ifis } };
    if (filter.kind !== undefined) where.kind = filter.kind;
    if (filter.institution !== undefined) where.institution = filter.institution;
    if (before !== undefined) where.position = { lt: before };
    return { where, orderBy: [{ field: 'position', descending: true }], limit };
  }
}
