/**
 * GET /plugins/reputation/score, /explain and /curve over HTTP on the whole LRS: ratings and
 * attendance POSTed as statements by institution credentials, delivered to the plugin.
 */
import request from 'supertest';
import { attended, keyOf, newSession, person, rated, ReputationTestLrs } from '../../../../test-support/reputation';

let lrs: ReputationTestLrs;

beforeAll(async () => {
  lrs = await ReputationTestLrs.start();
});
afterAll(() => lrs.close());

/** Ana and Bea attended a session (School asserts it); `raters` rate Bea in it. */
async function beaRated(...scores: number[]) {
  const bea = person('bea');
  const raters = scores.map((_, index) => person(`rater-${index}`));
  const session = newSession();
  await lrs.store(attended(session, bea, ...raters));
  await lrs.store(scores.map((score, index) => rated(raters[index]!, bea, session, { score })));
  return { bea, raters, session };
}

describe('GET /plugins/reputation/score', () => {
  it('gives current, historical and counts of the ratings between people who attended the session', async () => {
    const { bea } = await beaRated(5, 3);
    const score = await lrs.read('score', bea);
    expect(score).toMatchObject({ current: 4, historical: 4, totalRatings: 2, recentRatings: 2 });
    expect(Date.parse(score.asOf)).not.toBeNaN();
  });

  it('counts nothing when the attendance comes from a credential that speaks for no institution', async () => {
    const [ana, bea] = [person('ana'), person('bea')];
    const session = newSession();
    await lrs.store(attended(session, ana, bea), lrs.college);
    await lrs.store([rated(ana, bea, session, { score: 5 })]);
    expect(await lrs.read('score', bea)).toMatchObject({ current: null, historical: null, totalRatings: 0 });
  });

  it.each([
    ['not JSON', '{mbox', 'JSON'],
    ['without an IFI', JSON.stringify({ objectType: 'Agent', name: 'Nobody' }), 'exactly one of mbox, mbox_sha1sum, openid, account (found 0'],
    ['with two IFIs', JSON.stringify({ mbox: 'mailto:a@example.org', openid: 'https://a.example.org' }), 'exactly one of mbox, mbox_sha1sum, openid, account (found 2'],
    ['a Group', JSON.stringify({ objectType: 'Group', mbox: 'mailto:team@example.org' }), 'Group'],
  ])('answers 400 INVALID_PARAMETER for an agent %s', async (_, agent, named) => {
    const body = await lrs.read('score', agent, 400);
    expect(body.code).toBe('INVALID_PARAMETER');
    expect(body.message).toContain(named);
  });

  it('answers 400 without the agent, with it twice, or with another parameter', async () => {
    const agent = JSON.stringify(person());
    const get = (query: string) => request(lrs.lrs.app).get(`/plugins/reputation/score${query}`).set('Authorization', lrs.admin);
    expect((await get('')).body.code).toBe('MISSING_PARAMETER');
    expect((await get(`?agent=${encodeURIComponent(agent)}&agent=${encodeURIComponent(agent)}`)).body.code).toBe('INVALID_PARAMETER');
    expect((await get(`?agent=${encodeURIComponent(agent)}&at=now`)).body.code).toBe('UNKNOWN_PARAMETER');
  });

  it('is for credentials with plugins/reputation/read or reading every statement, and for people signed in', async () => {
    const { bea } = await beaRated(4);
    await lrs.read('score', bea, 200, await lrs.lrs.credential(['plugins/reputation/read']));
    await lrs.read('score', bea, 200, await lrs.lrs.credential(['statements/read']));
    expect((await lrs.read('score', bea, 403, await lrs.lrs.credential(['statements/read/mine']))).code).toBe('FORBIDDEN');
    expect((await lrs.read('score', bea, 403, await lrs.lrs.credential(['statements/write']))).message).toContain('plugins/reputation/read');
    expect((await request(lrs.lrs.app).get('/plugins/reputation/score').query({ agent: JSON.stringify(bea) })).status).toBe(401);
    const { browser } = await lrs.signedIn(person('reader'));
    const score = await browser.get('/plugins/reputation/score').query({ agent: JSON.stringify(bea) }).set('Accept', 'application/json');
    expect(score.status).toBe(200);
    expect(score.body.totalRatings).toBe(1);
  });
});

describe('GET /plugins/reputation/explain', () => {
  it('lists each contributing rating with weight units summing exactly to the score', async () => {
    const { bea, raters } = await beaRated(5, 2, 4);
    const explained = await lrs.read('explain', bea);
    expect(explained.current).toBe(explained.numerator / explained.denominator);
    expect(explained.contributions.reduce((sum: number, { contribution }: { contribution: number }) => sum + contribution, 0)).toBeCloseTo(explained.current, 12);
    expect(explained.contributions.map(({ rater }: { rater: { key: string } }) => rater.key).sort()).toEqual(raters.map(keyOf).sort());
    expect(explained.contributions[0]).toMatchObject({ decay: expect.any(Number), penaltyFactor: 1, raterRole: 'peer' });
    expect(explained.curve).toEqual({ windowDays: 30, sealDays: 14 });
  });

  it('shows a signed-in person who rated them, and leaves the raters out of other people’s explanations', async () => {
    const { bea } = await beaRated(5);
    const { browser: asBea } = await lrs.signedIn(bea);
    const own = await asBea.get('/plugins/reputation/explain').query({ agent: JSON.stringify(bea) }).set('Accept', 'application/json').expect(200);
    expect(own.body.contributions[0].rater).toBeDefined();
    const { browser: other } = await lrs.signedIn(person('curious'));
    const theirs = await other.get('/plugins/reputation/explain').query({ agent: JSON.stringify(bea) }).set('Accept', 'application/json').expect(200);
    expect(theirs.body.contributions).toHaveLength(1);
    expect(theirs.body.contributions[0]).not.toHaveProperty('rater');
  });
});

describe('GET /plugins/reputation/curve', () => {
  it('publishes the decay curve and the seal period', async () => {
    const response = await request(lrs.lrs.app).get('/plugins/reputation/curve').set('Authorization', lrs.admin).expect(200);
    expect(response.body).toEqual({ shape: 'linear', windowDays: 30, sealDays: 14, weight: expect.stringContaining('1 − age/30 days') });
  });
});
