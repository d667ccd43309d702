import { attended, keyOf, ledgerOnStores, liftedPenalty, newSession, penalized, person, rated } from '../../../../test-support/reputation';
import { DAY_SEC } from './weights';

const DAY = DAY_SEC * 1000;
const NOW = new Date('2026-12-02T12:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);

type Harness = Awaited<ReturnType<typeof ledgerOnStores>>;
let harness: Harness;

beforeEach(async () => {
  harness = await ledgerOnStores();
  harness.clock.now = NOW;
});
afterEach(() => harness.dispose());

/** Two people who attended a new session (asserted by the institution). */
async function sharedSession(...people: object[]) {
  const session = newSession();
  await harness.feed(attended(session, ...people), { stored: ago(40) });
  return session;
}

describe('the ledger (issue 12 "Rules": counts only between people who shared a real session)', () => {
  it('counts a peer rating between participants, with current, historical and counts', async () => {
    const [ana, bea] = [person('ana'), person('bea')];
    const session = await sharedSession(ana, bea);
    await harness.feed([rated(ana, bea, session, { score: 4 })]);
    expect(await harness.ledger.score([keyOf(bea)])).toEqual({ current: 4, historical: 4, totalRatings: 1, recentRatings: 1, asOf: NOW.toISOString() });
    expect(await harness.ledger.score([keyOf(ana)])).toMatchObject({ current: null, historical: null, totalRatings: 0 });
  });

  it('counts nothing without attendance, or with attendance from a credential of no institution; attendance arriving later makes it count from its own stored', async () => {
    const [ana, bea] = [person('ana'), person('bea')];
    const session = newSession();
    const [ratingId] = await harness.feed([rated(ana, bea, session, { score: 2 })], { stored: ago(15) });
    await harness.feed(attended(session, ana, bea), { credentialKey: 'college-lms' });
    expect(await harness.ledger.score([keyOf(bea)])).toMatchObject({ current: null, totalRatings: 0 });
    expect((await harness.ledger.rating(ratingId!))?.state).toBe('no-shared-session');
    await harness.feed(attended(session, ana, bea));
    const explained = await harness.ledger.explain([keyOf(bea)]);
    expect(explained).toMatchObject({ current: 2, totalRatings: 1, recentRatings: 1 });
    expect(explained.contributions[0]).toMatchObject({ ratingId, ageDays: 15, decay: 0.5 });
  });

  it('keeps one counted rating per rater, ratee and session: later ones between peers come after the reveal', async () => {
    const [ana, bea] = [person('ana'), person('bea')];
    const session = await sharedSession(ana, bea);
    const [first] = await harness.feed([rated(ana, bea, session, { score: 5 })], { stored: ago(2) });
    const [second] = await harness.feed([rated(ana, bea, session, { score: 1 })], { stored: ago(1) });
    expect((await harness.ledger.rating(first!))?.state).toBe('counted');
    expect((await harness.ledger.rating(second!))?.state).toBe('after-reveal');
    expect(await harness.ledger.score([keyOf(bea)])).toMatchObject({ historical: 5, totalRatings: 1 });
  });

  it('seals a tutor↔student rating until the other rates or 14 days pass (issue 12 "Simultaneous reveal")', async () => {
    const [tutor, student] = [person('tutor'), person('student')];
    const session = await sharedSession(tutor, student);
    const asStudent = { raterRole: 'student', rateeRole: 'tutor' } as const;
    await harness.feed([rated(student, tutor, session, { score: 5, ...asStudent })], { stored: ago(3) });
    expect(await harness.ledger.score([keyOf(tutor)])).toMatchObject({ current: null, totalRatings: 0 });
    expect((await harness.ledger.ratingsAbout([keyOf(tutor)], { limit: 10 })).ratings).toEqual([]);
    expect((await harness.ledger.ratingsBy([keyOf(student)], { limit: 10 })).ratings).toMatchObject([{ sealed: true, rating: { score: 5 } }]);
    await harness.feed([rated(tutor, student, session, { score: 3, raterRole: 'tutor', rateeRole: 'student' })], { stored: ago(1) });
    expect(await harness.ledger.score([keyOf(tutor)])).toMatchObject({ historical: 5, totalRatings: 1 });
    expect(await harness.ledger.score([keyOf(student)])).toMatchObject({ historical: 3, totalRatings: 1 });
    expect(await harness.ledger.score([keyOf(tutor)], ago(2))).toMatchObject({ historical: null, totalRatings: 0 }); // sealed back then
  });

  it('reveals a lone tutor↔student rating 14 days after it was stored', async () => {
    const [tutor, student] = [person('tutor'), person('student')];
    const session = await sharedSession(tutor, student);
    await harness.feed([rated(student, tutor, session, { score: 2, raterRole: 'student', rateeRole: 'tutor' })], { stored: ago(20) });
    expect(await harness.ledger.score([keyOf(tutor)], ago(6))).toMatchObject({ historical: 2, totalRatings: 1 });
    expect(await harness.ledger.score([keyOf(tutor)], new Date(ago(6).getTime() - 1000))).toMatchObject({ historical: null, totalRatings: 0 });
  });

  it('takes a voided rating out of its case: the next rating of its direction counts', async () => {
    const [ana, bea] = [person('ana'), person('bea')];
    const session = await sharedSession(ana, bea);
    const [first] = await harness.feed([rated(ana, bea, session, { score: 1 })], { stored: ago(2) });
    const [second] = await harness.feed([rated(ana, bea, session, { score: 5 })], { stored: ago(1) });
    await harness.void(first!);
    expect((await harness.ledger.rating(first!))?.state).toBe('voided');
    expect((await harness.ledger.rating(second!))?.state).toBe('counted');
    expect(await harness.ledger.score([keyOf(bea)])).toMatchObject({ historical: 5, totalRatings: 1 });
  });

  it('weighs a rating 1 − age/30 days from stored, never the timestamp, 0 from 30 days (issue 12 "Decay")', async () => {
    const [ana, bea, cruz, dani] = [person('ana'), person('bea'), person('cruz'), person('dani')];
    const session = await sharedSession(ana, bea, cruz, dani);
    await harness.feed([rated(ana, dani, session, { score: 5 })], { stored: NOW });
    await harness.feed([rated(bea, dani, session, { score: 1 })], { stored: ago(15) });
    await harness.feed([rated(cruz, dani, session, { score: 3 })], { stored: ago(30) });
    expect(await harness.ledger.score([keyOf(dani)])).toEqual({ current: (5 * 1 + 1 * 0.5) / 1.5, historical: 3, totalRatings: 3, recentRatings: 2, asOf: NOW.toISOString() });
  });

  it('weighs a penalized rater’s ratings by the penalty until it is lifted (issue 12: a confirmed signal reduces weights)', async () => {
    const [ana, bea, cruz] = [person('ana'), person('bea'), person('cruz')];
    const session = await sharedSession(ana, bea, cruz);
    await harness.feed([rated(ana, cruz, session, { score: 1 }), rated(bea, cruz, session, { score: 5 })], { stored: ago(1) });
    const [penaltyId] = await harness.feed([penalized(ana, 0.25, ago(10))]);
    const explained = await harness.ledger.explain([keyOf(cruz)]);
    expect(explained.contributions.map(({ score, penaltyFactor }) => [score, penaltyFactor]).sort()).toEqual([[1, 0.25], [5, 1]]);
    expect(explained.current).toBeCloseTo((1 * 0.25 + 5) / 1.25, 12);
    expect(explained.historical).toBe((1 * 25 + 5 * 100) / 125);
    await harness.feed([liftedPenalty(penaltyId!)]);
    expect(await harness.ledger.score([keyOf(cruz)])).toMatchObject({ historical: 3 });
  });

  it('ignores a penalty statement that this plugin did not record', async () => {
    const [ana, cruz] = [person('ana'), person('cruz')];
    const session = await sharedSession(ana, cruz);
    await harness.feed([rated(ana, cruz, session, { score: 1 })], { stored: ago(1) });
    await harness.feed([{ ...penalized(ana, 0, ago(10)), authority: { objectType: 'Agent', account: { homePage: 'http://lrs.test', name: 'school' } } }]);
    expect(await harness.ledger.score([keyOf(cruz)])).toMatchObject({ current: 1 });
  });
});

describe('a score from day and hour buckets (exact integer sums) and explain', () => {
  it.each([
    [30, 0.61, [NOW, ago(3.3), ago(11.77), new Date(NOW.getTime() + 4321_000)]],
    [1, 0.013, [NOW, ago(0.3), ago(0.41), new Date(NOW.getTime() - 1_234_567)]],
  ])('equals the sum over every contribution, at times inside days and hours, for one person’s merged identities (window %d days, ratings %d days apart)', async (windowDays, spacingDays, times) => {
    await harness.dispose();
    harness = await ledgerOnStores({ windowDays, sealDays: 14 });
    harness.clock.now = NOW;
    const ratee = [person('ratee'), person('ratee-work')];
    const raters = Array.from({ length: 90 }, (_, index) => person(`rater-${index}`));
    const session = await sharedSession(...ratee, ...raters);
    for (const [index, rater] of raters.entries()) {
      await harness.feed([rated(rater, ratee[index % 2]!, session, { score: (index % 5) + 1 })], { stored: new Date(NOW.getTime() - index * spacingDays * DAY - index * 997) });
    }
    const keys = ratee.map(keyOf);
    for (const at of times) {
      const explained = await harness.ledger.explain(keys, at);
      const numerator = explained.contributions.reduce((sum, { weightUnits, score }) => sum + weightUnits * score, 0);
      const denominator = explained.contributions.reduce((sum, { weightUnits }) => sum + weightUnits, 0);
      expect([explained.numerator, explained.denominator]).toEqual([numerator, denominator]);
      expect(explained.current).toBe(numerator / denominator);
      expect(explained.contributions.reduce((sum, { contribution }) => sum + contribution, 0)).toBeCloseTo(explained.current!, 12);
      expect(explained.recentRatings).toBe(explained.contributions.length);
      expect(await harness.ledger.score(keys, at)).toEqual({ current: explained.current, historical: explained.historical, totalRatings: explained.totalRatings, recentRatings: explained.recentRatings, asOf: explained.asOf });
    }
    const trend = await harness.ledger.trend(keys, 5);
    expect(trend.map(({ date }) => date)).toEqual(['2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']);
    expect(trend[4]!.current).toBe((await harness.ledger.score(keys)).current);
  });

  it('hides the raters from explain when asked', async () => {
    const [ana, bea] = [person('ana'), person('bea')];
    const session = await sharedSession(ana, bea);
    await harness.feed([rated(ana, bea, session)]);
    expect((await harness.ledger.explain([keyOf(bea)], undefined, { withRaters: true })).contributions[0]!.rater).toEqual({ key: keyOf(ana), name: 'ana' });
    expect((await harness.ledger.explain([keyOf(bea)], undefined, { withRaters: false })).contributions[0]).not.toHaveProperty('rater');
  });
});

describe('the trend', () => {
  it('gives at the end of each day the score at that moment: decayed, sealed ratings out until revealed, old ratings leaving the window', async () => {
    const tutor = person('tutor');
    const students = Array.from({ length: 12 }, (_, index) => person(`student-${index}`));
    const session = await sharedSession(tutor, ...students);
    for (const [index, student] of students.entries()) {
      const stored = ago(45 - index * 3.7);
      await harness.feed([rated(student, tutor, session, { score: (index % 5) + 1, raterRole: 'student', rateeRole: 'tutor' })], { stored });
      // every other student is rated back days later: the pair is revealed then, the others at 14 days
      if (index % 2 === 0) await harness.feed([rated(tutor, student, session, { raterRole: 'tutor', rateeRole: 'student' })], { stored: new Date(stored.getTime() + (index + 1) * DAY / 2) });
    }
    const keys = [keyOf(tutor)];
    const trend = await harness.ledger.trend(keys, 60);
    expect(trend).toHaveLength(60);
    for (const [index, point] of trend.entries()) {
      const dayEnd = index === 59 ? NOW : new Date(Date.UTC(2026, 11, 2) - (58 - index) * DAY - 1000);
      const { current, historical } = await harness.ledger.score(keys, dayEnd);
      expect({ date: point.date, current: point.current, historical: point.historical }).toEqual({ date: dayEnd.toISOString().slice(0, 10), current, historical });
    }
    expect(new Set(trend.map(({ historical }) => historical)).size).toBeGreaterThan(5);
  });
});

describe('no agents', () => {
  it('have the empty score, trend and ratings', async () => {
    expect(await harness.ledger.score([])).toEqual({ current: null, historical: null, totalRatings: 0, recentRatings: 0, asOf: NOW.toISOString() });
    expect(await harness.ledger.trend([], 2)).toEqual([
      { date: '2026-12-01', current: null, historical: null },
      { date: '2026-12-02', current: null, historical: null },
    ]);
    expect(await harness.ledger.ratingsAbout([], { limit: 5 })).toEqual({ ratings: [] });
    expect(await harness.ledger.ratingsBy([], { limit: 5 })).toEqual({ ratings: [] });
  });
});

describe('a flood (one rater, one ratee, one session)', () => {
  it('counts one rating and is handled with bounded work per rating', async () => {
    const [ana, bea] = [person('ana'), person('bea')];
    const session = await sharedSession(ana, bea);
    const started = Date.now();
    for (let batch = 0; batch < 2; batch++) await harness.feed(Array.from({ length: 500 }, () => rated(ana, bea, session, { score: 1 })), { stored: ago(1 - batch / 10) });
    expect(await harness.ledger.score([keyOf(bea)])).toMatchObject({ current: 1, totalRatings: 1 });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await harness.ledger.ratingsAfter(undefined, 1000)).length).toBe(1000);
  });
});
