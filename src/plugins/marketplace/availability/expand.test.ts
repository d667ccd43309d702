import type { AvailabilityPlan, Interval } from '../model';
import { isOpenThroughout, openIntervals } from './expand';
import { formatInstant } from './instants';
import { parseAvailabilityPlan } from './plan';

/** Issue 13, "Availability": a weekly plan in the space's IANA zone, correct across daylight-saving changes. */

function plan(timeZone: string, ...weekly: Array<[rrule: string, start: string, durationMinutes: number]>): AvailabilityPlan {
  return parseAvailabilityPlan({ timeZone, weekly: weekly.map(([rrule, start, durationMinutes]) => ({ rrule, start, durationMinutes })) });
}

/** Open intervals of [from, to) as local RFC 3339 pairs, to read the wall clock in the assertions. */
function open(of: AvailabilityPlan, from: string, to: string): string[][] {
  return openIntervals(of, Date.parse(from), Date.parse(to)).map(({ startMs, endMs }) => [formatInstant(startMs, of.timeZone), formatInstant(endMs, of.timeZone)]);
}

function hours({ startMs, endMs }: Interval): number {
  return (endMs - startMs) / 3_600_000;
}

describe('openIntervals: a rule at 16:00 local stays at 16:00 local across daylight-saving changes', () => {
  const afternoons = plan('Europe/Madrid', ['FREQ=WEEKLY;BYDAY=MO,TH', '16:00', 300]);

  test('Europe/Madrid, last Sunday of March 2026 (clocks 02:00 → 03:00): Thursday before at UTC+1, Monday after at UTC+2', () => {
    expect(open(afternoons, '2026-03-26T00:00:00Z', '2026-03-31T00:00:00Z')).toEqual([
      ['2026-03-26T16:00:00+01:00', '2026-03-26T21:00:00+01:00'],
      ['2026-03-30T16:00:00+02:00', '2026-03-30T21:00:00+02:00'],
    ]);
    expect(openIntervals(afternoons, Date.parse('2026-03-26T00:00:00Z'), Date.parse('2026-03-31T00:00:00Z')).map((i) => new Date(i.startMs).toISOString())).toEqual([
      '2026-03-26T15:00:00.000Z',
      '2026-03-30T14:00:00.000Z',
    ]);
  });

  test('Europe/Madrid, last Sunday of October 2026 (clocks 03:00 → 02:00): back to UTC+1', () => {
    expect(open(afternoons, '2026-10-22T00:00:00Z', '2026-10-27T00:00:00Z')).toEqual([
      ['2026-10-22T16:00:00+02:00', '2026-10-22T21:00:00+02:00'],
      ['2026-10-26T16:00:00+01:00', '2026-10-26T21:00:00+01:00'],
    ]);
  });

  test('America/New_York, second Sunday of March and first of November 2026: 09:00 local on both sides', () => {
    const mornings = plan('America/New_York', ['FREQ=WEEKLY;BYDAY=SA,MO', '09:00', 60]);
    expect(open(mornings, '2026-03-07T00:00:00Z', '2026-03-10T00:00:00Z')).toEqual([
      ['2026-03-07T09:00:00-05:00', '2026-03-07T10:00:00-05:00'],
      ['2026-03-09T09:00:00-04:00', '2026-03-09T10:00:00-04:00'],
    ]);
    expect(open(mornings, '2026-10-31T00:00:00Z', '2026-11-03T00:00:00Z')).toEqual([
      ['2026-10-31T09:00:00-04:00', '2026-10-31T10:00:00-04:00'],
      ['2026-11-02T09:00:00-05:00', '2026-11-02T10:00:00-05:00'],
    ]);
  });

  test('Asia/Kathmandu (UTC+05:45, no daylight saving): 09:00 local is 03:15 UTC, still on the 15-minute grid', () => {
    const kathmandu = plan('Asia/Kathmandu', ['FREQ=WEEKLY;BYDAY=MO', '09:00', 90]);
    const [monday] = openIntervals(kathmandu, Date.parse('2026-06-01T00:00:00Z'), Date.parse('2026-06-02T00:00:00Z'));
    expect(new Date(monday.startMs).toISOString()).toBe('2026-06-01T03:15:00.000Z');
    expect(new Date(monday.endMs).toISOString()).toBe('2026-06-01T04:45:00.000Z');
    expect(formatInstant(monday.startMs, kathmandu.timeZone)).toBe('2026-06-01T09:00:00+05:45');
  });
});

describe('openIntervals: local times the clocks skip or repeat (an occurrence runs from the first instant the wall clock shows its start until the first it shows its end)', () => {
  test('Europe/Madrid, 29 March 2026: a whole-day rule covers 23 hours, one at 02:30 (skipped) begins when the clocks jump to 03:00, one inside the gap is empty', () => {
    const sundays = plan('Europe/Madrid', ['FREQ=WEEKLY;BYDAY=SU', '00:00', 1440]);
    const [day] = openIntervals(sundays, Date.parse('2026-03-28T23:00:00Z'), Date.parse('2026-03-30T00:00:00Z'));
    expect(hours(day)).toBe(23);
    expect(open(plan('Europe/Madrid', ['FREQ=WEEKLY;BYDAY=SU', '02:30', 60]), '2026-03-29T00:00:00Z', '2026-03-30T00:00:00Z')).toEqual([
      ['2026-03-29T03:00:00+02:00', '2026-03-29T03:30:00+02:00'],
    ]);
    const inTheGap = plan('Europe/Madrid', ['FREQ=WEEKLY;BYDAY=SU', '02:00', 60]);
    expect(open(inTheGap, '2026-03-29T00:00:00Z', '2026-03-30T00:00:00Z')).toEqual([]);
    expect(open(inTheGap, '2026-03-22T00:00:00Z', '2026-03-23T00:00:00Z')).toEqual([['2026-03-22T02:00:00+01:00', '2026-03-22T03:00:00+01:00']]);
  });

  test('Europe/Madrid, 25 October 2026: a whole-day rule covers 25 hours; 02:30 (shown twice) is its first time, and 03:00 comes only after the repeated hour', () => {
    const [day] = openIntervals(plan('Europe/Madrid', ['FREQ=WEEKLY;BYDAY=SU', '00:00', 1440]), Date.parse('2026-10-24T22:00:00Z'), Date.parse('2026-10-26T00:00:00Z'));
    expect(hours(day)).toBe(25);
    expect(open(plan('Europe/Madrid', ['FREQ=WEEKLY;BYDAY=SU', '02:30', 30]), '2026-10-25T00:00:00Z', '2026-10-26T00:00:00Z')).toEqual([
      ['2026-10-25T02:30:00+02:00', '2026-10-25T03:00:00+01:00'],
    ]);
    expect(open(plan('Europe/Madrid', ['FREQ=WEEKLY;BYDAY=SU', '00:00', 150]), '2026-10-24T22:00:00Z', '2026-10-26T00:00:00Z')).toEqual([
      ['2026-10-25T00:00:00+02:00', '2026-10-25T02:30:00+02:00'],
    ]);
  });

  test('America/New_York, 1 November 2026: 01:30 (repeated) to 02:30 lasts two hours', () => {
    const [night] = openIntervals(plan('America/New_York', ['FREQ=WEEKLY;BYDAY=SU', '01:30', 60]), Date.parse('2026-11-01T00:00:00Z'), Date.parse('2026-11-02T00:00:00Z'));
    expect(new Date(night.startMs).toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(hours(night)).toBe(2);
  });

  test('Australia/Lord_Howe, a 30-minute shift: 02:00–02:30 does not exist on 4 October 2026, and 01:30–02:00 is shown twice on 5 April 2026', () => {
    expect(open(plan('Australia/Lord_Howe', ['FREQ=WEEKLY;BYDAY=SU', '02:00', 30]), '2026-10-03T00:00:00Z', '2026-10-05T00:00:00Z')).toEqual([]);
    expect(open(plan('Australia/Lord_Howe', ['FREQ=WEEKLY;BYDAY=SU', '02:00', 60]), '2026-10-03T00:00:00Z', '2026-10-05T00:00:00Z')).toEqual([
      ['2026-10-04T02:30:00+11:00', '2026-10-04T03:00:00+11:00'],
    ]);
    expect(open(plan('Australia/Lord_Howe', ['FREQ=WEEKLY;BYDAY=SU', '01:30', 60]), '2026-04-04T00:00:00Z', '2026-04-06T00:00:00Z')).toEqual([
      ['2026-04-05T01:30:00+11:00', '2026-04-05T02:30:00+10:30'],
    ]);
    expect(open(plan('Australia/Lord_Howe', ['FREQ=WEEKLY;BYDAY=SA,MO', '16:00', 60]), '2026-04-04T00:00:00Z', '2026-04-07T00:00:00Z')).toEqual([
      ['2026-04-04T16:00:00+11:00', '2026-04-04T17:00:00+11:00'],
      ['2026-04-06T16:00:00+10:30', '2026-04-06T17:00:00+10:30'],
    ]);
  });
});

describe('openIntervals: a whole day skipped', () => {
  test('Pacific/Apia skipped Friday 30 December 2011 (UTC−10 → UTC+14): that Friday has no occurrence, Thursday and Saturday keep 09:00 local', () => {
    const mornings = plan('Pacific/Apia', ['FREQ=WEEKLY;BYDAY=TH,FR,SA', '09:00', 60]);
    expect(open(mornings, '2011-12-29T00:00:00Z', '2011-12-31T23:00:00Z')).toEqual([
      ['2011-12-29T09:00:00-10:00', '2011-12-29T10:00:00-10:00'],
      ['2011-12-31T09:00:00+14:00', '2011-12-31T10:00:00+14:00'],
    ]);
  });
});

describe('openIntervals: rules, exceptions and the window', () => {
  test('occurrences are clipped to the window, overlapping rules are merged, and an empty or reversed window is open nowhere', () => {
    const overlapping = plan('UTC', ['FREQ=WEEKLY;BYDAY=MO', '09:00', 120], ['FREQ=WEEKLY;BYDAY=MO', '10:00', 120], ['FREQ=WEEKLY;BYDAY=MO', '12:00', 60]);
    expect(open(overlapping, '2026-06-01T09:30:00Z', '2026-06-01T12:45:00Z')).toEqual([['2026-06-01T09:30:00Z', '2026-06-01T12:45:00Z']]);
    expect(open(overlapping, '2026-06-01T10:00:00Z', '2026-06-01T10:00:00Z')).toEqual([]);
    expect(open(overlapping, '2026-06-01T11:00:00Z', '2026-06-01T10:00:00Z')).toEqual([]);
  });

  test('an occurrence that starts the local day before the window reaches into it (22:00 for 8 hours)', () => {
    expect(open(plan('Europe/Madrid', ['FREQ=WEEKLY;BYDAY=SU', '22:00', 480]), '2026-06-08T00:00:00+02:00', '2026-06-09T00:00:00+02:00')).toEqual([
      ['2026-06-08T00:00:00+02:00', '2026-06-08T06:00:00+02:00'],
    ]);
  });

  test('closed exceptions remove time, open ones add it, and an open exception wins where both overlap', () => {
    const withExceptions = parseAvailabilityPlan({
      timeZone: 'Europe/Madrid',
      weekly: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH', start: '16:00', durationMinutes: 300 }],
      exceptions: [
        { from: '2026-04-02T00:00:00+02:00', to: '2026-04-07T00:00:00+02:00', kind: 'closed' },
        { from: '2026-04-06T18:00:00+02:00', to: '2026-04-06T19:00:00+02:00', kind: 'open' },
        { from: '2026-04-04T10:00:00+02:00', to: '2026-04-04T12:00:00+02:00', kind: 'open' },
        { from: '2026-04-08T17:00:00+02:00', to: '2026-04-08T18:00:00+02:00', kind: 'closed' },
      ],
    });
    expect(open(withExceptions, '2026-04-01T00:00:00+02:00', '2026-04-09T00:00:00+02:00')).toEqual([
      ['2026-04-01T16:00:00+02:00', '2026-04-01T21:00:00+02:00'],
      ['2026-04-04T10:00:00+02:00', '2026-04-04T12:00:00+02:00'],
      ['2026-04-06T18:00:00+02:00', '2026-04-06T19:00:00+02:00'],
      ['2026-04-07T16:00:00+02:00', '2026-04-07T21:00:00+02:00'],
      ['2026-04-08T16:00:00+02:00', '2026-04-08T17:00:00+02:00'],
      ['2026-04-08T18:00:00+02:00', '2026-04-08T21:00:00+02:00'],
    ]);
    expect(open(withExceptions, '2026-04-04T11:00:00+02:00', '2026-04-04T11:30:00+02:00')).toEqual([['2026-04-04T11:00:00+02:00', '2026-04-04T11:30:00+02:00']]);
  });

  test('INTERVAL=2 counts weeks from Monday 1970-01-05, BYMONTH keeps the listed months, UNTIL is the last local start', () => {
    const fortnightly = plan('UTC', ['FREQ=WEEKLY;INTERVAL=2;BYDAY=MO', '09:00', 60]);
    // 2026-06-01 is 2,895 weeks after 1970-01-05: odd, so its Monday is skipped and the next one kept.
    expect(open(fortnightly, '2026-06-01T00:00:00Z', '2026-06-16T00:00:00Z')).toEqual([['2026-06-08T09:00:00Z', '2026-06-08T10:00:00Z']]);
    const summer = plan('UTC', ['FREQ=WEEKLY;BYDAY=MO;BYMONTH=7,8', '09:00', 60]);
    expect(open(summer, '2026-06-22T00:00:00Z', '2026-07-07T00:00:00Z').map(([start]) => start)).toEqual(['2026-07-06T09:00:00Z']);
    const untilJune = plan('UTC', ['FREQ=WEEKLY;BYDAY=MO;UNTIL=20260608T090000', '09:00', 60]);
    expect(open(untilJune, '2026-06-01T00:00:00Z', '2026-06-30T00:00:00Z').map(([start]) => start)).toEqual(['2026-06-01T09:00:00Z', '2026-06-08T09:00:00Z']);
  });
});

describe('isOpenThroughout', () => {
  const afternoons = plan('Europe/Madrid', ['FREQ=WEEKLY;BYDAY=MO', '16:00', 120], ['FREQ=WEEKLY;BYDAY=MO', '18:00', 60]);

  test('true only when every instant of the window is open (two touching rules count as one stretch)', () => {
    expect(isOpenThroughout(afternoons, Date.parse('2026-06-01T16:00:00+02:00'), Date.parse('2026-06-01T19:00:00+02:00'))).toBe(true);
    expect(isOpenThroughout(afternoons, Date.parse('2026-06-01T15:45:00+02:00'), Date.parse('2026-06-01T17:00:00+02:00'))).toBe(false);
    expect(isOpenThroughout(afternoons, Date.parse('2026-06-01T18:30:00+02:00'), Date.parse('2026-06-01T19:15:00+02:00'))).toBe(false);
    expect(isOpenThroughout(afternoons, Date.parse('2026-06-01T17:00:00+02:00'), Date.parse('2026-06-01T17:00:00+02:00'))).toBe(false);
  });
});
