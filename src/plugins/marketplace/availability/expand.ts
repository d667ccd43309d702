/**
 * Open time of a plan (docs/marketplace.md, "Availability"): each weekly rule's occurrences placed on
 * the wall clock of the plan's zone, so a rule at 16:00 stays at 16:00 local across daylight-saving
 * changes, and an occurrence covers the instants from its local start to its local end
 * (zone-clock.ts: a start in the hour skipped in spring begins when the clocks jump; an ambiguous
 * time in autumn is its first occurrence; a 00:00 rule of 24 hours covers the whole local day, 23 or
 * 25 hours long). Then closed exceptions are removed and open ones added (an open exception wins
 * where both overlap: it is the more specific statement of the owner).
 */
import type { AvailabilityException, AvailabilityPlan, Interval } from '../model';
import { BoundedCache } from './bounded-cache';
import { parseInstant } from './instants';
import { mergeIntervals, subtractIntervals } from './intervals';
import { occursOn, parseRecurrence, type WeeklyRecurrence } from './recurrence';
import { zoneClock, type ZoneClock } from './zone-clock';

export { mergeIntervals, subtractIntervals } from './intervals';

const DAY_MS = 86_400_000;

interface CompiledRule {
  recurrence: WeeklyRecurrence;
  /** Local start after midnight, and length on the wall clock. */
  startMs: number;
  durationMs: number;
}

interface CompiledPlan {
  clock: ZoneClock;
  rules: CompiledRule[];
}

const compiledPlans = new WeakMap<AvailabilityPlan, CompiledPlan>();

/**
 * The instants of [fromMs, toMs) the plan is open: sorted, disjoint, clipped to the window. The plan
 * must have passed parseAvailabilityPlan.
 */
export function openIntervals(plan: AvailabilityPlan, fromMs: number, toMs: number): Interval[] {
  if (!(toMs > fromMs)) return [];
  const { closed, open } = exceptionsWithin(plan.exceptions ?? [], fromMs, toMs);
  const weekly = subtractIntervals(weeklyIntervals(compile(plan), fromMs, toMs), closed);
  return open.length === 0 ? weekly : mergeIntervals([...weekly, ...open]);
}

/** Whether the plan is open at every instant of [startMs, endMs) (false for an empty window). */
export function isOpenThroughout(plan: AvailabilityPlan, startMs: number, endMs: number): boolean {
  const open = openIntervals(plan, startMs, endMs);
  return open.length === 1 && open[0].startMs === startMs && open[0].endMs === endMs;
}

function weeklyIntervals({ clock, rules }: CompiledPlan, fromMs: number, toMs: number): Interval[] {
  const intervals: Interval[] = [];
  // An occurrence lasts at most 24 wall-clock hours, so one starting the local day before may reach into the window.
  const firstDay = Math.floor(clock.localMs(fromMs) / DAY_MS) - 1;
  const lastDay = Math.floor(clock.localMs(toMs) / DAY_MS);
  for (let day = firstDay; day <= lastDay; day++) {
    for (const rule of rules) {
      if (!occursOn(rule.recurrence, day)) continue;
      const localStartMs = day * DAY_MS + rule.startMs;
      if (rule.recurrence.untilLocalMs !== undefined && localStartMs > rule.recurrence.untilLocalMs) continue;
      const startMs = Math.max(clock.instantOf(localStartMs), fromMs);
      const endMs = Math.min(clock.instantOf(localStartMs + rule.durationMs), toMs);
      if (endMs > startMs) intervals.push({ startMs, endMs });
    }
  }
  return mergeIntervals(intervals);
}

function compile(plan: AvailabilityPlan): CompiledPlan {
  let compiled = compiledPlans.get(plan);
  if (compiled === undefined) {
    compiled = { clock: zoneClock(plan.timeZone), rules: plan.weekly.map(compileRule) };
    compiledPlans.set(plan, compiled);
  }
  return compiled;
}

function compileRule(rule: AvailabilityPlan['weekly'][number]): CompiledRule {
  const [hours, minutes] = rule.start.split(':').map(Number);
  return { recurrence: parseRecurrence(rule.rrule), startMs: (hours * 60 + minutes) * 60_000, durationMs: rule.durationMinutes * 60_000 };
}

/**
 * The exceptions' time inside the window, closed and open apart. An exception is read only when its
 * dates (as written, in its own offset: within a day of UTC's) come near the window's, so a year
 * of closures costs a few string comparisons per window.
 */
function exceptionsWithin(exceptions: readonly AvailabilityException[], fromMs: number, toMs: number): { closed: Interval[]; open: Interval[] } {
  const closed: Interval[] = [];
  const open: Interval[] = [];
  const firstDate = utcDate(fromMs - DAY_MS);
  // Above every date-time of the last date ('\x7f' sorts after its T), so no substring is made.
  const afterLastDate = `${utcDate(toMs + DAY_MS)}\x7f`;
  for (const exception of exceptions) {
    if (exception.from > afterLastDate || exception.to < firstDate) continue;
    const startMs = Math.max(parseInstant(exception.from)!, fromMs);
    const endMs = Math.min(parseInstant(exception.to)!, toMs);
    if (endMs > startMs) (exception.kind === 'closed' ? closed : open).push({ startMs, endMs });
  }
  return { closed: mergeIntervals(closed), open: mergeIntervals(open) };
}

/** Date strings by day number, since toISOString took 40% of a search candidate's expansion. */
const dates = new BoundedCache<number, string>(10_000);

function utcDate(instantMs: number): string {
  return dates.getOrMake(Math.floor(instantMs / DAY_MS), (day) => new Date(day * DAY_MS).toISOString().slice(0, 10));
}
