import type { Collection } from '../../../plugin-api';
import type { TimelineEntry } from '../timeline-entries';

/** People whose figures one process keeps (about 40 KB each at 10,000 entries). */
const MAX_PEOPLE = 200;
/** Figures older than this are computed again whatever the fingerprint (which misses a few changes: see below). */
const MAX_AGE_MS = 5 * 60_000;

/**
 * The last figures computed for a person, kept while their entries have not changed: reading and
 * counting 10,000 entries costs ~230 ms of CPU (docs/passport.md), reloading the page should not.
 * A change is seen by its fingerprint, index reads far cheaper than the entries: the IFIs (an identity linked or
 * unlinked), how many entries they have (a statement added, or voided) and the newest position
 * (one voided and another added between two visits); and for at most MAX_AGE_MS. Per process,
 * least recently used first out.
 */
export class FiguresCache<T> {
  private readonly figures = new Map<string, { fingerprint: string; value: T; at: number }>();

  constructor(private readonly entries: Collection<TimelineEntry>) {}

  async get(personId: string, ifis: string[], compute: () => Promise<T>): Promise<T> {
    const fingerprint = await this.fingerprint(ifis);
    const cached = this.figures.get(personId);
    this.figures.delete(personId);
    const fresh = cached !== undefined && cached.fingerprint === fingerprint && Date.now() - cached.at < MAX_AGE_MS;
    const entry = fresh ? cached : { fingerprint, value: await compute(), at: Date.now() };
    this.figures.set(personId, entry);
    if (this.figures.size > MAX_PEOPLE) this.figures.delete(this.figures.keys().next().value!);
    return entry.value;
  }

  private async fingerprint(ifis: string[]): Promise<string> {
    if (ifis.length === 0) return '';
    const where = { ifi: ifis.length === 1 ? ifis[0]! : { in: ifis } };
    const [count, newest] = await Promise.all([
      this.entries.count(where),
      this.entries.find({ where, orderBy: [{ field: 'position', descending: true }], limit: 1 }),
    ]);
    return JSON.stringify([[...ifis].sort(), count, newest[0]?.value.position]);
  }
}
