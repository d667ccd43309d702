/**
 * Space search (GET /plugins/marketplace/spaces): the spaces within a radius of a point, with at
 * least a capacity, all the amenities asked, all the accessibility features and certifications a
 * space verifier asserted (unexpired: the owner's claims never count), verified child-safe, in a
 * price range, bookable throughout a window; ordered by distance or rating.
 *
 * Reads the search entries of the grid cells around the circle (one indexed query per page of
 * them, in id order), filters the rest in memory, then checks the window for the best candidates only, in
 * order, until a page is full.
 */
import type { Collection } from '../../../plugin-api';
import { openIntervals, subtractIntervals } from '../availability';
import type { Interval, RatingSummaries, RatingSummary, ReservationLookup, Space } from '../model';
import { spacesByIds } from '../spaces/directory';
import type { SearchEntry, StoredSpace } from '../spaces/records';
import { coverOf, distanceKm, ringsOf, type CellField } from './geo';
import { queryStringOf, type SpaceQuery } from './query';

export interface SpaceSearchOptions {
  store: (name: string) => Collection<any>;
  busy: ReservationLookup['busy'];
  ratings: RatingSummaries;
  now?: () => number;
  /** Search entries read per query of the store (at most 1000, the store's limit). */
  pageSize?: number;
  /** A circle expected to hold at most this many entries (after the store's filters) is read at once (2000). */
  sparseEntries?: number;
}

export interface SpaceSearchResult {
  space: Space;
  distanceKm: number;
  rating: RatingSummary | undefined;
}

export interface SpaceSearchPage {
  results: SpaceSearchResult[];
  /** The path and query of the next page, when there is one. */
  more?: string;
}

/** Spaces whose window is checked at once (one busy read, one read of their plans). */
const WINDOW_BATCH = 50;

interface Candidate {
  entry: SearchEntry;
  distanceKm: number;
  rating?: RatingSummary;
}

export class SpaceSearch {
  private readonly searchStore: Collection<SearchEntry>;
  private readonly spacesStore: Collection<StoredSpace>;
  private readonly busy: ReservationLookup['busy'];
  private readonly ratings: RatingSummaries;
  private readonly now: () => number;
  private readonly pageSize: number;
  private readonly sparseEntries: number;

  constructor({ store, busy, ratings, now = Date.now, pageSize = 1000, sparseEntries = 2000 }: SpaceSearchOptions) {
    this.pageSize = pageSize;
    this.sparseEntries = sparseEntries;
    this.searchStore = store('space_search');
    this.spacesStore = store('spaces');
    this.busy = busy;
    this.ratings = ratings;
    this.now = now;
  }

  async search(query: SpaceQuery): Promise<SpaceSearchPage> {
    const nowMs = this.now();
    const wanted = query.offset + query.limit;
    const walk = new BookableWalk(wanted + 1, query.window === undefined ? 1 : WINDOW_BATCH, (spaces) => this.bookableAmong(spaces, query.window, nowMs), this.spacesStore);
    await this.walkCircle(walk, query, nowMs);
    const page = walk.found.slice(query.offset, wanted);
    const ratings = query.orderBy === 'rating' ? undefined : await this.ratings.summaries(page.map(({ entry }) => entry.sid));
    const results = page.map((candidate) => ({
      space: walk.spaces.get(candidate.entry.sid)!,
      distanceKm: Math.round(candidate.distanceKm * 1000) / 1000,
      rating: candidate.rating ?? ratings?.get(candidate.entry.sid),
    }));
    return { results, ...(walk.found.length > wanted && { more: `/plugins/marketplace/spaces?${queryStringOf(query, wanted)}` }) };
  }

  /**
   * The circle's smallest cells nearest the point are read first: when they show the circle to
   * be sparse (≤ sparseEntries expected), the rest of it is read at once (a few larger cells) and
   * ordered. Else the smallest cells are read a group at a time (smaller queries than the whole
   * dense circle's): by rating every group, then ordered; by distance nearest first, where a
   * candidate nearer than anything the unread groups can hold is settled, settled candidates go to
   * the walk in order of distance, and the walk stops once it has a page.
   */
  private async walkCircle(walk: BookableWalk, query: SpaceQuery, nowMs: number): Promise<void> {
    const { field, groups } = ringsOf(query.latitude, query.longitude, query.radiusKm);
    const cellCount = groups.reduce((sum, { cells }) => sum + cells.length, 0);
    const first = await this.candidatesIn({ field, cells: groups[0]!.cells }, query, nowMs);
    if ((first.read / groups[0]!.cells.length) * cellCount <= this.sparseEntries) {
      const all = (await this.candidatesIn(coverOf(query.latitude, query.longitude, query.radiusKm), query, nowMs)).candidates;
      return walk.take(query.orderBy === 'rating' ? await this.byRating(all) : all.sort(byDistance));
    }
    let pending = first.candidates;
    for (const [index, { cells, beyondKm }] of groups.entries()) {
      if (index > 0) pending.push(...(await this.candidatesIn({ field, cells }, query, nowMs)).candidates);
      if (query.orderBy === 'rating') continue;
      const settled = pending.filter(({ distanceKm: km }) => km < beyondKm).sort(byDistance);
      pending = pending.filter(({ distanceKm: km }) => km >= beyondKm);
      await walk.take(settled);
      if (walk.full) return;
    }
    if (query.orderBy === 'rating') await walk.take(await this.byRating(pending));
  }

  /**
   * The candidates of the cells, and how many entries were read: the store filters capacity,
   * child safety, price and plan; the rest is filtered here.
   */
  private async candidatesIn({ field, cells }: { field: CellField; cells: string[] }, query: SpaceQuery, nowMs: number): Promise<{ candidates: Candidate[]; read: number }> {
    const where: NonNullable<Parameters<Collection<SearchEntry>['find']>[0]>['where'] = { [field]: { in: cells }, capacity: { gte: query.minCapacity } };
    if (query.childSafe) where.childSafeUntilMs = { gt: nowMs };
    else if (query.features.length > 0 || query.certifications.length > 0) where.verifiedUntilMs = { gt: nowMs };
    if (query.price !== undefined) {
      where.currency = query.price.currency;
      where.rateMinor = { gte: query.price.minMinor ?? 0, ...(query.price.maxMinor !== undefined && { lte: query.price.maxMinor }) };
    }
    if (query.window !== undefined) where.hasPlan = true;
    const entries: SearchEntry[] = [];
    for (;;) {
      const after = entries.at(-1)?.sid;
      const page = await this.searchStore.find({ where: after === undefined ? where : { ...where, sid: { gt: after } }, orderBy: [{ field: 'sid' }], limit: this.pageSize });
      entries.push(...page.map(({ value }) => value));
      if (page.length < this.pageSize) return { candidates: entries.flatMap((entry) => candidateOf(entry, query, nowMs)), read: entries.length };
    }
  }

  /** Best overall rating first, unrated last, then nearest. */
  private async byRating(candidates: Candidate[]): Promise<Candidate[]> {
    const summaries = await this.ratings.summaries(candidates.map(({ entry }) => entry.sid));
    for (const candidate of candidates) candidate.rating = summaries.get(candidate.entry.sid);
    const overall = (candidate: Candidate) => candidate.rating?.overall ?? -1;
    return candidates.sort((a, b) => overall(b) - overall(a) || a.distanceKm - b.distanceKm || a.entry.sid.localeCompare(b.entry.sid));
  }

  /** The spaces (by id) bookable throughout the window; all of them without one. */
  private async bookableAmong(spaces: Space[], window: Interval | undefined, nowMs: number): Promise<Set<string>> {
    return window === undefined ? new Set(spaces.map(({ id }) => id)) : this.bookable(spaces, window, nowMs);
  }

  /** The ids of the spaces open by their plan throughout the window and not claimed in it. A window begun already is no longer bookable. */
  private async bookable(spaces: Space[], window: Interval, nowMs: number): Promise<Set<string>> {
    if (window.startMs < nowMs) return new Set();
    const open = spaces.filter((space) => space.availability !== undefined && covers(openIntervals(space.availability, window.startMs, window.endMs), window));
    const busy = await this.busy(open.map(({ id }) => id), window.startMs, window.endMs);
    return new Set(open.filter(({ id }) => covers(subtractIntervals([window], busy.get(id) ?? []), window)).map(({ id }) => id));
  }
}

/**
 * Takes candidates in the order they are given and keeps those bookable, until it has `count`:
 * their spaces are read, and the window checked, a batch at a time.
 */
class BookableWalk {
  readonly found: Candidate[] = [];
  readonly spaces = new Map<string, Space>();

  constructor(
    private readonly count: number,
    /** Candidates read at least at once (what one window check is worth). */
    private readonly batch: number,
    private readonly bookable: (spaces: Space[]) => Promise<Set<string>>,
    private readonly spacesStore: Collection<StoredSpace>,
  ) {}

  get full(): boolean {
    return this.found.length >= this.count;
  }

  async take(ordered: Candidate[]): Promise<void> {
    for (let next = 0; !this.full && next < ordered.length; ) {
      const batch = ordered.slice(next, next + Math.max(this.batch, this.count - this.found.length));
      next += batch.length;
      const loaded = await spacesByIds(this.spacesStore, batch.map(({ entry }) => entry.sid));
      const free = await this.bookable([...loaded.values()]);
      for (const candidate of batch) {
        if (this.full || !free.has(candidate.entry.sid)) continue;
        this.found.push(candidate);
        this.spaces.set(candidate.entry.sid, loaded.get(candidate.entry.sid)!);
      }
    }
  }
}

function byDistance(one: Candidate, other: Candidate): number {
  return one.distanceKm - other.distanceKm || one.entry.sid.localeCompare(other.entry.sid);
}

function covers(intervals: Interval[], window: Interval): boolean {
  return intervals.some(({ startMs, endMs }) => startMs <= window.startMs && endMs >= window.endMs);
}

function allOf(held: string[], wanted: string[]): boolean {
  return wanted.every((item) => held.includes(item));
}

/** The entry as a candidate when it meets every filter but the window (what counts is only a verifier's unexpired assertion). */
function candidateOf(entry: SearchEntry, query: SpaceQuery, nowMs: number): Candidate[] {
  const verified = entry.verifiedUntilMs !== null && entry.verifiedUntilMs > nowMs;
  const meets =
    entry.capacity >= query.minCapacity &&
    (!query.childSafe || (entry.childSafeUntilMs !== null && entry.childSafeUntilMs > nowMs)) &&
    ((query.features.length === 0 && query.certifications.length === 0) || (verified && allOf(entry.verifiedFeatures, query.features) && allOf(entry.verifiedCertifications, query.certifications))) &&
    allOf(entry.amenities, query.amenities) &&
    (query.price === undefined || inPrice(entry, query.price));
  if (!meets) return [];
  const distance = distanceKm(query.latitude, query.longitude, entry.latitude, entry.longitude);
  return distance <= query.radiusKm ? [{ entry, distanceKm: distance }] : [];
}

function inPrice(entry: SearchEntry, price: NonNullable<SpaceQuery['price']>): boolean {
  return entry.currency === price.currency && entry.rateMinor >= (price.minMinor ?? 0) && entry.rateMinor <= (price.maxMinor ?? Infinity);
}
