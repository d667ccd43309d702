/**
 * The pages' forms read into what the services take. The services check everything (400 naming
 * the field); the forms only turn typed text into those shapes: local times of the space into
 * RFC 3339, amounts into minor units, comma lists into lists, digits into numbers.
 */
import { DateTime } from 'luxon';
import { BadRequestCode, BadRequestError, singleParameters, type Locale } from '../../../plugin-api';
import type { AvailabilityPlan, Space, WeeklyRule } from '../model';
import { listOf, localToRfc3339, minorUnitsOf } from './format';
import { WEEKDAYS } from './messages';
import { OPENING_ROWS } from './hosting-page';
import { SEARCH_FIELDS, type SearchForm } from './search-page';

type Form = Record<string, unknown>;

/** The fields of a form given once (others, e.g. repeated checkboxes, listed in `repeated`), 400 otherwise. */
function fieldsOf(body: unknown, fields: readonly string[], repeated: readonly string[] = []): { one: Record<string, string | undefined>; many: Record<string, string[]> } {
  const form = (typeof body === 'object' && body !== null ? body : {}) as Form;
  const single = Object.fromEntries(Object.entries(form).filter(([name]) => !repeated.includes(name) && name !== '_csrf'));
  const many = Object.fromEntries(repeated.map((name) => [name, ([] as unknown[]).concat(form[name] ?? []).map(String)]));
  return { one: singleParameters(single, { resource: 'this form', optional: fields }), many };
}

/** Digits as a number; anything else as typed, for the service to refuse naming the field. */
function numberOrText(text: string | undefined): number | string | undefined {
  return text !== undefined && /^-?\d+(?:\.\d+)?$/.test(text.trim()) ? Number(text) : text;
}

/** The booking form of a space: its local start and end, participants and the certifications the group needs. */
export function holdInput(body: unknown, space: Space): object {
  const { one, many } = fieldsOf(body, ['start', 'end', 'participants'], ['safetyRequirements']);
  return { spaceId: space.id, ...timesOf(one, space), participants: numberOrText(one.participants), safetyRequirements: many.safetyRequirements };
}

/** The form moving a confirmed reservation: its new local start and end. */
export function modifyInput(body: unknown, space: Space): object {
  return timesOf(fieldsOf(body, ['start', 'end']).one, space);
}

function timesOf(one: Record<string, string | undefined>, space: Space): { start: string; end: string } {
  return { start: localToRfc3339(one.start ?? '', space.timeZone, 'start'), end: localToRfc3339(one.end ?? '', space.timeZone, 'end') };
}

const LISTING_FIELDS = ['name', 'description', 'street', 'locality', 'region', 'postalCode', 'country', 'latitude', 'longitude', 'capacity', 'amenities', 'claimedCertifications', 'claimedAccessibilityFeatures', 'rate', 'currency', 'timeZone'];

/** The register form: name and description in the page's language, the rate typed as an amount. */
export function listingInput(body: unknown, locale: Locale): object {
  const { one } = fieldsOf(body, LISTING_FIELDS);
  const text = (name: string) => (one[name]?.trim() === '' ? undefined : one[name]?.trim());
  const currency = (one.currency ?? '').trim().toUpperCase();
  const description = text('description');
  return {
    name: { [locale]: one.name ?? '' },
    ...(description !== undefined && { description: { [locale]: description } }),
    address: {
      street: one.street,
      locality: one.locality,
      ...(text('region') !== undefined && { region: text('region') }),
      ...(text('postalCode') !== undefined && { postalCode: text('postalCode') }),
      country: (one.country ?? '').trim().toUpperCase(),
      latitude: numberOrText(one.latitude),
      longitude: numberOrText(one.longitude),
    },
    capacity: numberOrText(one.capacity),
    amenities: listOf(one.amenities),
    claimedCertifications: listOf(one.claimedCertifications),
    claimedAccessibilityFeatures: listOf(one.claimedAccessibilityFeatures),
    hourlyRate: { amountMinor: minorUnitsOf(one.rate ?? '', currency, 'rate'), currency },
    timeZone: one.timeZone?.trim(),
  };
}

/** The availability form: each row with days ticked is one weekly rule from its opening to its closing time. */
export function planInput(body: unknown, space: Space): AvailabilityPlan {
  const rows = Array.from({ length: OPENING_ROWS }, (_, row) => row);
  const { one, many } = fieldsOf(
    body,
    rows.flatMap((row) => [`opens${row}`, `closes${row}`]),
    rows.map((row) => `days${row}`),
  );
  const weekly = rows.flatMap((row) => {
    const days = many[`days${row}`]!;
    return days.length === 0 ? [] : [weeklyRule(days, one[`opens${row}`], one[`closes${row}`], row + 1)];
  });
  return { timeZone: space.timeZone, weekly };
}

function weeklyRule(days: string[], opens: string | undefined, closes: string | undefined, row: number): WeeklyRule {
  const minutes = (time: string | undefined, field: string) => {
    const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time ?? '');
    if (match === null) throw new BadRequestError(BadRequestCode.InvalidParameter, `Opening ${row}: ${field} must be a time such as 09:00`);
    return Number(match[1]) * 60 + Number(match[2]);
  };
  const unknown = days.find((day) => !(WEEKDAYS as readonly string[]).includes(day));
  if (unknown !== undefined) throw new BadRequestError(BadRequestCode.InvalidParameter, `Opening ${row}: ${JSON.stringify(unknown)} is no weekday`);
  const start = minutes(opens, 'opens');
  const end = minutes(closes, 'closes');
  // Closing at or before opening means the opening runs past midnight (22:00 to 02:00), 24 h at most.
  const durationMinutes = end > start ? end - start : end + 1440 - start;
  return { rrule: `FREQ=WEEKLY;BYDAY=${WEEKDAYS.filter((day) => days.includes(day)).join(',')}`, start: opens!, durationMinutes };
}

/** The verify form: what the verifier confirmed, valid until the end of the chosen day (UTC). */
export function verificationInput(body: unknown): object {
  const { one } = fieldsOf(body, ['certifications', 'accessibilityFeatures', 'childSafe', 'validUntil']);
  const until = /^\d{4}-\d{2}-\d{2}$/.test(one.validUntil ?? '') ? DateTime.fromISO(one.validUntil!, { zone: 'UTC' }) : undefined;
  if (until === undefined || !until.isValid) throw new BadRequestError(BadRequestCode.InvalidParameter, 'validUntil must be a date such as 2027-06-30');
  return {
    certifications: listOf(one.certifications),
    accessibilityFeatures: listOf(one.accessibilityFeatures),
    childSafe: one.childSafe === 'true',
    validUntil: until.endOf('day').set({ millisecond: 0 }).toISO({ suppressMilliseconds: true }),
  };
}

/** One text field of a form (a reason, a note), as the service takes it in a body. */
export function textInput(body: unknown, field: string): string {
  return fieldsOf(body, [field]).one[field] ?? '';
}

/** The search form as typed, and the query GET /spaces takes: prices in minor units, the window in RFC 3339. */
export function searchOf(query: Record<string, unknown>): { form: SearchForm; query: Record<string, string> } {
  const form: SearchForm = singleParameters(query, { resource: 'the search page', optional: [...SEARCH_FIELDS, 'lang'] });
  delete (form as Record<string, unknown>).lang;
  const given = Object.fromEntries(Object.entries(form).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== ''));
  const { minPrice, maxPrice, currency = 'EUR', availableFrom, availableTo, zone = 'UTC', ...rest } = given;
  const priced = minPrice !== undefined || maxPrice !== undefined;
  return {
    form,
    query: {
      ...rest,
      ...(minPrice !== undefined && { minPrice: String(minorUnitsOf(minPrice, currency, 'minPrice')) }),
      ...(maxPrice !== undefined && { maxPrice: String(minorUnitsOf(maxPrice, currency, 'maxPrice')) }),
      ...(priced && { currency }),
      ...(availableFrom !== undefined && { availableFrom: localToRfc3339(availableFrom, zone, 'availableFrom') }),
      ...(availableTo !== undefined && { availableTo: localToRfc3339(availableTo, zone, 'availableTo') }),
    },
  };
}
