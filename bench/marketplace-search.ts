/**
 * Marketplace search benchmark: `npx tsx bench/marketplace-search.ts [options]` (issue 13 goal:
 * search p95 < 50 ms over 100,000 spaces with a year of availability, all filters on, on the
 * default engine). A fresh SQLite store is filled through SpaceDirectory.apply() itself (the
 * statements the plugin would record: space-registered, availability-published, space-verified;
 * the fill's own connection with synchronous=OFF): `--spaces` spaces, a share `--city` of them
 * within 10 km of Madrid's centre (about 64 per km²: a dense city) and the rest spread over
 * Iberia (about 0.14 per km², so a 25 km circle holds about 270), each with a weekly plan in its zone and
 * `--closures` closed days over the coming year, most verified (some expired, some not
 * child-safe), and `--bookings` confirmed reservations each over the coming 4 weeks in the
 * reservations' own store (what Reservations.busy reads). Then, back to synchronous=FULL and the
 * LRS's 64 MiB page cache, in-process, at random points of the region and at points within 3 km
 * of Madrid's centre, in `--rounds` rounds that run every row in turn (so that the baseline and
 * the searches share the machine's moments):
 *
 * - baseline: the raw store find of the circle's cells (the entries search reads first);
 * - search by distance only (near + radius);
 * - search with every filter on: near, radius, capacity, an amenity, an accessibility feature
 *   and a certification (verified), child-safe, a price range, a 2-hour window on a weekday
 *   evening within the coming 4 weeks (open by the plan and not booked), ordered by distance;
 * - the same ordered by rating.
 *
 *   --spaces N      spaces (default 100000)
 *   --city SHARE    share of them in Madrid (default 0.2)
 *   --closures N    closed days per space over the year (default 12)
 *   --bookings N    confirmed reservations per space over the coming 4 weeks (default 8)
 *   --rounds N      searches per row (default 300)
 *   --radius KM     search radius (default 25)
 *   --data DIR      keep the filled store in DIR, and measure a store filled there before
 *                   (by the same options) without filling again
 *   --out FILE      also write every figure as JSON
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { databasePath, openSqliteDatabase } from '../src/db/sqlite/database';
import { ifiKey, type FeedEvent } from '../src/plugin-api';
import type { AvailabilityPlan, RatingSummary } from '../src/plugins/marketplace/model';
import { RESERVATION_STORES, Reservations } from '../src/plugins/marketplace/reservations';
import { seededRandom } from '../src/plugins/marketplace/reservations/race/attempts';
import type { StoredReservation } from '../src/plugins/marketplace/reservations/records';
import { parseSpaceQuery, SpaceSearch } from '../src/plugins/marketplace/search';
import { coverOf } from '../src/plugins/marketplace/search/geo';
import { SPACE_STORES, SpaceDirectory, type Listing } from '../src/plugins/marketplace/spaces';
import { availabilityStatement, listingStatement, verifiedStatement } from '../src/plugins/marketplace/spaces/statements';
import type { Collection } from '../src/storage/collections/collection-store';
import { SqliteCollectionStore } from '../src/storage/collections/sqlite-collection-store';
import { SqliteBackend } from '../src/storage/sqlite-backend';
import { LISTING, pluginFeedEvent, schoolAgent, TEST_PUBLIC_URL } from '../test-support/marketplace';
import { percentile, progress, round } from './passport-support';

const DAY_MS = 86_400_000;
/** Monday 2027-01-04 09:00 UTC: the bench's now. */
const NOW_MS = Date.parse('2027-01-04T09:00:00Z');
const REGION = { south: 36.5, north: 43.5, west: -9, east: 3 };
const MADRID = { latitude: 40.4168, longitude: -3.7038 };
const KM_PER_DEGREE = 111.2;
const ZONES = ['Europe/Madrid', 'Europe/Lisbon', 'Atlantic/Canary'];
const AMENITIES = ['wifi', 'projector', 'whiteboard', 'kitchen', 'parking', 'screen'];
const FEATURES = ['step-free-access', 'accessible-toilet', 'hearing-loop'];
const CERTIFICATIONS = ['fire-safety', 'child-safeguarding', 'first-aid'];
const BATCH = 500;

interface Options {
  spaces: number;
  city: number;
  closures: number;
  bookings: number;
  rounds: number;
  radius: number;
  data?: string;
  out?: string;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { spaces: 100_000, city: 0.2, closures: 12, bookings: 8, rounds: 300, radius: 25 };
  for (let index = 0; index < argv.length; index += 2) {
    const [name, value] = [argv[index]!.replace(/^--/, ''), argv[index + 1]];
    if (name === 'out' || name === 'data') options[name] = value;
    else if (name in options) (options as unknown as Record<string, number>)[name] = Number(value);
    else throw new Error(`unknown option --${name}`);
  }
  return options;
}

const pick = <T>(next: () => number, items: T[]): T => items[Math.floor(next() * items.length)]!;
const some = (next: () => number, items: string[], share: number) => items.filter(() => next() < share);

/** Weekday evenings and a weekend morning, in the zone, with closed days over the coming year. */
function planOf(next: () => number, timeZone: string, closures: number): AvailabilityPlan {
  const exceptions = Array.from({ length: closures }, () => {
    const day = Math.floor(next() * 365);
    const from = new Date(NOW_MS + day * DAY_MS).toISOString().slice(0, 10);
    return { from: `${from}T00:00:00Z`, to: `${new Date(Date.parse(from) + DAY_MS).toISOString().slice(0, 10)}T00:00:00Z`, kind: 'closed' as const };
  }).sort((one, other) => one.from.localeCompare(other.from));
  return {
    timeZone,
    weekly: [
      { rrule: next() < 0.5 ? 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR' : 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH', start: pick(next, ['15:00', '16:00', '17:00']), durationMinutes: 300 },
      { rrule: 'FREQ=WEEKLY;BYDAY=SA', start: '10:00', durationMinutes: 240 },
    ],
    exceptions,
  };
}

/** The statements of one space, as the plugin records them: registered, availability, and mostly verified. */
/** A point within `km` of the place, uniform over the disc. */
function around(next: () => number, place: { latitude: number; longitude: number }, km: number) {
  const distance = km * Math.sqrt(next());
  const bearing = 2 * Math.PI * next();
  const latitude = place.latitude + (distance * Math.cos(bearing)) / KM_PER_DEGREE;
  return { latitude, longitude: place.longitude + (distance * Math.sin(bearing)) / (KM_PER_DEGREE * Math.cos((place.latitude * Math.PI) / 180)) };
}

function spaceStatements(next: () => number, options: Options): { spaceId: string; statements: object[] } {
  const spaceId = randomUUID();
  const owner = schoolAgent('Owner');
  const timeZone = pick(next, ZONES);
  const place = next() < options.city ? around(next, MADRID, 10) : { latitude: REGION.south + next() * (REGION.north - REGION.south), longitude: REGION.west + next() * (REGION.east - REGION.west) };
  const listing: Listing = {
    ...(LISTING as Listing),
    address: { ...LISTING.address, ...place },
    capacity: 2 + Math.floor(next() * 40),
    amenities: some(next, AMENITIES, 0.5),
    claimedAccessibilityFeatures: some(next, FEATURES, 0.6),
    claimedCertifications: some(next, CERTIFICATIONS, 0.6),
    hourlyRate: { amountMinor: 500 + Math.floor(next() * 50) * 50, currency: 'EUR' },
    timeZone,
  };
  const common = (actor: object) => ({ id: randomUUID(), actor: actor as typeof owner, publicUrl: TEST_PUBLIC_URL, spaceId, timestamp: new Date(NOW_MS - 30 * DAY_MS).toISOString() });
  const statements = [listingStatement(common(owner), listing, 'registered'), availabilityStatement(common(owner), listing.name, planOf(next, timeZone, options.closures))];
  if (next() < 0.7) {
    const validUntilMs = NOW_MS + (next() < 0.1 ? -DAY_MS : 200 * DAY_MS);
    const verification = { certifications: some(next, CERTIFICATIONS, 0.6), accessibilityFeatures: some(next, FEATURES, 0.6), childSafe: next() < 0.6, validUntilMs };
    statements.push(verifiedStatement(common(schoolAgent('Verifier')), listing.name, verification));
  }
  return { spaceId, statements };
}

/** Confirmed hour-long reservations on weekday evenings over the coming 4 weeks, in the reservations' own store. */
function bookingsOf(next: () => number, spaceId: string, count: number): Array<[string, StoredReservation]> {
  return Array.from({ length: count }, () => {
    const day = Math.floor(next() * 28);
    const startMs = Date.UTC(2027, 0, 4 + day, 16 + Math.floor(next() * 4), 0);
    const booker = schoolAgent('Booker');
    const reservation: StoredReservation = {
      spaceId,
      booker,
      bookerKey: ifiKey(booker)!,
      learners: [],
      state: 'confirmed',
      startMs,
      endMs: startMs + 3_600_000,
      participants: 4,
      safetyRequirements: [],
      price: { amountMinor: 1250, currency: 'EUR' },
      timeZone: 'Europe/Madrid',
      spaceName: LISTING.name,
      createdMs: NOW_MS - DAY_MS,
      request: '{}',
      statements: [],
    };
    return [randomUUID(), reservation];
  });
}

/** Fills the stores through SpaceDirectory.apply (and the reservations' store), one transaction per batch. */
async function fill(options: Options, db: ReturnType<typeof openSqliteDatabase>, directory: SpaceDirectory, store: (name: string) => Collection<any>, next: () => number) {
  progress(`filling ${options.spaces} spaces through SpaceDirectory.apply, with ${options.bookings} bookings each`);
  const fillStarted = performance.now();
  let position = 0;
  let statementCount = 0;
  for (let first = 0; first < options.spaces; first += BATCH) {
    const events: FeedEvent[] = [];
    const bookings: Array<[string, StoredReservation]> = [];
    for (let index = first; index < Math.min(options.spaces, first + BATCH); index += 1) {
      const { spaceId, statements } = spaceStatements(next, options);
      for (const statement of statements) events.push(pluginFeedEvent(statement, (position += 1), new Date(NOW_MS - 30 * DAY_MS)));
      bookings.push(...bookingsOf(next, spaceId, options.bookings));
    }
    statementCount += events.length;
    db.exec('BEGIN'); // one transaction per batch: the fill only (the store's calls run synchronously on this connection)
    await directory.apply(events);
    for (const [id, reservation] of bookings) await store('reservations').insert(id, reservation);
    db.exec('COMMIT');
    if ((first / BATCH) % 20 === 0) progress(`${first} / ${options.spaces}`);
  }
  return { fillSeconds: round((performance.now() - fillStarted) / 1000, 1), statementCount };
}

type Figures = { p50: number; p95: number; mean: number };

/**
 * Runs every measurement once per round, in turn (after as many untimed warm-up rounds, at most
 * 20), so that the rows share whatever else the machine is doing; the figures of each row.
 */
async function interleaved(rounds: number, measurements: Record<string, { run: (round: number) => Promise<unknown> }>): Promise<Record<string, Figures>> {
  const times = new Map<string, number[]>(Object.keys(measurements).map((name) => [name, []]));
  const warmup = Math.min(20, rounds);
  for (let round = -warmup; round < rounds; round++) {
    for (const [name, { run }] of Object.entries(measurements)) {
      const started = performance.now();
      await run(round + warmup);
      if (round >= 0) times.get(name)!.push(performance.now() - started);
    }
  }
  return Object.fromEntries(
    [...times].map(([name, measured]) => {
      const sorted = measured.sort((one, other) => one - other);
      return [name, { p50: round(percentile(sorted, 50), 3), p95: round(percentile(sorted, 95), 3), mean: round(sorted.reduce((sum, time) => sum + time, 0) / sorted.length, 3) }];
    }),
  );
}

/** Half the spaces are rated, 1.00 to 5.00 overall, as a function of their id (so that a kept store is rated alike). */
function ratingOf(spaceId: string): RatingSummary | undefined {
  const hash = Number.parseInt(spaceId.slice(0, 8), 16);
  if (hash % 2 === 0) return undefined;
  const overall = 1 + (hash % 401) / 100;
  const none = [0, 0, 0, 0, 0];
  return { count: 3, overall, safety: overall, cleanliness: overall, accessibility: overall, distribution: { overall: none, safety: none, cleanliness: none, accessibility: none } };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const dataDir = options.data ?? fs.mkdtempSync(path.join(os.tmpdir(), 'keiko-marketplace-search-bench-'));
  const filledMarker = path.join(dataDir, 'filled.json');
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    const backend = SqliteBackend.open({ dataDir, exclusive: false, authorityHomePage: 'http://127.0.0.1/' });
    await backend.prepare();
    await backend.close();
    const db = openSqliteDatabase(databasePath(dataDir));
    db.pragma('synchronous = OFF'); // the fill only
    const collectionStore = new SqliteCollectionStore(db);
    const collections = new Map<string, Collection<any>>();
    for (const [name, declaration] of Object.entries({ ...SPACE_STORES, ...RESERVATION_STORES })) collections.set(name, await collectionStore.open('marketplace', name, declaration));
    const store = (name: string) => collections.get(name)!;
    const now = () => NOW_MS;
    const notRecording = { record: async () => Promise.reject(new Error('the bench records nothing')), get: async () => undefined, readFeed: async () => [], feedHead: async () => 0 };
    const directory = new SpaceDirectory({ store, statements: notRecording, publicUrl: TEST_PUBLIC_URL, now });
    const reservations = new Reservations({ store, statements: notRecording, spaces: directory, publicUrl: TEST_PUBLIC_URL, holdMs: 600_000, now });
    const search = new SpaceSearch({
      store,
      busy: (ids, fromMs, toMs) => reservations.busy(ids, fromMs, toMs),
      ratings: { summaries: async (ids) => new Map(ids.flatMap((id) => (ratingOf(id) === undefined ? [] : [[id, ratingOf(id)!] as const]))) },
      now,
    });

    const next = seededRandom(13);
    const filled = fs.existsSync(filledMarker) ? (JSON.parse(fs.readFileSync(filledMarker, 'utf8')) as { fillSeconds: number; statementCount: number }) : await fill(options, db, directory, store, next);
    fs.writeFileSync(filledMarker, JSON.stringify(filled));
    const { fillSeconds, statementCount } = filled;
    db.pragma('synchronous = FULL');
    db.pragma(`cache_size = -${64 * 1024}`);

    const place = seededRandom(29);
    const points = Array.from({ length: options.rounds }, () => ({
      near: `${(REGION.south + 0.5 + place() * (REGION.north - REGION.south - 1)).toFixed(4)},${(REGION.west + 0.5 + place() * (REGION.east - REGION.west - 1)).toFixed(4)}`,
      // A weekday (Mon–Thu) 17:00–19:00 UTC within the coming 4 weeks.
      windowStart: Date.UTC(2027, 0, 4 + 7 * Math.floor(place() * 4) + Math.floor(place() * 4), 17, 0),
    }));
    const inMadrid = points.map((point) => {
      const { latitude, longitude } = around(place, MADRID, 3);
      return { ...point, near: `${latitude.toFixed(4)},${longitude.toFixed(4)}` };
    });
    const radiusKm = String(options.radius);
    const allFilters = (index: number, orderBy: 'distance' | 'rating', at = points) => {
      const { near, windowStart } = at[index % at.length]!;
      return parseSpaceQuery({
        near,
        radiusKm,
        minCapacity: '6',
        amenities: 'wifi',
        features: 'step-free-access',
        certifications: 'fire-safety',
        childSafe: 'true',
        currency: 'EUR',
        minPrice: '500',
        maxPrice: '2500',
        availableFrom: new Date(windowStart).toISOString(),
        availableTo: new Date(windowStart + 2 * 3_600_000).toISOString(),
        orderBy,
        limit: '20',
      });
    };
    const counts = { distance: 0, filtered: 0, candidates: 0, madridCandidates: 0, madridFiltered: 0 };
    const cellsOfCircle = async (near: string) => {
      const [latitude, longitude] = near.split(',').map(Number) as [number, number];
      const { field, cells } = coverOf(latitude, longitude, options.radius);
      return (await searchStore.find({ where: { [field]: { in: cells } } })).length;
    };
    const searchStore = store('space_search');
    const rows = await interleaved(options.rounds, {
      [`baseline: raw store find of the ${radiusKm} km circle's cells`]: { run: async (index) => (counts.candidates += await cellsOfCircle(points[index % points.length]!.near)) },
      'search: distance only (20 nearest)': {
        run: async (index) => (counts.distance += (await search.search(parseSpaceQuery({ near: points[index % points.length]!.near, radiusKm }))).results.length),
      },
      'search: every filter on, by distance': { run: async (index) => (counts.filtered += (await search.search(allFilters(index, 'distance'))).results.length) },
      'search: every filter on, by rating': { run: (index) => search.search(allFilters(index, 'rating')) },
      [`Madrid: baseline, raw store find of the circle's cells (the first 1000)`]: { run: async (index) => (counts.madridCandidates += await cellsOfCircle(inMadrid[index % inMadrid.length]!.near)) },
      'Madrid: search, every filter on, by distance': { run: async (index) => (counts.madridFiltered += (await search.search(allFilters(index, 'distance', inMadrid))).results.length) },
    });
    // Apart, after the others: its garbage would weigh on the rows measured beside it.
    Object.assign(rows, await interleaved(Math.max(1, Math.floor(options.rounds / 10)), { 'Madrid: search, every filter on, by rating (a tenth of the rounds, apart)': { run: (index) => search.search(allFilters(index, 'rating', inMadrid)) } }));
    const measured = options.rounds + Math.min(20, options.rounds);
    const averages = {
      candidatesPerCircle: round(counts.candidates / measured, 1),
      resultsDistanceOnly: round(counts.distance / measured, 1),
      resultsAllFilters: round(counts.filtered / measured, 1),
      madridEntriesRead: round(counts.madridCandidates / measured, 1),
      madridResultsAllFilters: round(counts.madridFiltered / measured, 1),
      madridSpaces: Math.round(options.spaces * options.city),
    };
    console.log(
      `\nMarketplace search (SQLite, in-process SpaceSearch, ${options.rounds} rounds of every row in turn at random points; ${options.spaces} spaces, ${statementCount} statements applied and ${options.spaces * options.bookings} reservations stored in ${fillSeconds} s)\n`,
    );
    console.log('| measurement | p50 ms | p95 ms | mean ms |\n|---|---:|---:|---:|');
    for (const [name, figures] of Object.entries(rows)) console.log(`| ${name} | ${figures.p50} | ${figures.p95} | ${figures.mean} |`);
    console.log(`\nPer search on average: ${averages.candidatesPerCircle} entries in the circle's cells, ${averages.resultsDistanceOnly} results by distance only, ${averages.resultsAllFilters} with every filter on.`);
    console.log(`Madrid (about ${averages.madridSpaces} spaces within 10 km of its centre): ${averages.madridResultsAllFilters} results with every filter on; the baseline's find returns at most 1000 entries.`);
    if (options.out !== undefined) fs.writeFileSync(options.out, JSON.stringify({ options, fillSeconds, statements: statementCount, rows, averages }, null, 2));
    db.close();
  } finally {
    if (options.data === undefined) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
