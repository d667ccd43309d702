/**
 * Checks of single fields every feature's input takes, each throwing a 400 with the caller's stable
 * code and a message naming the field: one wording and one reading of each kind of value across
 * the marketplace.
 */
import { BadRequestError } from '../../plugin-api';
import { parseInstant } from './availability';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_SLUGS = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An RFC 3339 date-time with an offset or Z (availability's parseInstant), as ms since the epoch. */
export function instant(value: unknown, field: string, code: string): number {
  const instantMs = parseInstant(value);
  if (instantMs === undefined) throw new BadRequestError(code, `${field} must be an RFC 3339 date-time with an offset, e.g. 2027-03-10T17:00:00+01:00`);
  return instantMs;
}

/** A UUID, lowercased. */
export function uuid(value: unknown, field: string, code: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw new BadRequestError(code, `${field} must be a UUID, got ${described(value)}`);
  return value.toLowerCase();
}

export function integerIn(value: unknown, field: string, min: number, max: number, code: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new BadRequestError(code, `${field} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** A list of distinct lowercase slugs (e.g. step-free-access), at most 50, sorted. */
export function slugs(value: unknown, field: string, code: string): string[] {
  if (!Array.isArray(value) || value.length > MAX_SLUGS) throw new BadRequestError(code, `${field} must be a list of at most ${MAX_SLUGS} slugs`);
  for (const item of value) {
    if (typeof item !== 'string' || item.length > 64 || !SLUG.test(item)) throw new BadRequestError(code, `${field} must hold slugs such as step-free-access (lowercase letters, digits, single hyphens), not ${JSON.stringify(item)}`);
  }
  return [...new Set(value as string[])].sort();
}

/** A value as a message shows it: short, `nothing` when absent. */
export function described(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value).slice(0, 40);
}
