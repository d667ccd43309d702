/**
 * Marketplace availability benchmark: `npx tsx bench/marketplace-availability.ts [--rounds N]`
 * (docs/marketplace.md, "Availability"). Search expands the plans of hundreds of candidate spaces
 * per query over a window of hours or days, and GET …/timeslots one plan over up to 93 days, so
 * this measures openIntervals in nanoseconds per call:
 *
 * - the profile's example plan (Madrid: 4 weekday evenings, a Saturday morning, a closed Easter)
 *   over a 1-day and a 93-day window, the plan as a store read gives it (a new object each call)
 *   and the same object again (its compiled rules cached);
 * - the search's shape: 330 candidate plans (three Iberian zones, 12 closed days over the year)
 *   over a 2-hour window, per search;
 * - baseline in the same run: one luxon IANAZone.offset lookup, which a conversion without the
 *   zone clock's learnt offsets pays at least twice per occurrence;
 * - the first use of a zone over 93 days (learning its offsets), once.
 *
 * Each row is the median of `--rounds` rounds (default 7), with the fastest round.
 */
import { IANAZone } from 'luxon';
import { openIntervals, parseAvailabilityPlan } from '../src/plugins/marketplace/availability';
import type { AvailabilityPlan } from '../src/plugins/marketplace/model';

const DAY_MS = 86_400_000;
const FROM_MS = Date.parse('2026-03-20T00:00:00Z');
const EXAMPLE = parseAvailabilityPlan({
  timeZone: 'Europe/Madrid',
  weekly: [
    { rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH', start: '16:00', durationMinutes: 300 },
    { rrule: 'FREQ=WEEKLY;BYDAY=SA', start: '10:00', durationMinutes: 240 },
  ],
  exceptions: [{ from: '2026-04-02T00:00:00+02:00', to: '2026-04-06T00:00:00+02:00', kind: 'closed' }],
});

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 7;

/** ns per call of `run(i)` over `calls` calls, median and fastest of the rounds. */
function measure(calls: number, run: (i: number) => void): { median: number; fastest: number } {
  for (let i = 0; i < Math.min(calls, 2000); i++) run(i);
  const times = Array.from({ length: rounds }, () => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) run(i);
    return Number(process.hrtime.bigint() - start) / calls;
  }).sort((a, b) => a - b);
  return { median: Math.round(times[Math.floor(rounds / 2)]), fastest: Math.round(times[0]) };
}

/** Copies of a plan, as reads from a store give them. */
function asStored(plan: AvailabilityPlan, copies: number): AvailabilityPlan[] {
  const json = JSON.stringify(plan);
  return Array.from({ length: copies }, () => JSON.parse(json));
}

/** Candidates as search sees them: evenings and a Saturday morning in three zones, 12 closed days over the year. */
function candidates(count: number): AvailabilityPlan[] {
  return Array.from({ length: count }, (_, space) =>
    parseAvailabilityPlan({
      timeZone: ['Europe/Madrid', 'Europe/Lisbon', 'Atlantic/Canary'][space % 3],
      weekly: [
        { rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', start: '16:00', durationMinutes: 300 },
        { rrule: 'FREQ=WEEKLY;BYDAY=SA', start: '10:00', durationMinutes: 240 },
      ],
      exceptions: Array.from({ length: 12 }, (_, closure) => {
        const day = new Date(FROM_MS + ((space * 7 + closure * 29) % 365) * DAY_MS).toISOString().slice(0, 10);
        return { from: `${day}T00:00:00Z`, to: `${new Date(Date.parse(day) + DAY_MS).toISOString().slice(0, 10)}T00:00:00Z`, kind: 'closed' };
      }).sort((one, other) => one.from.localeCompare(other.from)),
    }),
  );
}

function windowStart(i: number): number {
  return FROM_MS + (i % 300) * 900_000;
}

const stored = asStored(EXAMPLE, 1000);
const rows: Record<string, { median: number; fastest: number }> = {};
for (const days of [1, 93]) {
  const calls = days === 1 ? 100_000 : 5_000;
  rows[`${days}-day window, plan as read from a store`] = measure(calls, (i) => openIntervals(stored[i % 1000], windowStart(i), windowStart(i) + days * DAY_MS));
  rows[`${days}-day window, same plan object`] = measure(calls, (i) => openIntervals(EXAMPLE, windowStart(i), windowStart(i) + days * DAY_MS));
}
const searchPlans = candidates(330);
const searchCopies = Array.from({ length: 10 }, () => searchPlans.flatMap((plan) => asStored(plan, 1)));
const search = measure(20, (i) => {
  for (const plan of searchCopies[i % 10]) openIntervals(plan, windowStart(i) + 17 * 3_600_000, windowStart(i) + 19 * 3_600_000);
});
rows['search: 330 candidates × a 2-hour window, per search'] = search;
const zone = IANAZone.create('Europe/Madrid');
rows['baseline: one luxon IANAZone.offset'] = measure(100_000, (i) => zone.offset(FROM_MS + i * 60_000));
const coldStart = process.hrtime.bigint();
openIntervals(parseAvailabilityPlan({ ...EXAMPLE, timeZone: 'America/New_York' }), FROM_MS, FROM_MS + 93 * DAY_MS);
const coldNs = Number(process.hrtime.bigint() - coldStart);

console.log('| measurement | median ns | fastest ns |\n|---|---:|---:|');
for (const [name, figures] of Object.entries(rows)) console.log(`| ${name} | ${figures.median} | ${figures.fastest} |`);
console.log(`\nFirst use of a zone over 93 days (its offsets learnt): ${(coldNs / 1e6).toFixed(2)} ms, once.`);
