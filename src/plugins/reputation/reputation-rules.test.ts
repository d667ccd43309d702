/**
 * The reputation rules (docs/reputation.md "Rules", issue 12) end to end: statements POSTed over
 * HTTP to the whole LRS, scores read from /plugins/reputation/score and /explain. Time moves by
 * faking `Date` alone (the LRS stamps `stored` and the ledger reads "now" from it; every timer
 * stays real), so "31 days later" is a clock set forward, not a wait.
 */
import { attended, newSession, person, rated, ReputationTestLrs } from '../../../test-support/reputation';
import type { PersonRole } from './model';
import { VERB } from './vocabulary';

/** A rating statement of the profile with this score, between peers unless roles say otherwise. */
const rating = (rater: object, ratee: object, session: string, score: number, [raterRole, rateeRole]: [PersonRole, PersonRole] = ['peer', 'peer']) =>
  rated(rater, ratee, session, { score, raterRole, rateeRole }) as { id: string };

const DAY_MS = 24 * 60 * 60 * 1000;
const NOTHING = { current: null, historical: null, totalRatings: 0, recentRatings: 0 };
/** Every timer API but Date stays real (the LRS's delivery, supertest and the databases keep working). */
const REAL_TIMERS = ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] as const;

let lrs: ReputationTestLrs;

beforeAll(async () => {
  jest.useFakeTimers({ doNotFake: [...REAL_TIMERS], advanceTimers: true, now: Date.now() });
  lrs = await ReputationTestLrs.start();
});
afterAll(async () => {
  await lrs.close();
  jest.useRealTimers();
});

/** Moves the LRS's clock (and `stored` of what is posted next) forward. */
const travel = (ms: number) => jest.setSystemTime(Date.now() + ms);
/** Sets the clock to the start of a coming second: what is stored in the next few hundred ms shares its second. */
const startOfASecond = () => jest.setSystemTime(Math.ceil(Date.now() / 1000) * 1000 + 1000);
/** A rating statement whose id sorts first ('0') or last ('f') among statement ids. */
const withIdSorting = (statement: { id: string }, first: '0' | 'f') => ({ ...statement, id: `${first.repeat(8)}${statement.id.slice(8)}` });

const scoreOf = (agent: object) => lrs.read('score', agent);
const explainOf = (agent: object) => lrs.read('explain', agent);
const countedIds = async (agent: object) => (await explainOf(agent)).contributions.map((contribution: { ratingId: string }) => contribution.ratingId).sort();

/** Two people School LMS says attended a new session. */
async function sharedSession(names: [string, string] = ['Ana', 'Tomás']) {
  const session = newSession();
  const [one, other] = [person(names[0]), person(names[1])];
  await lrs.store(attended(session, one, other));
  return { session, one, other };
}

describe('a rating counts only between people an institution says attended the session', () => {
  it('counts for the members of an attending Group and for the instructor', async () => {
    const session = newSession();
    const [tutor, student, classmate] = [person('Tutor'), person('Student'), person('Classmate')];
    await lrs.store([{ ...attended(session, { objectType: 'Group', name: 'Class', member: [student, classmate] })[0]!, context: { instructor: tutor } }]);
    const ratings = [rating(student, tutor, session, 5), rating(classmate, student, session, 4)];
    await lrs.store(ratings);
    expect(await countedIds(tutor)).toEqual([ratings[0]!.id]);
    expect(await countedIds(student)).toEqual([ratings[1]!.id]);
  });

  it('counts with `completed` as attendance too', async () => {
    const session = newSession();
    const [one, other] = [person('One'), person('Other')];
    await lrs.store(attended(session, one, other).map((statement) => ({ ...statement, verb: { id: VERB.completed } })));
    const rated = rating(one, other, session, 3);
    await lrs.store([rated]);
    expect(await countedIds(other)).toEqual([rated.id]);
  });

  it('never by attendance a credential that is no institution (College LMS) posts, even for both people', async () => {
    const session = newSession();
    const [one, other] = [person('One'), person('Other')];
    await lrs.store(attended(session, one, other), lrs.college);
    await lrs.store([rating(one, other, session, 3)]);
    expect(await scoreOf(other)).toMatchObject(NOTHING);
    expect((await explainOf(other)).contributions).toEqual([]);
  });

  it('from its own stored time when the attendance arrives later', async () => {
    const session = newSession();
    const [one, other] = [person('One'), person('Other')];
    await lrs.store(attended(session, other));
    const rated = rating(one, other, session, 4);
    await lrs.store([rated]);
    travel(10 * DAY_MS);
    await lrs.store(attended(session, one));
    const [contribution] = (await explainOf(other)).contributions;
    expect(contribution).toMatchObject({ ratingId: rated.id, score: 4 });
    expect(contribution.ageDays).toBeCloseTo(10, 1);
  });
});

describe('one counted rating per (rater, ratee, session)', () => {
  it('between peers, the first one: later ones and floods change nothing', async () => {
    const { session, one, other } = await sharedSession();
    const first = rating(one, other, session, 2);
    await lrs.store([first]);
    travel(1000);
    await lrs.store([rating(one, other, session, 5), rating(one, other, session, 5)]);
    expect(await scoreOf(other)).toMatchObject({ current: 2, historical: 2, totalRatings: 1, recentRatings: 1 });
    expect(await countedIds(other)).toEqual([first.id]);
  });

  it('per direction and per session: the other direction and another session count on their own', async () => {
    const { session, one, other } = await sharedSession();
    const second = newSession();
    await lrs.store(attended(second, one, other));
    const ratings = [rating(one, other, session, 2), rating(one, other, second, 4), rating(other, one, session, 5)];
    await lrs.store(ratings);
    expect(await scoreOf(other)).toMatchObject({ current: 3, historical: 3, totalRatings: 2 });
    expect(await countedIds(one)).toEqual([ratings[2]!.id]);
  });
});

describe('order is `stored` order to the millisecond (ids only break ties of equal stored times)', () => {
  it('between peers, the first stored counts even when a later one in the same second has a smaller id', async () => {
    const { session, one, other } = await sharedSession();
    startOfASecond();
    const first = withIdSorting(rating(one, other, session, 2), 'f');
    await lrs.store([first]);
    await lrs.store([withIdSorting(rating(one, other, session, 5), '0')]);
    expect(await countedIds(other)).toEqual([first.id]);
  });

  it('tutor↔student, the latest stored before reveal counts even when an earlier one in the same second has a larger id', async () => {
    const { session, one: tutor, other: student } = await sharedSession(['Tutor', 'Student']);
    startOfASecond();
    await lrs.store([withIdSorting(rating(tutor, student, session, 2, ['tutor', 'student']), 'f')]);
    const changed = withIdSorting(rating(tutor, student, session, 4, ['tutor', 'student']), '0');
    await lrs.store([changed]);
    travel(1000);
    await lrs.store([rating(student, tutor, session, 5, ['student', 'tutor'])]);
    expect(await countedIds(student)).toEqual([changed.id]);
  });
});

describe('tutor↔student ratings are sealed until both rated or 14 days passed', () => {
  it('are revealed together when the second direction arrives; the latest before reveal counts', async () => {
    const { session, one: tutor, other: student } = await sharedSession(['Tutor', 'Student']);
    const early = rating(tutor, student, session, 2, ['tutor', 'student']);
    const changed = rating(tutor, student, session, 4, ['tutor', 'student']);
    await lrs.store([early]);
    travel(1000);
    await lrs.store([changed]);
    expect(await scoreOf(student)).toMatchObject(NOTHING);
    expect((await explainOf(student)).contributions).toEqual([]);

    const back = rating(student, tutor, session, 5, ['student', 'tutor']);
    await lrs.store([back]);
    expect(await countedIds(student)).toEqual([changed.id]);
    expect(await countedIds(tutor)).toEqual([back.id]);

    travel(1000);
    await lrs.store([rating(tutor, student, session, 1, ['tutor', 'student'])]);
    expect(await scoreOf(student)).toMatchObject({ current: 4, totalRatings: 1 });
  });

  it('are revealed 14 days after the first rating when the other never rates', async () => {
    const { session, one: tutor, other: student } = await sharedSession(['Tutor', 'Student']);
    const sealed = rating(tutor, student, session, 3, ['tutor', 'student']);
    await lrs.store([sealed]);
    travel(14 * DAY_MS - 60_000);
    expect(await scoreOf(student)).toMatchObject(NOTHING);
    travel(60_000);
    expect(await scoreOf(student)).toMatchObject({ current: 3, historical: 3, totalRatings: 1, recentRatings: 1 });
    expect(await countedIds(student)).toEqual([sealed.id]);
  });
});

describe('weights decay from `stored`, never the client timestamp', () => {
  it.each([
    ['40 days in the past', -40],
    ['40 days in the future', 40],
  ])('a rating whose timestamp is %s weighs as stored now', async (_what, days) => {
    const { session, one, other } = await sharedSession();
    const rated = { ...rating(one, other, session, 4), timestamp: new Date(Date.now() + days * DAY_MS).toISOString() };
    await lrs.store([rated]);
    const explained = await explainOf(other);
    expect(explained).toMatchObject({ current: 4, historical: 4, totalRatings: 1, recentRatings: 1 });
    expect(explained.contributions).toEqual([expect.objectContaining({ ratingId: rated.id, decay: expect.any(Number), weight: expect.any(Number) })]);
    const [contribution] = explained.contributions;
    expect(contribution.ageDays).toBeLessThan(0.01);
    expect(contribution.decay).toBeGreaterThan(0.999);
    expect(Date.parse(contribution.stored)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('halves by day 15 of the 30-day window; after 31 days the rating is in the history only', async () => {
    const { session, one, other } = await sharedSession();
    const old = rating(one, other, session, 2);
    await lrs.store([old]);
    travel(15 * DAY_MS);
    const { session: later, one: rater } = await sharedSession();
    await lrs.store(attended(later, other));
    const fresh = rating(rater, other, later, 5);
    await lrs.store([fresh]);
    const halfway = await explainOf(other);
    const byId = Object.fromEntries(halfway.contributions.map((contribution: { ratingId: string }) => [contribution.ratingId, contribution]));
    expect(byId[old.id].decay).toBeCloseTo(0.5, 3);
    expect(byId[fresh.id].decay).toBeCloseTo(1, 3);
    expect(halfway.current).toBeCloseTo((0.5 * 2 + 1 * 5) / 1.5, 3);
    expect(halfway).toMatchObject({ historical: 3.5, totalRatings: 2, recentRatings: 2 });

    travel(31 * DAY_MS);
    expect(await scoreOf(other)).toMatchObject({ current: null, historical: 3.5, totalRatings: 2, recentRatings: 0 });
  });
});
