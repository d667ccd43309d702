import type { Interval, ReservationLookup, Space } from '../model';
import { formatInstant } from './instants';
import { parseAvailabilityPlan } from './plan';
import { freeIntervals } from './timeslots';

/** Issue 13, "Availability": free time = the weekly plan, its exceptions and the existing claims; nothing before now. */

const plan = parseAvailabilityPlan({ timeZone: 'Europe/Madrid', weekly: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU', start: '16:00', durationMinutes: 300 }] });
const space = { id: '1a0582c6-d5b4-4ec4-9d9f-1972126a1399', timeZone: 'Europe/Madrid', availability: plan } as Space;
const window: Interval = { startMs: Date.parse('2026-06-01T00:00:00+02:00'), endMs: Date.parse('2026-06-03T00:00:00+02:00') };

/** Reservations' busy port with fixed claims, recording what it was asked. */
function claims(busy: Interval[]): Pick<ReservationLookup, 'busy'> & { asked: Array<[string[], number, number]> } {
  const asked: Array<[string[], number, number]> = [];
  return {
    asked,
    async busy(spaceIds, fromMs, toMs) {
      asked.push([spaceIds, fromMs, toMs]);
      return new Map([[space.id, busy]]);
    },
  };
}

function local(intervals: Interval[]): string[][] {
  return intervals.map(({ startMs, endMs }) => [formatInstant(startMs, 'Europe/Madrid'), formatInstant(endMs, 'Europe/Madrid')]);
}

describe('freeIntervals', () => {
  test('open by the plan minus the claims of the space, asked for the window only', async () => {
    const held = claims([{ startMs: Date.parse('2026-06-01T18:00:00+02:00'), endMs: Date.parse('2026-06-01T19:30:00+02:00') }]);
    expect(local(await freeIntervals(space, held, window, Date.parse('2026-05-01T00:00:00Z')))).toEqual([
      ['2026-06-01T16:00:00+02:00', '2026-06-01T18:00:00+02:00'],
      ['2026-06-01T19:30:00+02:00', '2026-06-01T21:00:00+02:00'],
      ['2026-06-02T16:00:00+02:00', '2026-06-02T21:00:00+02:00'],
    ]);
    expect(held.asked).toEqual([[[space.id], window.startMs, window.endMs]]);
  });

  test('nothing before now: a window begun already starts at the next 15-minute boundary', async () => {
    const now = Date.parse('2026-06-01T17:05:30+02:00');
    expect(local(await freeIntervals(space, claims([]), window, now))[0]).toEqual(['2026-06-01T17:15:00+02:00', '2026-06-01T21:00:00+02:00']);
    expect(await freeIntervals(space, claims([]), window, window.endMs)).toEqual([]);
  });

  test('no free time without a plan, or when the space is closed (and the claims are not even read)', async () => {
    const unasked = claims([]);
    expect(await freeIntervals({ ...space, availability: undefined }, unasked, window, 0)).toEqual([]);
    expect(await freeIntervals({ ...space, closed: true }, unasked, window, 0)).toEqual([]);
    expect(unasked.asked).toEqual([]);
  });
});
