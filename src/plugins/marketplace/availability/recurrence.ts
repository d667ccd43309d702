/**
 * The weekly recurrence rules a plan may use (docs/marketplace.md, "Availability"): RFC 5545 RRULEs
 * `FREQ=WEEKLY;BYDAY=…` with optionally INTERVAL, BYMONTH and UNTIL. They recur from a fixed start,
 * Monday 1970-01-05 at the rule's local start time (a floating date-time in the plan's zone), so
 * occurrences never depend on when a plan was published; INTERVAL=n counts weeks from that Monday.
 * COUNT and DTSTART would count from that arbitrary start, so they are refused, as are the parts a
 * weekly plan does not need (BYHOUR…: the rule's `start` says when; BYSETPOS, WKST, BYMONTHDAY…).
 */
import { rrulestr } from 'rrule';
import { BoundedCache } from './bounded-cache';

const DAY_MS = 86_400_000;
/** Day number (days since 1970-01-01) of Monday 1970-01-05, the first day of week 0. */
export const FIRST_MONDAY_DAY = 4;
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const ALLOWED_PARTS = new Set(['FREQ', 'BYDAY', 'INTERVAL', 'BYMONTH', 'UNTIL']);
const MAX_INTERVAL_WEEKS = 52;
const LOCAL_DATE_TIME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})$/;

/** A parsed rule: which days of which weeks it occurs on. */
export interface WeeklyRecurrence {
  /** Bit d set: occurs on weekday d (0 = Monday … 6 = Sunday). */
  weekdayMask: number;
  /** Bit m set: occurs in month m (1 = January); 0 = every month. */
  monthMask: number;
  intervalWeeks: number;
  /** Occurrences starting after this wall-clock time (local milliseconds) do not happen. */
  untilLocalMs?: number;
}

/** Why a rule was refused (plan.ts names the rule in its 400). */
export class RecurrenceError extends Error {}

const parsed = new BoundedCache<string, WeeklyRecurrence | RecurrenceError>(10_000);

/** The rule's recurrence, or a RecurrenceError thrown saying what is wrong; parsed once per distinct text. */
export function parseRecurrence(rrule: string): WeeklyRecurrence {
  const result = parsed.getOrMake(rrule, attemptParse);
  if (result instanceof RecurrenceError) throw result;
  return result;
}

/** Whether a rule occurs on a local day (days since 1970-01-01 of the wall-clock date). */
export function occursOn(recurrence: WeeklyRecurrence, day: number): boolean {
  const weekday = (((day - FIRST_MONDAY_DAY) % 7) + 7) % 7;
  if (((recurrence.weekdayMask >> weekday) & 1) === 0) return false;
  if (recurrence.intervalWeeks > 1) {
    const week = Math.floor((day - FIRST_MONDAY_DAY) / 7);
    if (((week % recurrence.intervalWeeks) + recurrence.intervalWeeks) % recurrence.intervalWeeks !== 0) return false;
  }
  return recurrence.monthMask === 0 || ((recurrence.monthMask >> (new Date(day * DAY_MS).getUTCMonth() + 1)) & 1) === 1;
}

function attemptParse(rrule: string): WeeklyRecurrence | RecurrenceError {
  try {
    const recurrence = recurrenceOf(partsOf(rrule));
    rrulestr(rrule); // the rrule library reads the same text (the property tests compare occurrences with it)
    return recurrence;
  } catch (error) {
    return error instanceof RecurrenceError ? error : new RecurrenceError(`is not an RRULE the rrule library reads (${(error as Error).message})`);
  }
}

function partsOf(rrule: string): Map<string, string> {
  if (!rrule.startsWith('FREQ=WEEKLY')) throw new RecurrenceError('must start with FREQ=WEEKLY');
  const parts = new Map<string, string>();
  for (const part of rrule.split(';')) {
    const match = /^([A-Z]+)=([A-Z0-9,]+)$/.exec(part);
    if (match === null) throw new RecurrenceError(`has a malformed part "${part}" (NAME=VALUE, upper case, separated by ;)`);
    const [, name, value] = match;
    if (!ALLOWED_PARTS.has(name)) throw new RecurrenceError(`may not use ${name} (allowed: ${[...ALLOWED_PARTS].join(', ')})`);
    if (parts.has(name)) throw new RecurrenceError(`repeats ${name}`);
    parts.set(name, value);
  }
  if (parts.get('FREQ') !== 'WEEKLY') throw new RecurrenceError('must be FREQ=WEEKLY');
  return parts;
}

function recurrenceOf(parts: Map<string, string>): WeeklyRecurrence {
  const byday = parts.get('BYDAY');
  if (byday === undefined) throw new RecurrenceError('needs BYDAY (the weekdays, e.g. BYDAY=MO,WE)');
  const interval = parts.get('INTERVAL');
  const bymonth = parts.get('BYMONTH');
  const until = parts.get('UNTIL');
  return {
    weekdayMask: maskOf(byday, 'BYDAY', (day) => WEEKDAYS.indexOf(day), 'weekdays MO…SU without ordinals'),
    monthMask: bymonth === undefined ? 0 : maskOf(bymonth, 'BYMONTH', (month) => (/^(0?[1-9]|1[0-2])$/.test(month) ? Number(month) : -1), 'months 1…12'),
    intervalWeeks: interval === undefined ? 1 : intervalOf(interval),
    ...(until === undefined ? {} : { untilLocalMs: untilOf(until) }),
  };
}

function maskOf(list: string, name: string, bitOf: (item: string) => number, allowed: string): number {
  let mask = 0;
  for (const item of list.split(',')) {
    const bit = bitOf(item);
    if (bit < 0) throw new RecurrenceError(`has ${name} "${item}": allowed are ${allowed}`);
    mask |= 1 << bit;
  }
  return mask;
}

function intervalOf(value: string): number {
  const weeks = /^[0-9]{1,2}$/.test(value) ? Number(value) : 0;
  if (weeks < 1 || weeks > MAX_INTERVAL_WEEKS) throw new RecurrenceError(`has INTERVAL=${value}: a number of weeks from 1 to ${MAX_INTERVAL_WEEKS}`);
  return weeks;
}

function untilOf(value: string): number {
  const match = LOCAL_DATE_TIME.exec(value);
  if (match === null) throw new RecurrenceError(`has UNTIL=${value}: a local date and time like 20261231T235959 (no Z: the plan's zone applies)`);
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const localMs = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(localMs);
  if (year < 1970 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new RecurrenceError(`has UNTIL=${value}, which is no date and time from 1970 on`);
  }
  return localMs;
}
