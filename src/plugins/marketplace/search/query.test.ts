import { parseSpaceQuery, queryStringOf } from './query';

const NEAR = { near: '40.4232,-3.7068' };

describe('search parameters (GET /plugins/marketplace/spaces)', () => {
  it('reads every filter', () => {
    const query = parseSpaceQuery({
      ...NEAR,
      radiusKm: '10.5',
      minCapacity: '8',
      amenities: 'wifi,projector',
      features: 'step-free-access',
      certifications: 'fire-safety',
      childSafe: 'true',
      currency: 'EUR',
      minPrice: '500',
      maxPrice: '2000',
      availableFrom: '2027-03-01T16:00:00+01:00',
      availableTo: '2027-03-01T18:00:00+01:00',
      orderBy: 'rating',
      limit: '5',
      after: '10',
    });
    expect(query).toEqual({
      latitude: 40.4232,
      longitude: -3.7068,
      radiusKm: 10.5,
      minCapacity: 8,
      amenities: ['wifi', 'projector'],
      features: ['step-free-access'],
      certifications: ['fire-safety'],
      childSafe: true,
      price: { currency: 'EUR', minMinor: 500, maxMinor: 2000 },
      window: { startMs: Date.parse('2027-03-01T15:00:00Z'), endMs: Date.parse('2027-03-01T17:00:00Z') },
      orderBy: 'rating',
      limit: 5,
      offset: 10,
    });
    expect(parseSpaceQuery(Object.fromEntries(new URLSearchParams(queryStringOf(query, 15))))).toEqual({ ...query, offset: 15 });
  });

  it('defaults to 25 km, capacity 1, nearest first, 20 results', () => {
    expect(parseSpaceQuery(NEAR)).toMatchObject({ radiusKm: 25, minCapacity: 1, childSafe: false, orderBy: 'distance', limit: 20, offset: 0 });
  });

  it.each([
    [{ near: '40.4' }, 'INVALID_PARAMETER', 'near must be latitude,longitude'],
    [{ near: '91,0' }, 'INVALID_PARAMETER', 'near must be latitude,longitude'],
    [{}, 'MISSING_PARAMETER', 'near'],
    [{ ...NEAR, radiusKm: '0' }, 'INVALID_PARAMETER', 'radiusKm must be a number from 0.1 to 500'],
    [{ ...NEAR, radiusKm: '501' }, 'INVALID_PARAMETER', 'radiusKm'],
    [{ ...NEAR, minCapacity: '0' }, 'INVALID_PARAMETER', 'minCapacity must be a whole number from 1'],
    [{ ...NEAR, limit: '101' }, 'INVALID_PARAMETER', 'limit must be a whole number from 1 to 100'],
    [{ ...NEAR, childSafe: 'yes' }, 'INVALID_PARAMETER', 'childSafe must be true or false'],
    [{ ...NEAR, features: 'Step Free' }, 'INVALID_PARAMETER', 'features must be at most 20 comma-separated slugs'],
    [{ ...NEAR, maxPrice: '100' }, 'INVALID_PARAMETER', 'give currency'],
    [{ ...NEAR, currency: 'EUR', maxPrice: '10.5' }, 'INVALID_PARAMETER', 'maxPrice must be a whole number'],
    [{ ...NEAR, currency: 'EUR', minPrice: '20', maxPrice: '10' }, 'INVALID_PARAMETER', 'minPrice must not exceed maxPrice'],
    [{ ...NEAR, currency: 'EUR' }, 'INVALID_PARAMETER', 'currency goes with minPrice or maxPrice'],
    [{ ...NEAR, availableFrom: '2027-03-01T16:00:00Z' }, 'INVALID_PARAMETER', 'availableFrom and availableTo go together'],
    [{ ...NEAR, availableFrom: '2027-03-01T16:00:00Z', availableTo: '2027-03-01T16:00:00Z' }, 'INVALID_PARAMETER', 'availableTo must lie after availableFrom'],
    [{ ...NEAR, availableFrom: '2027-03-01T16:00:00', availableTo: '2027-03-01T18:00:00Z' }, 'INVALID_PARAMETER', 'availableFrom must be an RFC 3339 date-time with an offset'],
    [{ ...NEAR, availableFrom: '2027-03-01T16:00:00Z', availableTo: '2027-03-09T16:00:00Z' }, 'INVALID_PARAMETER', 'at most 7 days'],
    [{ ...NEAR, orderBy: 'price' }, 'INVALID_PARAMETER', 'orderBy must be distance or rating'],
    [{ ...NEAR, lang: 'es' }, 'UNKNOWN_PARAMETER', 'lang'],
    [{ near: ['1,1', '2,2'] }, 'INVALID_PARAMETER', 'Parameter "near" must be given once'],
  ])('refuses %j: 400 %s naming the problem', (query, code, named) => {
    expect(() => parseSpaceQuery(query)).toThrow(expect.objectContaining({ status: 400, code, message: expect.stringContaining(named) }));
  });
});
