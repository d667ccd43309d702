import fc from 'fast-check';
import { DateTime } from 'luxon';
import { rrulestr } from 'rrule';
import { SLOT_MS, type AvailabilityPlan, type Interval } from '../model';
import { openIntervals } from './expand';
import { mergeIntervals, subtractIntervals } from './intervals';
import { parseAvailabilityPlan } from './plan';
import { occursOn, parseRecurrence } from './recurrence';

/**
 * Issue 13, "Availability" (correct across daylight-saving changes) and the design's property: every
 * interval openIntervals returns lies inside the window, sorted and disjoint — and holds exactly the
 * instants an independent reading of the wall clock (luxon) says are open.
 */

const DAY_MS = 86_400_000;
const QUARTER_MS = SLOT_MS;
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const ZONES = ['Europe/Madrid', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC', 'America/St_Johns', 'Pacific/Chatham', 'Africa/Casablanca'];
/** Days of 2026 on which one of ZONES changes its clocks, so that windows often contain a change. */
const CHANGE_DAYS = ['2026-02-15', '2026-03-08', '2026-03-22', '2026-03-29', '2026-04-05', '2026-09-27', '2026-10-04', '2026-10-25', '2026-11-01'];

const weekdaysArbitrary = fc.subarray(WEEKDAYS, { minLength: 1 });
const ruleArbitrary = fc.record({
  weekdays: weekdaysArbitrary,
  startQuarter: fc.integer({ min: 0, max: 95 }),
  durationQuarters: fc.integer({ min: 1, max: 96 }),
});
const planArbitrary = fc.record({
  timeZone: fc.constantFrom(...ZONES),
  rules: fc.array(ruleArbitrary, { minLength: 1, maxLength: 3 }),
  exceptions: fc.array(
    fc.record({
      startQuarter: fc.integer({ min: -200, max: 500 }),
      quarters: fc.integer({ min: 1, max: 200 }),
      kind: fc.constantFrom('open' as const, 'closed' as const),
      // The offset an owner wrote the exception's times in: the farthest from UTC included.
      offset: fc.constantFrom('UTC', 'UTC+14', 'UTC-12', 'UTC+5:45', 'UTC-3:30'),
    }),
    { maxLength: 3 },
  ),
});
const windowArbitrary = fc.record({
  day: fc.oneof(fc.constantFrom(...CHANGE_DAYS), fc.integer({ min: 0, max: 364 }).map((n) => new Date(Date.UTC(2026, 0, 1) + n * DAY_MS).toISOString().slice(0, 10))),
  shiftQuarters: fc.integer({ min: -300, max: 300 }),
  lengthQuarters: fc.integer({ min: 1, max: 300 }),
});

interface PlanShape {
  timeZone: string;
  rules: Array<{ weekdays: string[]; startQuarter: number; durationQuarters: number }>;
  exceptions: Array<{ startQuarter: number; quarters: number; kind: 'open' | 'closed'; offset: string }>;
}

function planOf(shape: PlanShape, baseMs: number): AvailabilityPlan {
  const hhmm = (quarter: number) => `${String(Math.floor(quarter / 4)).padStart(2, '0')}:${String((quarter % 4) * 15).padStart(2, '0')}`;
  const iso = (ms: number, offset: string) => DateTime.fromMillis(ms, { zone: offset }).toISO({ suppressMilliseconds: true })!;
  return parseAvailabilityPlan({
    timeZone: shape.timeZone,
    weekly: shape.rules.map((rule) => ({ rrule: `FREQ=WEEKLY;BYDAY=${rule.weekdays.join(',')}`, start: hhmm(rule.startQuarter), durationMinutes: rule.durationQuarters * 15 })),
    exceptions: shape.exceptions.map((exception) => ({
      from: iso(baseMs + exception.startQuarter * QUARTER_MS, exception.offset),
      to: iso(baseMs + (exception.startQuarter + exception.quarters) * QUARTER_MS, exception.offset),
      kind: exception.kind,
    })),
  });
}

/** The wall-clock time (local milliseconds) luxon shows at an instant. */
function wallClock(instantMs: number, timeZone: string): number {
  const local = DateTime.fromMillis(instantMs, { zone: timeZone });
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, local.millisecond);
}

/**
 * The latest wall-clock time shown at or before an instant on the 15-minute grid (clocks change on
 * that grid, and go back at most two hours): an occurrence [start, end) of local times holds the
 * instant exactly when start ≤ this < end.
 */
function highestWallClock(instantMs: number, timeZone: string): number {
  let highest = wallClock(instantMs, timeZone);
  for (let k = 0; k <= 8; k++) highest = Math.max(highest, wallClock(instantMs - 1 - k * QUARTER_MS, timeZone));
  return highest;
}

/** Whether the plan is open at an instant whose highest wall-clock time so far is `shown`. */
function openByOracle(plan: AvailabilityPlan, instantMs: number, shown: number): boolean {
  const within = (exception: { from: string; to: string }) => Date.parse(exception.from) <= instantMs && instantMs < Date.parse(exception.to);
  const exceptions = plan.exceptions ?? [];
  if (exceptions.some((exception) => exception.kind === 'open' && within(exception))) return true;
  if (exceptions.some((exception) => exception.kind === 'closed' && within(exception))) return false;
  const today = Math.floor(shown / DAY_MS);
  return plan.weekly.some((rule) =>
    [today - 1, today].some((day) => {
      const weekday = WEEKDAYS[(new Date(day * DAY_MS).getUTCDay() + 6) % 7];
      const [hours, minutes] = rule.start.split(':').map(Number);
      const startMs = day * DAY_MS + (hours * 60 + minutes) * 60_000;
      return rule.rrule.split('BYDAY=')[1].split(',').includes(weekday) && startMs <= shown && shown < startMs + rule.durationMinutes * 60_000;
    }),
  );
}

function contains(intervals: Interval[], instantMs: number): boolean {
  return intervals.some((interval) => interval.startMs <= instantMs && instantMs < interval.endMs);
}

describe('openIntervals (property tests)', () => {
  test('intervals lie inside the window, sorted, disjoint and not touching, on the 15-minute grid when the window is', () => {
    fc.assert(
      fc.property(planArbitrary, windowArbitrary, (shape, window) => {
        const fromMs = Date.parse(`${window.day}T00:00:00Z`) + window.shiftQuarters * QUARTER_MS;
        const toMs = fromMs + window.lengthQuarters * QUARTER_MS;
        const intervals = openIntervals(planOf(shape, fromMs), fromMs, toMs);
        intervals.forEach((interval, i) => {
          expect(interval.startMs).toBeGreaterThanOrEqual(fromMs);
          expect(interval.endMs).toBeLessThanOrEqual(toMs);
          expect(interval.endMs).toBeGreaterThan(interval.startMs);
          expect(interval.startMs % QUARTER_MS).toBe(0);
          expect(interval.endMs % QUARTER_MS).toBe(0);
          if (i > 0) expect(interval.startMs).toBeGreaterThan(intervals[i - 1].endMs);
        });
      }),
      { numRuns: 300 },
    );
  });

  test('every quarter-hour of the window is open exactly when the wall clock (read by luxon) is inside an occurrence, or in an open exception, and in no closed one', () => {
    fc.assert(
      fc.property(planArbitrary, windowArbitrary, (shape, window) => {
        const fromMs = Date.parse(`${window.day}T00:00:00Z`) + window.shiftQuarters * QUARTER_MS;
        const toMs = fromMs + Math.min(window.lengthQuarters, 200) * QUARTER_MS;
        const plan = planOf(shape, fromMs);
        const intervals = openIntervals(plan, fromMs, toMs);
        let shown = highestWallClock(fromMs, plan.timeZone);
        for (let instantMs = fromMs; instantMs < toMs; instantMs += QUARTER_MS) {
          // Between two quarter-hours the wall clock only rises, or jumps at the second one.
          if (instantMs > fromMs) shown = Math.max(shown, wallClock(instantMs - 1, plan.timeZone), wallClock(instantMs, plan.timeZone));
          expect([new Date(instantMs).toISOString(), contains(intervals, instantMs)]).toEqual([new Date(instantMs).toISOString(), openByOracle(plan, instantMs, shown)]);
        }
      }),
      { numRuns: 150 },
    );
  });

  test('the days a rule occurs on are the days the rrule library gives, starting Monday 1970-01-05 (INTERVAL, BYMONTH and UNTIL included)', () => {
    const ruleText = fc
      .record({
        weekdays: weekdaysArbitrary,
        interval: fc.integer({ min: 1, max: 5 }),
        months: fc.subarray([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
        untilDay: fc.option(fc.integer({ min: 20_450, max: 20_650 }), { nil: undefined }),
      })
      .map(({ weekdays, interval, months, untilDay }) =>
        [
          'FREQ=WEEKLY',
          `BYDAY=${weekdays.join(',')}`,
          ...(interval > 1 ? [`INTERVAL=${interval}`] : []),
          ...(months.length > 0 ? [`BYMONTH=${months.join(',')}`] : []),
          ...(untilDay === undefined ? [] : [`UNTIL=${new Date(untilDay * DAY_MS + 12 * 3_600_000).toISOString().slice(0, 19).replace(/[-:]/g, '')}`]),
        ].join(';'),
      );
    fc.assert(
      fc.property(ruleText, fc.integer({ min: 20_400, max: 20_700 }), (text, firstDay) => {
        const lastDay = firstDay + 90;
        const startOfDayMs = 10 * 3_600_000; // the rule's local start, 10:00
        const recurrence = parseRecurrence(text);
        const ours: string[] = [];
        for (let day = firstDay; day <= lastDay; day++) {
          const startMs = day * DAY_MS + startOfDayMs;
          if (occursOn(recurrence, day) && (recurrence.untilLocalMs === undefined || startMs <= recurrence.untilLocalMs)) ours.push(new Date(startMs).toISOString());
        }
        const library = rrulestr(text, { dtstart: new Date(Date.UTC(1970, 0, 5) + startOfDayMs) })
          .between(new Date(firstDay * DAY_MS), new Date((lastDay + 1) * DAY_MS), true)
          .map((date) => date.toISOString());
        expect(ours).toEqual(library);
      }),
      { numRuns: 100 },
    );
  });
});

describe('interval sets (property tests)', () => {
  const intervalsArbitrary = fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 12 })).map(([startMs, length]) => ({ startMs, endMs: startMs + length })), { maxLength: 8 });
  const pointsOf = (intervals: Interval[]) => Array.from({ length: 80 }, (_, t) => contains(intervals, t));

  test('mergeIntervals keeps the same points, sorted and disjoint; subtractIntervals keeps the points of open in no busy interval', () => {
    fc.assert(
      fc.property(intervalsArbitrary, intervalsArbitrary, (open, busy) => {
        const merged = mergeIntervals(open);
        expect(pointsOf(merged)).toEqual(pointsOf(open));
        merged.forEach((interval, i) => i > 0 && expect(interval.startMs).toBeGreaterThan(merged[i - 1].endMs));
        const free = subtractIntervals(open, busy);
        expect(pointsOf(free)).toEqual(pointsOf(open).map((isOpen, t) => isOpen && !contains(busy, t)));
      }),
    );
  });
});
