/**
 * A published availability plan, checked (docs/marketplace.md, "Availability"): a weekly plan in an
 * IANA zone that exists, at most 100 weekly rules (recurrence.ts says which RRULEs) starting at a
 * local HH:MM on the 15-minute grid and lasting 15 minutes to 24 hours in steps of 15, and at most
 * 1,000 exceptions: RFC 3339 instants with their offset on the 15-minute grid, from < to. Stricter
 * than the profile's availability extension, so a plan that passes is a valid extension.
 */
import { IANAZone } from 'luxon';
import { BadRequestError } from '../../../plugin-api';
import { SLOT_MINUTES, SLOT_MS, type AvailabilityException, type AvailabilityPlan, type WeeklyRule } from '../model';
import { parseInstant } from './instants';
import { BoundedCache } from './bounded-cache';
import { parseRecurrence, RecurrenceError } from './recurrence';

export const INVALID_AVAILABILITY = 'INVALID_AVAILABILITY';
export const MAX_WEEKLY_RULES = 100;
export const MAX_EXCEPTIONS = 1000;
const MAX_DURATION_MINUTES = 24 * 60;
const MAX_RRULE_CHARS = 500;
/** The profile's pattern for zone names (its timeZone extension): Area/Location, or UTC. */
const ZONE_NAME = /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+){0,2}$|^UTC$/;
const LOCAL_TIME = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;

/** The plan, its zone named as the time zone database spells it; throws 400 INVALID_AVAILABILITY naming what is wrong. */
export function parseAvailabilityPlan(input: unknown): AvailabilityPlan {
  const plan = objectOf(input, 'the availability plan', ['timeZone', 'weekly', 'exceptions']);
  const exceptions = plan.exceptions === undefined ? undefined : listOf(plan.exceptions, 'exceptions', 0, MAX_EXCEPTIONS).map(exceptionOf);
  return {
    timeZone: parseTimeZone(plan.timeZone, 'timeZone'),
    weekly: listOf(plan.weekly, 'weekly', 1, MAX_WEEKLY_RULES).map(weeklyRuleOf),
    ...(exceptions === undefined ? {} : { exceptions }),
  };
}

/** An IANA zone that exists, as the time zone database spells it (`europe/madrid` → `Europe/Madrid`); 400 otherwise. */
export function parseTimeZone(value: unknown, field: string): string {
  const zone = typeof value === 'string' ? zoneNames.getOrMake(value, canonicalZone) : '';
  if (zone === '') throw invalid(`${field} must be an IANA time zone that exists, like Europe/Madrid or UTC (got ${JSON.stringify(value)})`);
  return zone;
}

/** Asking Intl takes about 0.3 ms: each name is looked up once ('' for none). */
const zoneNames = new BoundedCache<string, string>(1000);

function canonicalZone(name: string): string {
  if (!ZONE_NAME.test(name) || !IANAZone.isValidZone(name)) return '';
  return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
}

function weeklyRuleOf(input: unknown, index: number): WeeklyRule {
  const field = `weekly[${index}]`;
  const rule = objectOf(input, field, ['rrule', 'start', 'durationMinutes']);
  if (typeof rule.rrule !== 'string' || rule.rrule.length > MAX_RRULE_CHARS) throw invalid(`${field}.rrule must be a string of at most ${MAX_RRULE_CHARS} characters`);
  try {
    parseRecurrence(rule.rrule);
  } catch (error) {
    if (error instanceof RecurrenceError) throw invalid(`${field}.rrule ${error.message}`);
    throw error;
  }
  const start = LOCAL_TIME.exec(typeof rule.start === 'string' ? rule.start : '');
  if (start === null || Number(start[2]) % SLOT_MINUTES !== 0) throw invalid(`${field}.start must be a local time HH:MM at a multiple of ${SLOT_MINUTES} minutes (got ${JSON.stringify(rule.start)})`);
  const duration = rule.durationMinutes;
  if (!Number.isInteger(duration) || (duration as number) < SLOT_MINUTES || (duration as number) > MAX_DURATION_MINUTES || (duration as number) % SLOT_MINUTES !== 0) {
    throw invalid(`${field}.durationMinutes must be a whole number of minutes from ${SLOT_MINUTES} to ${MAX_DURATION_MINUTES}, a multiple of ${SLOT_MINUTES} (got ${JSON.stringify(duration)})`);
  }
  return { rrule: rule.rrule, start: start[0], durationMinutes: duration as number };
}

function exceptionOf(input: unknown, index: number): AvailabilityException {
  const field = `exceptions[${index}]`;
  const exception = objectOf(input, field, ['from', 'to', 'kind']);
  const fromMs = alignedInstant(exception.from, `${field}.from`);
  const toMs = alignedInstant(exception.to, `${field}.to`);
  if (toMs <= fromMs) throw invalid(`${field}.to must be after ${field}.from`);
  if (exception.kind !== 'closed' && exception.kind !== 'open') throw invalid(`${field}.kind must be "closed" or "open"`);
  return { from: exception.from as string, to: exception.to as string, kind: exception.kind };
}

function alignedInstant(value: unknown, field: string): number {
  const instantMs = parseInstant(value);
  if (instantMs === undefined) throw invalid(`${field} must be an RFC 3339 date-time with its offset, like 2026-04-02T00:00:00+02:00 (got ${JSON.stringify(value)})`);
  if (instantMs % SLOT_MS !== 0) throw invalid(`${field} must be on the ${SLOT_MINUTES}-minute grid (got ${value})`);
  return instantMs;
}

function objectOf(input: unknown, field: string, allowed: string[]): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid(`${field} must be an object`);
  const unknown = Object.keys(input).find((key) => !allowed.includes(key));
  if (unknown !== undefined) throw invalid(`${field} has an unknown property "${unknown}" (allowed: ${allowed.join(', ')})`);
  return input as Record<string, unknown>;
}

function listOf(value: unknown, field: string, min: number, max: number): unknown[] {
  if (!Array.isArray(value) || value.length < min || value.length > max) throw invalid(`${field} must be a list of ${min} to ${max} items`);
  return value;
}

function invalid(message: string): BadRequestError {
  return new BadRequestError(INVALID_AVAILABILITY, message);
}
