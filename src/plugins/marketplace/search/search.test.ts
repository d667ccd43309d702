/**
 * Space search on real stores of both engines (issue 13): distance from a point, capacity ≥ n,
 * all-of amenities, price range in one currency, bookable throughout a window (open by the plan
 * and not claimed), ordered by distance or rating, paged.
 */
import { TEST_ENGINES } from '../../../../test-support/backends';
import { schoolAgent, spacesOnStores } from '../../../../test-support/marketplace';
import type { AvailabilityPlan, RatingSummary } from '../model';
import { distanceKm } from './geo';
import { parseSpaceQuery } from './query';
import { SpaceSearch } from './search';

const MONDAY_EVENINGS: AvailabilityPlan = { timeZone: 'Europe/Madrid', weekly: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO', start: '16:00', durationMinutes: 300 }] };
/** Monday 2027-03-01, Madrid (UTC+1). */
const at = (time: string) => Date.parse(`2027-03-01T${time}:00+01:00`);

function rating(overall: number): RatingSummary {
  const none = [0, 0, 0, 0, 0];
  return { count: 1, overall, safety: overall, cleanliness: overall, accessibility: overall, distribution: { overall: none, safety: none, cleanliness: none, accessibility: none } };
}

describe.each(TEST_ENGINES)('space search on %s', (engine) => {
  let spaces: Awaited<ReturnType<typeof spacesOnStores>>;
  let place = 0;
  beforeAll(async () => {
    spaces = await spacesOnStores(engine);
  });
  afterAll(() => spaces.dispose());

  /** A new neighbourhood, far from the others: spaces at `kmEast` kilometres east of its centre (along ~40°N). */
  function neighbourhood() {
    place += 1;
    const center = { latitude: 40, longitude: -170 + place * 4 };
    const owner = schoolAgent('Owner');
    return {
      center,
      near: `${center.latitude},${center.longitude}`,
      space: (kmEast: number, overrides: Record<string, unknown> = {}) =>
        spaces.feed.registered(owner, { address: { street: 's', locality: 'l', country: 'ES', latitude: center.latitude, longitude: center.longitude + kmEast / 85.2 }, ...overrides }),
      plan: (spaceId: string, plan: AvailabilityPlan = MONDAY_EVENINGS) => spaces.feed.availability(owner, spaceId, plan),
    };
  }
  async function found(parameters: Record<string, string>) {
    const page = await spaces.search.search(parseSpaceQuery(parameters));
    return page.results.map(({ space }) => space.id);
  }

  it('finds spaces within the radius, nearest first, with their distance', async () => {
    const here = neighbourhood();
    const far = await here.space(20);
    const near = await here.space(2);
    const outside = await here.space(40);
    const { results } = await spaces.search.search(parseSpaceQuery({ near: here.near, radiusKm: '25' }));
    expect(results.map(({ space }) => space.id)).toEqual([near, far]);
    expect(results[0]!.distanceKm).toBeCloseTo(2, 0);
    expect(await found({ near: here.near, radiusKm: '50' })).toEqual([near, far, outside]);
  });

  it('finds the nearest ones first however they spread over the circle (cells read nearest first, a group at a time)', async () => {
    const here = neighbourhood();
    const placed: Array<{ id: string; km: number }> = [];
    for (let index = 0; index < 60; index += 1) {
      const [north, east] = [(Math.random() - 0.5) * 50, (Math.random() - 0.5) * 50];
      const latitude = here.center.latitude + north / 111.2;
      const longitude = here.center.longitude + east / 85.2;
      const id = await spaces.feed.registered(schoolAgent('Owner'), { address: { street: 's', locality: 'l', country: 'ES', latitude, longitude } });
      placed.push({ id, km: distanceKm(here.center.latitude, here.center.longitude, latitude, longitude) });
    }
    const inside = placed.filter(({ km }) => km <= 20).sort((one, other) => one.km - other.km).map(({ id }) => id);
    expect(await found({ near: here.near, radiusKm: '20', limit: '100' })).toEqual(inside);
    expect(await found({ near: here.near, radiusKm: '20', limit: '5' })).toEqual(inside.slice(0, 5));
  });

  it("counts no verification its owner asserted, even one the plugin recorded (a space verifier's own space)", async () => {
    const here = neighbourhood();
    const owner = schoolAgent('Owner and verifier');
    const spaceId = await spaces.feed.registered(owner, { address: { street: 's', locality: 'l', country: 'ES', latitude: here.center.latitude, longitude: here.center.longitude } });
    await spaces.feed.verified(owner, spaceId, { certifications: [], accessibilityFeatures: ['step-free-access'], childSafe: true, validUntilMs: spaces.clock.nowMs + 86_400_000 });
    expect(await found({ near: here.near, childSafe: 'true' })).toEqual([]);
    expect((await spaces.directory.space(spaceId))!.verification).toBeUndefined();
    await spaces.feed.verified(schoolAgent('Verifier'), spaceId, { certifications: [], accessibilityFeatures: [], childSafe: true, validUntilMs: spaces.clock.nowMs + 86_400_000 });
    expect(await found({ near: here.near, childSafe: 'true' })).toEqual([spaceId]);
  });

  it('answers the same whether it reads the circle at once (sparse) or its smallest cells a group at a time (dense), by distance and by rating', async () => {
    const here = neighbourhood();
    for (let index = 0; index < 60; index += 1) {
      const latitude = here.center.latitude + ((Math.random() - 0.5) * 40) / 111.2;
      const longitude = here.center.longitude + ((Math.random() - 0.5) * 40) / 85.2;
      const id = await spaces.feed.registered(schoolAgent('Owner'), { address: { street: 's', locality: 'l', country: 'ES', latitude, longitude } });
      if (index % 3 > 0) spaces.ratings.set(id, rating(1 + (index % 5)));
    }
    const asDense = new SpaceSearch({
      store: spaces.store,
      busy: async () => new Map(),
      ratings: { summaries: async (ids) => new Map(ids.flatMap((id) => (spaces.ratings.has(id) ? [[id, spaces.ratings.get(id)!] as const] : []))) },
      now: () => spaces.clock.nowMs,
      sparseEntries: -1, // no circle counts as sparse
    });
    for (const orderBy of ['distance', 'rating']) {
      for (const limit of ['7', '100']) {
        const query = parseSpaceQuery({ near: here.near, radiusKm: '20', orderBy, limit });
        const ids = async (search: SpaceSearch) => (await search.search(query)).results.map(({ space }) => space.id);
        expect(await ids(asDense)).toEqual(await ids(spaces.search));
      }
    }
  });

  it('keeps spaces with at least the capacity and all of the amenities asked', async () => {
    const here = neighbourhood();
    const small = await here.space(1, { capacity: 4, amenities: ['projector', 'wifi'] });
    const big = await here.space(2, { capacity: 30, amenities: ['wifi'] });
    const bigWithBoth = await here.space(3, { capacity: 30, amenities: ['projector', 'whiteboard', 'wifi'] });
    expect(await found({ near: here.near, minCapacity: '10' })).toEqual([big, bigWithBoth]);
    expect(await found({ near: here.near, amenities: 'projector,wifi' })).toEqual([small, bigWithBoth]);
    expect(await found({ near: here.near, minCapacity: '10', amenities: 'projector' })).toEqual([bigWithBoth]);
  });

  it('keeps spaces whose hourly rate lies in the price range, in that currency only', async () => {
    const here = neighbourhood();
    const cheap = await here.space(1, { hourlyRate: { amountMinor: 500, currency: 'EUR' } });
    const middle = await here.space(2, { hourlyRate: { amountMinor: 1500, currency: 'EUR' } });
    await here.space(3, { hourlyRate: { amountMinor: 1500, currency: 'USD' } });
    const dear = await here.space(4, { hourlyRate: { amountMinor: 5000, currency: 'EUR' } });
    expect(await found({ near: here.near, currency: 'EUR', minPrice: '1000', maxPrice: '1500' })).toEqual([middle]);
    expect(await found({ near: here.near, currency: 'EUR', maxPrice: '1500' })).toEqual([cheap, middle]);
    expect(await found({ near: here.near, currency: 'EUR', minPrice: '1501' })).toEqual([dear]);
  });

  it('keeps spaces bookable throughout the window: open by their plan in their zone and not claimed in any part of it', async () => {
    const here = neighbourhood();
    const open = await here.space(1);
    const claimed = await here.space(2);
    const withoutPlan = await here.space(3);
    await here.plan(open);
    await here.plan(claimed);
    spaces.busy.set(claimed, [{ startMs: at('17:30'), endMs: at('17:45') }]);
    spaces.clock.nowMs = at('09:00');
    const window = (from: string, to: string) => ({ near: here.near, availableFrom: `2027-03-01T${from}:00+01:00`, availableTo: `2027-03-01T${to}:00+01:00` });
    expect(await found(window('16:00', '17:30'))).toEqual([open, claimed]);
    expect(await found(window('17:00', '18:00'))).toEqual([open]);
    expect(await found(window('20:00', '22:00'))).toEqual([]); // closed from 21:00
    expect(await found(window('15:00', '16:30'))).toEqual([]); // closed before 16:00
    expect(await found({ near: here.near })).toEqual([open, claimed, withoutPlan]);
    spaces.clock.nowMs = at('16:30');
    expect(await found(window('16:00', '17:00'))).toEqual([]); // begun already
  });

  it('orders by overall rating, best first, unrated last, ties by distance', async () => {
    const here = neighbourhood();
    const unrated = await here.space(1);
    const good = await here.space(5);
    const best = await here.space(9);
    const alsoGood = await here.space(3);
    spaces.ratings.set(good, rating(4));
    spaces.ratings.set(alsoGood, rating(4));
    spaces.ratings.set(best, rating(4.8));
    const { results } = await spaces.search.search(parseSpaceQuery({ near: here.near, orderBy: 'rating' }));
    expect(results.map(({ space }) => space.id)).toEqual([best, alsoGood, good, unrated]);
    expect(results[0]!.rating?.overall).toBe(4.8);
    const byDistance = await spaces.search.search(parseSpaceQuery({ near: here.near }));
    expect(byDistance.results.map(({ space, rating: summary }) => [space.id, summary?.overall])).toEqual([
      [unrated, undefined],
      [alsoGood, 4],
      [good, 4],
      [best, 4.8],
    ]);
  });

  it('pages with `more` until the last page, which has none', async () => {
    const here = neighbourhood();
    const ids: string[] = [];
    for (let km = 1; km <= 5; km += 1) ids.push(await here.space(km));
    const first = await spaces.search.search(parseSpaceQuery({ near: here.near, limit: '2' }));
    expect(first.results.map(({ space }) => space.id)).toEqual(ids.slice(0, 2));
    const more = new URLSearchParams(first.more!.split('?')[1]);
    expect(first.more).toMatch(/^\/plugins\/marketplace\/spaces\?/);
    const second = await spaces.search.search(parseSpaceQuery(Object.fromEntries(more)));
    expect(second.results.map(({ space }) => space.id)).toEqual(ids.slice(2, 4));
    const last = await spaces.search.search(parseSpaceQuery(Object.fromEntries(new URLSearchParams(second.more!.split('?')[1]))));
    expect(last.results.map(({ space }) => space.id)).toEqual(ids.slice(4));
    expect(last.more).toBeUndefined();
  });

  it('reads every page of the candidates of a dense area (the store answers at most 1000 at a time; here 10)', async () => {
    const search = new SpaceSearch({ store: spaces.store, busy: async () => new Map(), ratings: { summaries: async () => new Map() }, pageSize: 10, now: () => spaces.clock.nowMs });
    const here = neighbourhood();
    const farthest = await here.space(3, { capacity: 50 });
    for (let index = 0; index < 25; index += 1) await here.space(0.01 * index, { capacity: 50 });
    const { results } = await search.search(parseSpaceQuery({ near: here.near, radiusKm: '5', minCapacity: '50', limit: '100' }));
    expect(results).toHaveLength(26);
    expect(results.at(-1)!.space.id).toBe(farthest);
  });
});
