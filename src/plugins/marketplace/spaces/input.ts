/**
 * What owners and verifiers send, checked: 400 INVALID_SPACE or INVALID_VERIFICATION naming the
 * field and what is wrong, before anything is recorded.
 */
import { IANAZone } from 'luxon';
import { BadRequestError, objectFields } from '../../../plugin-api';
import { instant, integerIn, slugs, uuid } from '../fields';
import type { Address, Money, Verification } from '../model';
import type { Listing } from './records';

export const INVALID_SPACE = 'INVALID_SPACE';
export const INVALID_VERIFICATION = 'INVALID_VERIFICATION';

const MAX_TEXT = 2000;
const MAX_CAPACITY = 100_000;
/** A rate above this (in minor units) is certainly a typo; it also keeps price × minutes an exact integer. */
const MAX_RATE_MINOR = 100_000_000;
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const LANGUAGE_TAG = /^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{1,8})*$/;
const COUNTRY = /^[A-Z]{2}$/;

/** An owner's listing (POST and PUT /spaces…): every field of Listing, nothing else but `id` and `actor`. */
export function parseListing(input: unknown): Listing {
  const body = objectFields(input, INVALID_SPACE, { known: ['id', 'actor', 'name', 'description', 'address', 'capacity', 'amenities', 'claimedCertifications', 'claimedAccessibilityFeatures', 'hourlyRate', 'timeZone'] });
  const description = body.description === undefined ? undefined : languageMap(body.description, 'description');
  return {
    name: languageMap(body.name, 'name'),
    ...(description !== undefined && { description }),
    address: address(body.address),
    capacity: integerIn(body.capacity, 'capacity', 1, MAX_CAPACITY, INVALID_SPACE),
    amenities: slugs(body.amenities ?? [], 'amenities', INVALID_SPACE),
    claimedCertifications: slugs(body.claimedCertifications ?? [], 'claimedCertifications', INVALID_SPACE),
    claimedAccessibilityFeatures: slugs(body.claimedAccessibilityFeatures ?? [], 'claimedAccessibilityFeatures', INVALID_SPACE),
    hourlyRate: money(body.hourlyRate),
    timeZone: timeZone(body.timeZone),
  };
}

/** The space id a client chose (`id`, a UUID, lowercased), if any. */
export function chosenId(input: unknown): string | undefined {
  const id = (input as { id?: unknown }).id;
  if (id === undefined) return undefined;
  return uuid(id, 'id', INVALID_SPACE);
}

/** A verifier's assertion (POST /spaces/:id/verification): validUntil must lie after `nowMs`. */
export function parseVerification(input: unknown, nowMs: number): Omit<Verification, 'verifier' | 'statementId'> {
  const body = objectFields(input, INVALID_VERIFICATION, { known: ['actor', 'certifications', 'accessibilityFeatures', 'childSafe', 'validUntil'] });
  if (typeof body.childSafe !== 'boolean') throw new BadRequestError(INVALID_VERIFICATION, 'childSafe must be true or false');
  const validUntilMs = instant(body.validUntil, 'validUntil', INVALID_VERIFICATION);
  if (validUntilMs <= nowMs) throw new BadRequestError(INVALID_VERIFICATION, 'validUntil must lie in the future: every verification expires later');
  return {
    certifications: slugs(body.certifications ?? [], 'certifications', INVALID_VERIFICATION),
    accessibilityFeatures: slugs(body.accessibilityFeatures ?? [], 'accessibilityFeatures', INVALID_VERIFICATION),
    childSafe: body.childSafe,
    validUntilMs,
  };
}

/** Why a verifier withdraws (DELETE /spaces/:id/verification): `reason`, 1 to 2000 characters. */
export function parseReason(input: unknown): string {
  const body = objectFields(input ?? {}, INVALID_VERIFICATION, { known: ['actor', 'reason'] });
  return text(body.reason, 'reason', INVALID_VERIFICATION);
}

function text(value: unknown, field: string, code: string, max = MAX_TEXT): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) throw new BadRequestError(code, `${field} must be a non-empty text of at most ${max} characters`);
  return value;
}

function languageMap(value: unknown, field: string): Record<string, string> {
  const map = objectFields(value, INVALID_SPACE, { path: field });
  const entries = Object.entries(map);
  if (entries.length === 0) throw new BadRequestError(INVALID_SPACE, `${field} must be a language map such as {"en": "Room 2"} with at least one language`);
  for (const [language, label] of entries) {
    if (!LANGUAGE_TAG.test(language)) throw new BadRequestError(INVALID_SPACE, `${field} has ${JSON.stringify(language)}, which is not a language tag`);
    text(label, `${field}.${language}`, INVALID_SPACE, 200);
  }
  return map as Record<string, string>;
}

function address(value: unknown): Address {
  const body = objectFields(value, INVALID_SPACE, { known: ['street', 'locality', 'region', 'postalCode', 'country', 'latitude', 'longitude'], path: 'address' });
  if (typeof body.country !== 'string' || !COUNTRY.test(body.country)) throw new BadRequestError(INVALID_SPACE, 'address.country must be an ISO 3166-1 alpha-2 code such as ES');
  return {
    street: text(body.street, 'address.street', INVALID_SPACE, 200),
    locality: text(body.locality, 'address.locality', INVALID_SPACE, 200),
    ...(body.region !== undefined && { region: text(body.region, 'address.region', INVALID_SPACE, 200) }),
    ...(body.postalCode !== undefined && { postalCode: text(body.postalCode, 'address.postalCode', INVALID_SPACE, 20) }),
    country: body.country,
    latitude: coordinate(body.latitude, 'address.latitude', 90),
    longitude: coordinate(body.longitude, 'address.longitude', 180),
  };
}

function coordinate(value: unknown, field: string, bound: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > bound) throw new BadRequestError(INVALID_SPACE, `${field} must be a number of degrees from -${bound} to ${bound}`);
  return value;
}

function money(value: unknown): Money {
  const body = objectFields(value, INVALID_SPACE, { known: ['amountMinor', 'currency'], path: 'hourlyRate' });
  if (typeof body.currency !== 'string' || !CURRENCIES.has(body.currency)) throw new BadRequestError(INVALID_SPACE, 'hourlyRate.currency must be an ISO 4217 code such as EUR');
  if (typeof body.amountMinor === 'number' && !Number.isInteger(body.amountMinor)) {
    throw new BadRequestError(INVALID_SPACE, 'hourlyRate.amountMinor is in minor units (cents) and must be a whole number: a fraction of a cent cannot be charged');
  }
  return { amountMinor: integerIn(body.amountMinor, 'hourlyRate.amountMinor', 0, MAX_RATE_MINOR, INVALID_SPACE), currency: body.currency };
}

function timeZone(value: unknown): string {
  if (typeof value !== 'string' || !IANAZone.isValidZone(value)) throw new BadRequestError(INVALID_SPACE, `timeZone must be an IANA time zone that exists, such as Europe/Madrid, not ${JSON.stringify(value)}`);
  return value;
}
