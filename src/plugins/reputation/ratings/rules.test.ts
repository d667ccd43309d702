import type { StoredStatement } from '../../../plugin-api';
import { EXTENSION, PLUGIN_AUTHORITY_ACCOUNT, VERB } from '../vocabulary';
import { parseAttendance } from './attendance';
import { addRating, emptyCase, resolveCase, type CaseRating } from './case';
import { parsePenalty, penaltyPercentAt } from './penalties';
import { caseIdOf, parseRating } from './rating';
import { aggregateOf, combine, DAY_SEC, HOUR_SEC, hourOf, ScoreSums, weightUnits, wholeInWindow, type WeighedRating } from './weights';

const SESSION = 'https://school.example/sessions/algebra-1';
const ANA = { objectType: 'Agent', account: { homePage: 'https://school.example', name: 'ana' } };
const TOMAS = { objectType: 'Agent', mbox: 'mailto:tomas@School.example' };
const STORED = new Date('2026-12-02T10:00:00.500Z');

function rated(overrides: Record<string, unknown> = {}): StoredStatement {
  return {
    id: '6f1c3b7e-2a4d-4c59-9a1e-0d2f3b4c5a6e',
    actor: ANA,
    verb: { id: VERB.rated },
    object: TOMAS,
    result: { score: { raw: 4 }, response: 'Clear.', extensions: { [EXTENSION.ratingDimensions]: { clarity: 5, 'bad.name': 4, pace: 7 } } },
    context: {
      contextActivities: { parent: [{ id: SESSION }] },
      extensions: { [EXTENSION.raterRole]: 'student', [EXTENSION.rateeRole]: 'tutor' },
    },
    authority: { objectType: 'Agent', account: { homePage: 'https://lrs.example', name: 'school' } },
    stored: STORED.toISOString(),
    timestamp: '2020-01-01T00:00:00Z',
    version: '1.0.3',
    ...overrides,
  } as unknown as StoredStatement;
}

describe('a rating (issue 12 "Rules": rater → Agent ratee, integer score 1–5, the session in contextActivities.parent)', () => {
  it('is read with its keys, roles, comment, storable dimensions and the stored time, never the timestamp', () => {
    expect(parseRating(rated(), STORED)).toEqual({
      rating: {
        rater: 'account:https://school.example|ana',
        ratee: 'mbox:mailto:tomas@school.example',
        session: SESSION,
        caseId: caseIdOf(SESSION, 'mbox:mailto:tomas@school.example', 'account:https://school.example|ana'),
        score: 4,
        comment: 'Clear.',
        dimensions: { clarity: 5 },
        raterRole: 'student',
        rateeRole: 'tutor',
        storedSec: Math.floor(STORED.getTime() / 1000),
        storedMs: STORED.getTime(),
      },
    });
  });

  it('has roles peer when the extensions are missing or unknown', () => {
    const rating = parseRating(rated({ context: { contextActivities: { parent: [{ id: SESSION }] }, extensions: { [EXTENSION.raterRole]: 'boss' } } }), STORED);
    expect(rating).toMatchObject({ rating: { raterRole: 'peer', rateeRole: 'peer' } });
  });

  it('keeps at most 1000 characters of the comment', () => {
    const rating = parseRating(rated({ result: { score: { raw: 5 }, response: 'x'.repeat(5000) } }), STORED);
    expect('rating' in rating && rating.rating.comment).toHaveLength(1000);
  });

  it.each([
    ['a score outside 1–5', { result: { score: { raw: 6 } } }, 'result.score.raw'],
    ['a fractional score', { result: { score: { raw: 4.5 } } }, 'result.score.raw'],
    ['no score', { result: {} }, 'result.score.raw'],
    ['a rating of oneself (same IFI key)', { object: { objectType: 'Agent', account: ANA.account } }, 'oneself'],
    ['a Group ratee', { object: { objectType: 'Group', mbox: 'mailto:team@school.example' } }, 'not an Agent'],
    ['an Activity object', { object: { id: SESSION } }, 'not an Agent'],
    ['a Group rater', { actor: { objectType: 'Group', mbox: 'mailto:team@school.example' } }, 'rater'],
    ['no session', { context: {} }, 'session'],
    ['another verb', { verb: { id: VERB.replied } }, 'verb'],
  ])('is not %s', (_, overrides, reason) => {
    const parsed = parseRating(rated(overrides), STORED);
    expect('notARating' in parsed && parsed.notARating).toContain(reason);
  });

  it('has one case id for both directions of a pair in a session', () => {
    expect(caseIdOf(SESSION, 'a', 'b')).toBe(caseIdOf(SESSION, 'b', 'a'));
    expect(caseIdOf(SESSION, 'a', 'b')).not.toBe(caseIdOf(`${SESSION}-2`, 'a', 'b'));
  });
});

describe('attendance (issue 12: both appear in attended/completed statements of the session)', () => {
  it('names the actor, the identified members of a Group and the instructor', () => {
    const group = { objectType: 'Group', member: [ANA, { objectType: 'Agent', name: 'no IFI' }] };
    const statement = rated({ verb: { id: VERB.attended }, actor: group, object: { objectType: 'Activity', id: SESSION }, context: { instructor: TOMAS } });
    expect(parseAttendance(statement)).toEqual({ session: SESSION, participants: ['account:https://school.example|ana', 'mbox:mailto:tomas@school.example'] });
  });

  it('is nothing for other verbs or objects', () => {
    expect(parseAttendance(rated())).toBeUndefined();
    expect(parseAttendance(rated({ verb: { id: VERB.completed }, object: TOMAS }))).toBeUndefined();
  });
});

describe('penalties (issue 12: a confirmed signal reduces weights, recorded as a statement)', () => {
  const plugin = { objectType: 'Agent', account: { homePage: 'https://lrs.example', name: PLUGIN_AUTHORITY_ACCOUNT } };
  const penalized = (authority: object, penalty: object) =>
    rated({ verb: { id: VERB.penalized }, object: ANA, authority, result: { extensions: { [EXTENSION.penalty]: penalty } } });

  it('counts only when this plugin recorded it, with round(weightFactor × 100) percent over [from, until)', () => {
    const penalty = { weightFactor: 0.204, from: '2026-12-01T00:00:00Z', until: '2026-12-03T00:00:00Z' };
    const facts = parsePenalty(penalized(plugin, penalty))!;
    expect(facts).toEqual({ rater: 'account:https://school.example|ana', percent: 20, fromSec: Date.parse(penalty.from) / 1000, untilSec: Date.parse(penalty.until) / 1000 });
    expect(parsePenalty(penalized(ANA, penalty))).toBeUndefined();
    expect(parsePenalty(penalized(plugin, { weightFactor: 2, from: penalty.from }))).toBeUndefined();
    expect(penaltyPercentAt(facts.fromSec, [facts])).toBe(20);
    expect(penaltyPercentAt(facts.untilSec!, [facts])).toBe(100);
    expect(penaltyPercentAt(facts.fromSec, [facts, { ...facts, percent: 50 }])).toBe(20);
  });
});

const rating = (id: string, rater: string, storedMs: number, raterRole = 'student', rateeRole = 'tutor') =>
  ({ id, rater, storedMs, raterRole, rateeRole }) as CaseRating;
const SEAL = 14 * DAY_SEC * 1000;
const states = (ratings: CaseRating[], voided: string[] = [], shared = true) =>
  Object.fromEntries([...resolveCase(ratings, new Set(voided), shared, SEAL).resolutions].map(([id, resolution]) => [id, resolution]));

describe('a case (issue 12 "Simultaneous reveal"; domain brief §2.2)', () => {
  it('keeps a tutor↔student rating sealed until the other direction rates: then both reveal at the second rating', () => {
    expect(states([rating('s1', 'student', 100)])).toEqual({ s1: { state: 'counted', revealAtMs: 100 + SEAL } });
    expect(states([rating('s1', 'student', 100), rating('t1', 'tutor', 500, 'tutor', 'student')])).toEqual({
      s1: { state: 'counted', revealAtMs: 500 },
      t1: { state: 'counted', revealAtMs: 500 },
    });
  });

  it('reveals 14 days after the first rating when the other never rates, and the late direction comes after the reveal', () => {
    expect(states([rating('s1', 'student', 100), rating('t1', 'tutor', 100 + SEAL + 1, 'tutor', 'student')])).toEqual({
      s1: { state: 'counted', revealAtMs: 100 + SEAL },
      t1: { state: 'after-reveal' },
    });
  });

  it('counts the latest rating per direction stored by the reveal: earlier ones are superseded, later ones after the reveal (cannot change)', () => {
    const ratings = [rating('s1', 'student', 100), rating('s2', 'student', 200), rating('t1', 'tutor', 300, 'tutor', 'student'), rating('s3', 'student', 400)];
    expect(states(ratings)).toEqual({
      s1: { state: 'superseded' },
      s2: { state: 'counted', revealAtMs: 300 },
      t1: { state: 'counted', revealAtMs: 300 },
      s3: { state: 'after-reveal' },
    });
  });

  it('reveals peers when stored: the first rating per direction counts (at most one per rater, ratee and session)', () => {
    const ratings = [rating('a1', 'ana', 100, 'peer', 'peer'), rating('a2', 'ana', 150, 'peer', 'peer'), rating('b1', 'bea', 200, 'peer', 'peer')];
    expect(states(ratings)).toEqual({ a1: { state: 'counted', revealAtMs: 100 }, a2: { state: 'after-reveal' }, b1: { state: 'counted', revealAtMs: 200 } });
  });

  it('re-resolves without a voided rating: the next one of its direction counts', () => {
    const ratings = [rating('a1', 'ana', 100, 'peer', 'peer'), rating('a2', 'ana', 150, 'peer', 'peer')];
    expect(states(ratings, ['a1'])).toEqual({ a1: { state: 'voided' }, a2: { state: 'counted', revealAtMs: 150 } });
  });

  it('counts nothing while the two did not share the session', () => {
    expect(states([rating('s1', 'student', 100)], [], false)).toEqual({ s1: { state: 'no-shared-session' } });
  });

  it('orders ratings by stored to the millisecond, and ratings stored together (one batch) by statement id', () => {
    const ratings = [rating('b', 'ana', 100, 'peer', 'peer'), rating('a', 'ana', 100, 'peer', 'peer')];
    expect(states(ratings)).toEqual({ a: { state: 'counted', revealAtMs: 100 }, b: { state: 'after-reveal' } });
    const apart = [rating('ffff', 'ana', 1_000_100, 'peer', 'peer'), rating('0000', 'ana', 1_000_200, 'peer', 'peer')];
    expect(states(apart)).toEqual({ ffff: { state: 'counted', revealAtMs: 1_000_100 }, '0000': { state: 'after-reveal' } });
  });

  it('keeps a rating stored after the reveal, in the same second, out of the case', () => {
    const ratings = [rating('s1', 'student', 5_000_000), rating('t1', 'tutor', 5_000_300, 'tutor', 'student'), rating('s2', 'student', 5_000_600)];
    expect(states(ratings)).toMatchObject({ s1: { state: 'counted', revealAtMs: 5_000_300 }, s2: { state: 'after-reveal' } });
  });

  it.each([
    ['tutor↔student', 'student', 'tutor'],
    ['peer', 'peer', 'peer'],
  ])('takes %s ratings one at a time, in any order, exactly as resolving them all (a flood of one rater in one case)', (_, studentRole, tutorRole) => {
    const ratings = Array.from({ length: 300 }, (_, index) =>
      index % 7 === 3
        ? rating(`t${index}`, 'tutor', 1000 + Math.floor(index / 3) * 9000, tutorRole, studentRole)
        : rating(`s${index}`, 'student', 1000 + Math.floor(index / 3) * 9000, studentRole, tutorRole),
    );
    const arrival = ratings.map((each, index) => ({ each, order: index + ((index * 7919) % 13) })).sort((one, other) => one.order - other.order).map(({ each }) => each);
    let summary = emptyCase(true);
    let resolutions = new Map<string, unknown>();
    let fullResolutions = 0;
    for (const [index, next] of arrival.entries()) {
      const change = addRating(summary, next, SEAL);
      if (change === undefined) {
        const resolved = resolveCase(arrival.slice(0, index + 1), new Set(), true, SEAL);
        [summary, resolutions] = [resolved.summary, resolved.resolutions];
        fullResolutions++;
        continue;
      }
      summary = change.summary;
      for (const [id, resolution] of change.changes) resolutions.set(id, resolution);
    }
    expect(Object.fromEntries(resolutions)).toEqual(states(ratings));
    expect(fullResolutions).toBeLessThan(arrival.length / 10);
  });
});

describe('weights (issue 12 "Decay from stored": 1 − age/30 days, 0 from 30 days; integer units)', () => {
  const W = 30 * DAY_SEC;
  const at = 20_000 * DAY_SEC + 12 * 3600;

  it('are (window − age) × penalty percent while 0 ≤ age < window', () => {
    expect(weightUnits({ storedSec: at, score: 5, penaltyPercent: 100 }, at, W)).toBe(W * 100);
    expect(weightUnits({ storedSec: at - W / 2, score: 5, penaltyPercent: 20 }, at, W)).toBe((W / 2) * 20);
    expect(weightUnits({ storedSec: at - W, score: 5, penaltyPercent: 100 }, at, W)).toBe(0);
    expect(weightUnits({ storedSec: at + 1, score: 5, penaltyPercent: 100 }, at, W)).toBe(0);
  });

  it('of a whole day, from its bucket (or its hours’ buckets combined), equal the sum over its ratings exactly', () => {
    const day = 20_000 - 3;
    const ratings: WeighedRating[] = Array.from({ length: 50 }, (_, index) => ({ storedSec: day * DAY_SEC + index * 1700, score: (index % 5) + 1, penaltyPercent: index % 4 === 0 ? 20 : 100 }));
    const aggregate = aggregateOf(ratings, day * DAY_SEC);
    expect(wholeInWindow(aggregate, at, W)).toBe(true);
    const hours = [...new Set(ratings.map(({ storedSec }) => hourOf(storedSec)))].map((hour) => ({
      ...aggregateOf(ratings.filter(({ storedSec }) => hourOf(storedSec) === hour), hour * HOUR_SEC),
      offsetSec: hour * HOUR_SEC - day * DAY_SEC,
    }));
    expect(combine(hours, day * DAY_SEC)).toEqual(aggregate);
    const fromBucket = new ScoreSums(at, W);
    fromBucket.addWhole(aggregate, day * DAY_SEC);
    const oneByOne = new ScoreSums(at, W);
    for (const each of ratings) oneByOne.addToWindow(each, 1);
    expect([fromBucket.numerator, fromBucket.denominator, fromBucket.recent]).toEqual([oneByOne.numerator, oneByOne.denominator, oneByOne.recent]);
    expect(Number.isInteger(fromBucket.numerator)).toBe(true);
  });

  it('give current = Σ units·score / Σ units and historical = the penalty-weighted mean of every rating', () => {
    const sums = new ScoreSums(at, W);
    for (const each of [{ storedSec: at, score: 5, penaltyPercent: 100 }, { storedSec: at - W / 2, score: 1, penaltyPercent: 100 }, { storedSec: at - W - 5, score: 3, penaltyPercent: 100 }]) {
      sums.addToWindow(each, 1);
      sums.addRatingAllTime(each, 1);
    }
    expect(sums.score()).toEqual({ current: (5 * 2 + 1) / 3, historical: 3, totalRatings: 3, recentRatings: 2, asOf: new Date(at * 1000).toISOString() });
  });
});
