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
import { coverOf, distanceKm } from './geo';
import { queryStringOf, type SpaceQuery } from './query';

export interface SpaceSearchOptions {
  store: (name: string) => Collection<any>;
  busy: ReservationLookup['busy'];
  ratings: RatingSummaries;
  now?: () => number;
  /** Search entries read per query of the store (at most 1000, the store's limit). */
  pageSize?: number;
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

  constructor({ store, busy, ratings, now = Date.now, pageSize = 1000 }: SpaceSearchOptions) {
    this.pageSize = pageSize;
    this.searchStore = store('space_search');
    this.spacesStore = store('spaces');
    this.busy = busy;
    this.ratings = ratings;
    this.now = now;
  }

  async search(query: SpaceQuery): Promise<SpaceSearchPage> {
    const nowMs = this.now();
    const entries = await this.entriesAround(query, nowMs);
    const candidates = entries.flatMap((entry) => candidateOf(entry, query, nowMs));
    const ordered = await this.ordered(candidates, query);
    const wanted = query.offset + query.limit;
    const { found, spaces } = await this.firstBookable(ordered, wanted + 1, query.window, nowMs);
    const page = found.slice(query.offset, wanted);
    const ratings = query.orderBy === 'rating' ? undefined : await this.ratings.summaries(page.map(({ entry }) => entry.sid));
    const results = page.map((candidate) => ({
      space: spaces.get(candidate.entry.sid)!,
      distanceKm: Math.round(candidate.distanceKm * 1000) / 1000,
      rating: candidate.rating ?? ratings?.get(candidate.entry.sid),
    }));
    return { results, ...(found.length > wanted && { more: `/plugins/marketplace/spaces?${queryStringOf(query, wanted)}` }) };
  }

  /** The entries of the cells around the circle that the store can filter on (capacity, child safety, price, verification). */
  private async entriesAround(query: SpaceQuery, nowMs: number): Promise<SearchEntry[]> {
    const { field, cells } = coverOf(query.latitude, query.longitude, query.radiusKm);
    const where: NonNullable<Parameters<Collection<SearchEntry>['find']>[0]>['where'] = { [field]: { in: cells }, capacity: { gte: query.minCapacity } };
    if (query.childSafe) where.childSafeUntilMs = { gt: nowMs };
    else if (query.features.length > 0 || query.certifications.length > 0) where.verifiedUntilMs = { gt: nowMs };
    if (query.price !== undefined) where.currency = query.price.currency;
    if (query.window !== undefined) where.hasPlan = true;
    const entries: SearchEntry[] = [];
    for (;;) {
      const after = entries.at(-1)?.sid;
      const page = await this.searchStore.find({ where: after === undefined ? where : { ...where, sid: { gt: after } }, orderBy: [{ field: 'sid' }], limit: this.pageSize });
      entries.push(...page.map(({ value }) => value));
      if (page.length < this.pageSize) return entries;
    }
  }

  private async ordered(candidates: Candidate[], query: SpaceQuery): Promise<Candidate[]> {
    if (query.orderBy === 'distance') return candidates.sort((a, b) => a.distanceKm - b.distanceKm || a.entry.sid.localeCompare(b.entry.sid));
    const summaries = await this.ratings.summaries(candidates.map(({ entry }) => entry.sid));
    for (const candidate of candidates) candidate.rating = summaries.get(candidate.entry.sid);
    const overall = (candidate: Candidate) => candidate.rating?.overall ?? -1;
    return candidates.sort((a, b) => overall(b) - overall(a) || a.distanceKm - b.distanceKm || a.entry.sid.localeCompare(b.entry.sid));
  }

  /** The first `count` candidates, in order, that are bookable throughout the window (all of them without one), with their spaces. */
  private async firstBookable(ordered: Candidate[], count: number, window: Interval | undefined, nowMs: number) {
    const found: Candidate[] = [];
    const spaces = new Map<string, Space>();
    let next = 0;
    while (found.length < count && next < ordered.length) {
      const batch = ordered.slice(next, next + (window === undefined ? count - found.length : Math.max(WINDOW_BATCH, count - found.length)));
      next += batch.length;
      const loaded = await spacesByIds(this.spacesStore, batch.map(({ entry }) => entry.sid));
      const free = window === undefined ? undefined : await this.bookable([...loaded.values()], window, nowMs);
      for (const candidate of batch) {
        const space = loaded.get(candidate.entry.sid);
        if (space === undefined || (free !== undefined && !free.has(space.id))) continue;
        found.push(candidate);
        spaces.set(space.id, space);
      }
    }
    return { found: found.slice(0, count), spaces };
  }

  /** The ids of the spaces open by their plan throughout the window and not claimed in it. A window begun already is no longer bookable. */
  private async bookable(spaces: Space[], window: Interval, nowMs: number): Promise<Set<string>> {
    if (window.startMs < nowMs) return new Set();
    const open = spaces.filter((space) => space.availability !== undefined && covers(openIntervals(space.availability, window.startMs, window.endMs), window));
    const busy = await this.busy(open.map(({ id }) => id), window.startMs, window.endMs);
    return new Set(open.filter(({ id }) => covers(subtractIntervals([window], busy.get(id) ?? []), window)).map(({ id }) => id));
  }
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
