import { DateTime } from 'luxon';
import { clipIntervals } from '../availability';
import type { Interval } from '../model';

/** Days the space page's calendar shows, from today (the space's local today). */
export const CALENDAR_DAYS = 7;

/** One local day of a space's calendar: its start and end instants and its free intervals within it. */
export interface CalendarDay {
  startMs: number;
  endMs: number;
  free: Interval[];
}

/**
 * The local days of `timeZone` from the one holding `fromMs`, `days` of them, each with the parts
 * of `free` (sorted, disjoint) inside it. Local days are 23 or 25 hours long across daylight-saving
 * changes, so they are computed in the zone, never as 24-hour steps.
 */
export function localDays(free: Interval[], timeZone: string, fromMs: number, days = CALENDAR_DAYS): CalendarDay[] {
  const first = DateTime.fromMillis(fromMs, { zone: timeZone }).startOf('day');
  return Array.from({ length: days }, (_, index) => {
    const startMs = first.plus({ days: index }).toMillis();
    const endMs = first.plus({ days: index + 1 }).toMillis();
    return { startMs, endMs, free: clipIntervals(free, Math.max(startMs, fromMs), endMs) };
  });
}

/** The window [start, end) of the calendar: now to the end of its last local day. */
export function calendarWindow(timeZone: string, nowMs: number, days = CALENDAR_DAYS): Interval {
  const endMs = DateTime.fromMillis(nowMs, { zone: timeZone }).startOf('day').plus({ days }).toMillis();
  return { startMs: nowMs, endMs };
}
