import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { BadRequestError } from '../../../plugin-api';
import { parseAvailabilityPlan } from './plan';

/** Issue 13, "Availability" and "Hostile input": a time zone that does not exist, or a malformed plan → 400 naming what is wrong. */

const rule = { rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH', start: '16:00', durationMinutes: 300 };
const valid = { timeZone: 'Europe/Madrid', weekly: [rule] };

function refusal(input: unknown): { code: string; message: string } {
  try {
    parseAvailabilityPlan(input);
  } catch (error) {
    if (error instanceof BadRequestError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('the plan was accepted');
}

describe('parseAvailabilityPlan', () => {
  test("accepts the profile's example and names the zone as the time zone database spells it", () => {
    const plan = parseAvailabilityPlan({
      timeZone: 'europe/madrid',
      weekly: [rule, { rrule: 'FREQ=WEEKLY;BYDAY=SA', start: '10:00', durationMinutes: 240 }],
      exceptions: [{ from: '2026-04-02T00:00:00+02:00', to: '2026-04-06T00:00:00+02:00', kind: 'closed' }],
    });
    expect(plan).toEqual({
      timeZone: 'Europe/Madrid',
      weekly: [rule, { rrule: 'FREQ=WEEKLY;BYDAY=SA', start: '10:00', durationMinutes: 240 }],
      exceptions: [{ from: '2026-04-02T00:00:00+02:00', to: '2026-04-06T00:00:00+02:00', kind: 'closed' }],
    });
    expect(parseAvailabilityPlan({ timeZone: 'UTC', weekly: [{ rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;BYMONTH=1,12;UNTIL=20271231T235959', start: '00:00', durationMinutes: 1440 }] }).timeZone).toBe('UTC');
    expect(parseAvailabilityPlan({ timeZone: 'Australia/Lord_Howe', weekly: [rule] }).timeZone).toBe('Australia/Lord_Howe');
  });

  test.each([
    ['a time zone that does not exist', { ...valid, timeZone: 'Mars/Olympus_Mons' }, 'timeZone must be an IANA time zone that exists'],
    ['an abbreviation that names no zone', { ...valid, timeZone: 'PDT' }, 'timeZone must be an IANA time zone'],
    ['a fixed offset', { ...valid, timeZone: '+02:00' }, 'timeZone must be an IANA time zone'],
    ['no time zone', { weekly: [rule] }, 'timeZone must be'],
    ['no weekly rules', { ...valid, weekly: [] }, 'weekly must be a list of 1 to 100 items'],
    ['101 weekly rules', { ...valid, weekly: Array(101).fill(rule) }, 'weekly must be a list of 1 to 100 items'],
    ['an unknown property', { ...valid, holidays: [] }, 'unknown property "holidays"'],
    ['an unknown property of a rule', { ...valid, weekly: [{ ...rule, end: '21:00' }] }, 'weekly[0] has an unknown property "end"'],
    ['a daily rule', { ...valid, weekly: [{ ...rule, rrule: 'FREQ=DAILY' }] }, 'weekly[0].rrule must start with FREQ=WEEKLY'],
    ['no weekdays', { ...valid, weekly: [{ ...rule, rrule: 'FREQ=WEEKLY' }] }, 'weekly[0].rrule needs BYDAY'],
    ['an unknown weekday', { ...valid, weekly: [{ ...rule, rrule: 'FREQ=WEEKLY;BYDAY=XX' }] }, 'BYDAY "XX"'],
    ['a weekday ordinal', { ...valid, weekly: [{ ...rule, rrule: 'FREQ=WEEKLY;BYDAY=1MO' }] }, 'BYDAY "1MO"'],
    ['COUNT', { ...valid, weekly: [{ ...rule, rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=3' }] }, 'may not use COUNT'],
    ['DTSTART', { ...valid, weekly: [{ ...rule, rrule: 'FREQ=WEEKLY;BYDAY=MO;DTSTART=20260101T000000' }] }, 'may not use DTSTART'],
    ['BYHOUR', { ...valid, weekly: [{ ...rule, rrule: 'FREQ=WEEKLY;BYDAY=MO;BYHOUR=9' }] }, 'may not use BYHOUR'],
    ['INTERVAL=0', { ...valid, weekly: [{ ...rule, rrule: 'FREQ=WEEKLY;BYDAY=MO;INTERVAL=0' }] }, 'INTERVAL=0'],
    ['BYMONTH=13', { ...valid, weekly: [{ ...rule, rrule: 'FREQ=WEEKLY;BYDAY=MO;BYMONTH=13' }] }, 'BYMONTH "13"'],
    ['UNTIL in UTC', { ...valid, weekly: [{ ...rule, rrule: 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20261231T235959Z' }] }, 'UNTIL=20261231T235959Z'],
    ['UNTIL on 30 February', { ...valid, weekly: [{ ...rule, rrule: 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20260230T000000' }] }, 'which is no date'],
    ['a repeated part', { ...valid, weekly: [{ ...rule, rrule: 'FREQ=WEEKLY;BYDAY=MO;BYDAY=TU' }] }, 'repeats BYDAY'],
    ['lower case', { ...valid, weekly: [{ ...rule, rrule: 'FREQ=WEEKLY;byday=mo' }] }, 'malformed part "byday=mo"'],
    ['an over-long rrule', { ...valid, weekly: [{ ...rule, rrule: `FREQ=WEEKLY;BYDAY=${Array(200).fill('MO').join(',')}` }] }, 'at most 500 characters'],
    ['a start off the 15-minute grid', { ...valid, weekly: [{ ...rule, start: '16:10' }] }, 'weekly[0].start must be a local time HH:MM at a multiple of 15 minutes'],
    ['a start of 24:00', { ...valid, weekly: [{ ...rule, start: '24:00' }] }, 'weekly[0].start'],
    ['a zero duration', { ...valid, weekly: [{ ...rule, durationMinutes: 0 }] }, 'weekly[0].durationMinutes must be a whole number of minutes from 15 to 1440'],
    ['a negative duration', { ...valid, weekly: [{ ...rule, durationMinutes: -60 }] }, 'weekly[0].durationMinutes'],
    ['a duration of 20 minutes', { ...valid, weekly: [{ ...rule, durationMinutes: 20 }] }, 'weekly[0].durationMinutes'],
    ['a duration over a day', { ...valid, weekly: [{ ...rule, durationMinutes: 1455 }] }, 'weekly[0].durationMinutes'],
    ['a duration as text', { ...valid, weekly: [{ ...rule, durationMinutes: '60' }] }, 'weekly[0].durationMinutes'],
    ['an exception without offset', { ...valid, exceptions: [{ from: '2026-04-02T00:00:00', to: '2026-04-03T00:00:00Z', kind: 'closed' }] }, 'exceptions[0].from must be an RFC 3339 date-time with its offset'],
    ['an exception on 31 April', { ...valid, exceptions: [{ from: '2026-04-31T00:00:00Z', to: '2026-05-03T00:00:00Z', kind: 'closed' }] }, 'exceptions[0].from must be an RFC 3339'],
    ['an exception ending before it starts', { ...valid, exceptions: [{ from: '2026-04-03T00:00:00Z', to: '2026-04-02T00:00:00Z', kind: 'closed' }] }, 'exceptions[0].to must be after exceptions[0].from'],
    ['an empty exception', { ...valid, exceptions: [{ from: '2026-04-03T00:00:00Z', to: '2026-04-03T02:00:00+02:00', kind: 'open' }] }, 'exceptions[0].to must be after'],
    ['an exception off the grid', { ...valid, exceptions: [{ from: '2026-04-03T00:00:00Z', to: '2026-04-03T10:20:00Z', kind: 'open' }] }, 'exceptions[0].to must be on the 15-minute grid'],
    ['an exception of another kind', { ...valid, exceptions: [{ from: '2026-04-03T00:00:00Z', to: '2026-04-04T00:00:00Z', kind: 'maybe' }] }, 'exceptions[0].kind must be "closed" or "open"'],
    ['1,001 exceptions', { ...valid, exceptions: Array(1001).fill({ from: '2026-04-03T00:00:00Z', to: '2026-04-04T00:00:00Z', kind: 'open' }) }, 'exceptions must be a list of 0 to 1000 items'],
    ['no object', 'FREQ=WEEKLY', 'the availability plan must be an object'],
  ])('refuses %s with 400 INVALID_AVAILABILITY naming the problem', (_, input, message) => {
    const { code, message: said } = refusal(input);
    expect(code).toBe('INVALID_AVAILABILITY');
    expect(said).toContain(message);
  });
});

describe("a plan parseAvailabilityPlan accepts is a valid availability extension of the marketplace profile", () => {
  const profile = JSON.parse(readFileSync(path.resolve(__dirname, '../../../profiles/keiko/marketplace/profile.jsonld'), 'utf8'));
  const extension = profile.concepts.find((concept: { id: string }) => concept.id === 'https://w3id.org/keiko/profiles/marketplace/extensions/availability');
  const ajv = new Ajv({ allErrors: true });
  addFormats(ajv);
  const validExtension = ajv.compile(JSON.parse(extension.inlineSchema));

  test('for random plans (zones, rules, exceptions with offsets)', () => {
    const quarter = fc.integer({ min: 0, max: 95 });
    const offset = fc.constantFrom('Z', '+02:00', '-03:30', '+05:45', '+14:00');
    const instant = fc.tuple(fc.integer({ min: 0, max: 3000 }), quarter, offset).map(([day, q, zone]) => {
      const shiftMinutes = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4)));
      return new Date(Date.UTC(2026, 0, 1) + day * 86_400_000 + q * 900_000 + shiftMinutes * 60_000).toISOString().slice(0, 19) + zone;
    });
    const planInput = fc.record({
      timeZone: fc.constantFrom('Europe/Madrid', 'america/new_york', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC', 'Etc/GMT+5', 'America/Argentina/Buenos_Aires'),
      weekly: fc.array(
        fc.record({
          rrule: fc.tuple(fc.subarray(['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'], { minLength: 1 }), fc.integer({ min: 1, max: 52 })).map(([days, interval]) => `FREQ=WEEKLY;BYDAY=${days.join(',')};INTERVAL=${interval}`),
          start: quarter.map((q) => `${String(Math.floor(q / 4)).padStart(2, '0')}:${String((q % 4) * 15).padStart(2, '0')}`),
          durationMinutes: fc.integer({ min: 1, max: 96 }).map((q) => q * 15),
        }),
        { minLength: 1, maxLength: 5 },
      ),
      exceptions: fc.array(fc.tuple(instant, fc.integer({ min: 1, max: 500 }), fc.constantFrom('open', 'closed')), { maxLength: 5 }).map((list) =>
        list.map(([from, quarters, kind]) => ({ from, to: new Date(Date.parse(from) + quarters * 900_000).toISOString().replace('.000', ''), kind })),
      ),
    });
    fc.assert(
      fc.property(planInput, (input) => {
        const plan = parseAvailabilityPlan(input);
        expect([validExtension(plan), validExtension.errors ?? null]).toEqual([true, null]);
      }),
    );
  });

  test("for the profile's example", () => {
    const example = JSON.parse(readFileSync(path.resolve(__dirname, '../../../profiles/keiko/marketplace/examples/availability-published.valid.json'), 'utf8'));
    const plan = parseAvailabilityPlan(example.context.extensions['https://w3id.org/keiko/profiles/marketplace/extensions/availability']);
    expect(validExtension(plan)).toBe(true);
  });
});
