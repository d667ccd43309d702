/**
 * GET /plugins/marketplace/spaces: the search's query parameters, checked (400 INVALID_PARAMETER
 * naming the parameter, UNKNOWN_PARAMETER for another one).
 */
import { BadRequestCode, BadRequestError, singleParameters } from '../../../plugin-api';
import type { Interval } from '../model';
import { instant } from '../fields';

export const DEFAULT_RADIUS_KM = 25;
export const MAX_RADIUS_KM = 500;
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
/** A window longer than this is refused: "available" means bookable throughout it. */
export const MAX_WINDOW_MS = 7 * 24 * 3600_000;
const MAX_OFFSET = 10_000;

export interface SpaceQuery {
  latitude: number;
  longitude: number;
  radiusKm: number;
  minCapacity: number;
  /** All-of: the owner's amenities. */
  amenities: string[];
  /** All-of: accessibility features a verifier asserted, unexpired. */
  features: string[];
  /** All-of: certifications a verifier asserted, unexpired. */
  certifications: string[];
  /** Only spaces a verifier asserted child-safe, unexpired. */
  childSafe: boolean;
  price?: { currency: string; minMinor?: number; maxMinor?: number };
  /** Bookable throughout: open by the plan and not claimed. */
  window?: Interval;
  orderBy: 'distance' | 'rating';
  limit: number;
  /** Results skipped (the `after` of a `more` link). */
  offset: number;
}

export const SEARCH_PARAMETERS = [
  'near',
  'radiusKm',
  'minCapacity',
  'amenities',
  'features',
  'certifications',
  'childSafe',
  'currency',
  'minPrice',
  'maxPrice',
  'availableFrom',
  'availableTo',
  'orderBy',
  'limit',
  'after',
] as const;

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

function invalid(message: string): BadRequestError {
  return new BadRequestError(BadRequestCode.InvalidParameter, message);
}

export function parseSpaceQuery(query: Record<string, unknown>): SpaceQuery {
  const params = singleParameters(query, { resource: 'GET /plugins/marketplace/spaces', required: ['near'], optional: SEARCH_PARAMETERS });
  const [latitude, longitude] = point(params.near!);
  return {
    latitude,
    longitude,
    radiusKm: numberIn(params.radiusKm, 'radiusKm', 0.1, MAX_RADIUS_KM) ?? DEFAULT_RADIUS_KM,
    minCapacity: integerIn(params.minCapacity, 'minCapacity', 1, 100_000) ?? 1,
    amenities: slugList(params.amenities, 'amenities'),
    features: slugList(params.features, 'features'),
    certifications: slugList(params.certifications, 'certifications'),
    childSafe: flag(params.childSafe, 'childSafe'),
    ...priceOf(params),
    ...windowOf(params.availableFrom, params.availableTo),
    orderBy: orderOf(params.orderBy),
    limit: integerIn(params.limit, 'limit', 1, MAX_LIMIT) ?? DEFAULT_LIMIT,
    offset: integerIn(params.after, 'after', 0, MAX_OFFSET) ?? 0,
  };
}

/** The query string of a parsed query (the `more` link's, with `after` moved on). */
export function queryStringOf(query: SpaceQuery, offset: number): string {
  const params = new URLSearchParams({ near: `${query.latitude},${query.longitude}`, radiusKm: String(query.radiusKm) });
  if (query.minCapacity > 1) params.set('minCapacity', String(query.minCapacity));
  for (const list of ['amenities', 'features', 'certifications'] as const) if (query[list].length > 0) params.set(list, query[list].join(','));
  if (query.childSafe) params.set('childSafe', 'true');
  if (query.price !== undefined) {
    params.set('currency', query.price.currency);
    if (query.price.minMinor !== undefined) params.set('minPrice', String(query.price.minMinor));
    if (query.price.maxMinor !== undefined) params.set('maxPrice', String(query.price.maxMinor));
  }
  if (query.window !== undefined) {
    params.set('availableFrom', new Date(query.window.startMs).toISOString());
    params.set('availableTo', new Date(query.window.endMs).toISOString());
  }
  params.set('orderBy', query.orderBy);
  params.set('limit', String(query.limit));
  params.set('after', String(offset));
  return params.toString();
}

function point(value: string): [number, number] {
  const match = /^(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)$/.exec(value.replace(/\s/g, ''));
  const latitude = Number(match?.[1]);
  const longitude = Number(match?.[2]);
  if (match === null || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
    throw invalid(`near must be latitude,longitude in degrees (e.g. 40.4168,-3.7038), not ${JSON.stringify(value)}`);
  }
  return [latitude, longitude];
}

function numberIn(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = /^\d+(?:\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(number >= min && number <= max)) throw invalid(`${name} must be a number from ${min} to ${max}`);
  return number;
}

function integerIn(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(number >= min && number <= max)) throw invalid(`${name} must be a whole number from ${min} to ${max}`);
  return number;
}

function slugList(value: string | undefined, name: string): string[] {
  if (value === undefined || value === '') return [];
  const items = value.split(',').map((item) => item.trim());
  const wrong = items.find((item) => !SLUG.test(item));
  if (wrong !== undefined || items.length > 20) throw invalid(`${name} must be at most 20 comma-separated slugs such as step-free-access, not ${JSON.stringify(wrong ?? value)}`);
  return [...new Set(items)];
}

function flag(value: string | undefined, name: string): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw invalid(`${name} must be true or false`);
}

function priceOf(params: Record<string, string | undefined>): Pick<SpaceQuery, 'price'> {
  const minMinor = integerIn(params.minPrice, 'minPrice', 0, 100_000_000);
  const maxMinor = integerIn(params.maxPrice, 'maxPrice', 0, 100_000_000);
  if (minMinor === undefined && maxMinor === undefined) {
    if (params.currency !== undefined) throw invalid('currency goes with minPrice or maxPrice');
    return {};
  }
  if (params.currency === undefined || !/^[A-Z]{3}$/.test(params.currency)) throw invalid('minPrice and maxPrice are minor units of a currency: give currency, an ISO 4217 code such as EUR');
  if (minMinor !== undefined && maxMinor !== undefined && minMinor > maxMinor) throw invalid('minPrice must not exceed maxPrice');
  return { price: { currency: params.currency, ...(minMinor !== undefined && { minMinor }), ...(maxMinor !== undefined && { maxMinor }) } };
}

function windowOf(from: string | undefined, to: string | undefined): Pick<SpaceQuery, 'window'> {
  if (from === undefined && to === undefined) return {};
  if (from === undefined || to === undefined) throw invalid('availableFrom and availableTo go together');
  const startMs = instant(from, 'availableFrom', BadRequestCode.InvalidParameter);
  const endMs = instant(to, 'availableTo', BadRequestCode.InvalidParameter);
  if (endMs <= startMs) throw invalid('availableTo must lie after availableFrom');
  if (endMs - startMs > MAX_WINDOW_MS) throw invalid('the window from availableFrom to availableTo must be at most 7 days: spaces are found bookable throughout it');
  return { window: { startMs, endMs } };
}

function orderOf(value: string | undefined): SpaceQuery['orderBy'] {
  if (value === undefined || value === 'distance' || value === 'rating') return value ?? 'distance';
  throw invalid('orderBy must be distance or rating');
}
