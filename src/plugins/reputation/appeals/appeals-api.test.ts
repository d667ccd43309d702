import pino from 'pino';
import request from 'supertest';
import { XAPI_VERSION_HEADER } from '../../../../test-support/app';
import { csrfFieldOf } from '../../../../test-support/people';
import { attended, keyOf, newSession, person, rated, ReputationTestLrs, type TestAgent } from '../../../../test-support/reputation';
import { pluginStatementReader } from '../../../platform/plugins/statement-reader';
import type { Collection } from '../../../plugin-api';
import { LEDGER_STORES, ReputationLedger } from '../ratings';
import { VERB } from '../vocabulary';
import { Appeals, APPEAL_STORES } from './appeals';
import { APPEAL, appealPath, fileAppeal, flaggedPair, grantModerator, ratedPair } from './fixtures.contract';

/**
 * Replies, appeals and their decisions over HTTP on the whole LRS: ratings and attendance sent by
 * School LMS, the rated person and a moderator signed in through login links.
 */
type Browser = Awaited<ReturnType<ReputationTestLrs['signedIn']>>['browser'];

let lrs: ReputationTestLrs;
let moderator: { browser: Browser; identity: TestAgent; personId: string };

beforeAll(async () => {
  lrs = await ReputationTestLrs.start();
  moderator = await lrs.signedIn(person('Marta'));
  await grantModerator(lrs, moderator.personId);
});
afterAll(() => lrs.close());

const json = (browser: Browser, path: string, body: object) => browser.post(path).set('Accept', 'application/json').send(body);
const replyPath = (ratingId: string) => `/plugins/reputation/api/ratings/${ratingId}/replies`;

async function score(agent: object): Promise<Record<string, any>> {
  return (await request(lrs.lrs.app).get('/plugins/reputation/score').query({ agent: JSON.stringify(agent) }).set('Authorization', lrs.admin).expect(200)).body;
}

async function statement(id: string) {
  return (await request(lrs.lrs.app).get('/xapi/statements').query({ statementId: id }).set(XAPI_VERSION_HEADER).set('Authorization', lrs.lrs.auth)).body;
}

describe('the rated person replies and appeals', () => {
  it('records a reply as their statement; the score does not change', async () => {
    const { ratee, ratingId } = await ratedPair(lrs, { score: 2 });
    const before = await score(ratee);
    const { browser } = await lrs.signedIn(ratee);
    const response = await json(browser, replyPath(ratingId), { text: 'I was there: ask the tutor.' });
    expect(response.status).toBe(201);
    const reply = await statement(response.body.id);
    expect(reply).toMatchObject({ actor: { account: ratee.account }, verb: { id: VERB.replied }, object: { objectType: 'StatementRef', id: ratingId }, result: { response: 'I was there: ask the tutor.' } });
    expect(await score(ratee)).toMatchObject({ current: before.current, totalRatings: before.totalRatings });
  });

  it('files an appeal (registration = its id) and refuses a second open one', async () => {
    const { ratee, ratingId } = await ratedPair(lrs);
    const { browser } = await lrs.signedIn(ratee);
    const first = await json(browser, appealPath(ratingId), APPEAL);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ ratingId, state: 'filed', grounds: 'no-shared-session', reason: APPEAL.reason, ratee: { key: keyOf(ratee) }, steps: [] });
    expect(await statement(first.body.id)).toMatchObject({ verb: { id: VERB.appealed }, context: { registration: first.body.id }, actor: { account: ratee.account } });
    const second = await json(browser, appealPath(ratingId), APPEAL);
    expect([second.status, second.body.code]).toEqual([409, 'APPEAL_EXISTS']);
  });

  it('answers each refusal with its code, recording nothing', async () => {
    const { rater, ratee, ratingId } = await ratedPair(lrs);
    const { browser } = await lrs.signedIn(ratee);
    const cases: Array<[Browser | request.SuperTest<request.Test>, string, object, number, string]> = [
      [browser, appealPath(ratingId), { grounds: 'dislike', reason: 'x' }, 400, 'INVALID_APPEAL'],
      [browser, appealPath(ratingId), { grounds: 'fraud', reason: '' }, 400, 'INVALID_APPEAL'],
      [browser, appealPath(ratingId), { grounds: 'fraud', reason: 'x'.repeat(2001) }, 400, 'INVALID_APPEAL'],
      [browser, appealPath(ratingId), { ...APPEAL, extra: true }, 400, 'INVALID_BODY'],
      [browser, replyPath(ratingId), { text: '   ' }, 400, 'INVALID_REPLY'],
      [browser, appealPath('not-a-uuid'), APPEAL, 400, 'INVALID_PARAMETER'],
      [browser, appealPath('00000000-0000-4000-8000-000000000000'), APPEAL, 404, 'RATING_NOT_FOUND'],
      [(await lrs.signedIn(rater)).browser, appealPath(ratingId), APPEAL, 403, 'NOT_THE_RATEE'],
      [(await lrs.signedIn(person('Stranger'))).browser, appealPath(ratingId), APPEAL, 404, 'RATING_NOT_FOUND'],
      [request(lrs.lrs.app) as unknown as Browser, appealPath(ratingId), APPEAL, 401, 'SIGN_IN_REQUIRED'],
    ];
    for (const [client, path, body, status, code] of cases) {
      const response = await json(client as Browser, path, body);
      expect([path, response.status, response.body.code]).toEqual([path, status, code]);
    }
    const form = await browser.post(appealPath(ratingId)).type('form').send(APPEAL);
    expect([form.status, form.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const moderation = await request(lrs.lrs.app).get('/plugins/reputation/api/appeals').set('Authorization', lrs.admin).expect(200);
    expect(moderation.body.appeals.filter((row: any) => row.appeal.ratingId === ratingId)).toEqual([]);
  });

  it('does not show a sealed rating: 404 until both rated or the seal ends', async () => {
    const { ratee, ratingId } = await ratedPair(lrs, { raterRole: 'student', rateeRole: 'tutor' });
    const { browser } = await lrs.signedIn(ratee);
    const response = await json(browser, appealPath(ratingId), APPEAL);
    expect([response.status, response.body.code]).toEqual([404, 'RATING_NOT_FOUND']);
  });

  it('takes the forms of the person page: CSRF token required, 303 back to the page', async () => {
    const { ratee, ratingId } = await ratedPair(lrs);
    const { browser } = await lrs.signedIn(ratee);
    const page = await browser.get('/me').expect(200);
    const forged = await browser.post(`/plugins/reputation/ratings/${ratingId}/replies`).type('form').send({ text: 'hello' });
    expect([forged.status, forged.body.code]).toEqual([403, 'INVALID_CSRF_TOKEN']);
    const reply = await browser.post(`/plugins/reputation/ratings/${ratingId}/replies`).type('form').send({ _csrf: csrfFieldOf(page.text), text: 'hello' });
    expect([reply.status, reply.headers.location]).toEqual([303, '/plugins/reputation/me']);
    const appeal = await browser.post(`/plugins/reputation/ratings/${ratingId}/appeals`).type('form').send({ _csrf: csrfFieldOf(page.text), ...APPEAL });
    expect([appeal.status, appeal.headers.location]).toEqual([303, '/plugins/reputation/me']);
  });
});

describe('moderators decide appeals', () => {
  const api = (path: string) => `/plugins/reputation/api/appeals${path}`;

  it('opens a review, upholds with a reason, voids the rating and changes the score at once', async () => {
    const { ratee, ratingId } = await ratedPair(lrs, { score: 1 });
    expect(await score(ratee)).toMatchObject({ totalRatings: 1, current: 1 });
    const appeal = await fileAppeal(lrs, ratingId, ratee);
    const early = await json(moderator.browser, api(`/${appeal.id}/uphold`), { reason: 'r' });
    expect([early.status, early.body.code]).toEqual([409, 'APPEAL_NOT_UNDER_REVIEW']);
    const review = await json(moderator.browser, api(`/${appeal.id}/review`), {});
    expect([review.status, review.body.state]).toEqual([200, 'under-review']);
    const again = await json(moderator.browser, api(`/${appeal.id}/review`), {});
    expect([again.status, again.body.code]).toEqual([409, 'APPEAL_ALREADY_UNDER_REVIEW']);
    const noReason = await json(moderator.browser, api(`/${appeal.id}/uphold`), {});
    expect([noReason.status, noReason.body.code]).toEqual([400, 'INVALID_REASON']);

    const started = performance.now();
    const upheld = await json(moderator.browser, api(`/${appeal.id}/uphold`), { reason: 'Attendance shows no shared session.' });
    let after = await score(ratee);
    while (after.totalRatings !== 0 && performance.now() - started < 5000) after = await score(ratee);
    const elapsedMs = performance.now() - started;
    console.log(`upheld appeal → new score over HTTP: ${elapsedMs.toFixed(1)} ms`);
    expect(elapsedMs).toBeLessThan(1000);
    expect(after).toMatchObject({ totalRatings: 0, current: null });
    expect(upheld.body).toMatchObject({ state: 'upheld', final: true, steps: [{ state: 'under-review' }, { state: 'upheld', reason: 'Attendance shows no shared session.' }] });
    const voiding = await request(lrs.lrs.app).get('/xapi/statements').query({ voidedStatementId: ratingId }).set(XAPI_VERSION_HEADER).set('Authorization', lrs.lrs.auth);
    expect(voiding.status).toBe(200);

    const late = await json(moderator.browser, api(`/${appeal.id}/reject`), { reason: 'changed my mind' });
    expect([late.status, late.body.code]).toEqual([409, 'APPEAL_DECIDED']);
    const { browser } = await lrs.signedIn(ratee);
    const reappeal = await json(browser, appealPath(ratingId), APPEAL);
    expect([reappeal.status, reappeal.body.code]).toEqual([409, 'RATING_VOIDED']);
  });

  it('rejects with a reason: the rating keeps counting', async () => {
    const { ratee, ratingId } = await ratedPair(lrs, { score: 2 });
    const appeal = await fileAppeal(lrs, ratingId, ratee);
    await json(moderator.browser, api(`/${appeal.id}/review`), {}).expect(200);
    const rejected = await json(moderator.browser, api(`/${appeal.id}/reject`), { reason: 'Both attended.' });
    expect(rejected.body).toMatchObject({ state: 'rejected', final: true, steps: [{ state: 'under-review' }, { state: 'rejected', reason: 'Both attended.' }] });
    expect(await score(ratee)).toMatchObject({ totalRatings: 1, current: 2 });
    const listed = await request(lrs.lrs.app).get(api('?state=rejected')).set('Authorization', lrs.admin).expect(200);
    expect(listed.body.appeals.find((row: any) => row.appeal.id === appeal.id)).toMatchObject({ rating: { score: 2 }, involved: false });
  });

  it('takes decisions from a credential holding plugins/reputation/moderate, recorded with its authority as the actor', async () => {
    const { ratee, ratingId } = await ratedPair(lrs, { score: 2 });
    const appeal = await fileAppeal(lrs, ratingId, ratee);
    const credential = await lrs.lrs.credential(['plugins/reputation/moderate'], 'Moderation desk');
    const decide = (action: string, body: object) => request(lrs.lrs.app).post(api(`/${appeal.id}/${action}`)).set('Authorization', credential).send(body);
    expect((await decide('review', {})).status).toBe(200);
    const rejected = await decide('reject', { reason: 'Both attended.' });
    expect([rejected.status, rejected.body.state]).toEqual([200, 'rejected']);
    const decision = (await request(lrs.lrs.app).get('/xapi/statements').query({ verb: VERB.dismissed, registration: appeal.id }).set(XAPI_VERSION_HEADER).set('Authorization', lrs.lrs.auth)).body.statements[0];
    expect(decision).toMatchObject({ actor: { name: 'Moderation desk' }, result: { success: false, response: 'Both attended.' } });
  });

  it('keeps moderators out of their own ratings, and others out of moderation', async () => {
    const ratee = person('Tomás');
    const session = newSession();
    await lrs.store(attended(session, moderator.identity, ratee));
    const [ratingId] = await lrs.store([rated(moderator.identity, ratee, session, { score: 1 })]);
    const appeal = await fileAppeal(lrs, ratingId!, ratee);
    const involved = await json(moderator.browser, api(`/${appeal.id}/review`), {});
    expect([involved.status, involved.body.code]).toEqual([403, 'MODERATOR_INVOLVED']);

    const learner = await lrs.signedIn(person('Learner'));
    const roleRequired = await learner.browser.get(api('')).set('Accept', 'application/json');
    expect([roleRequired.status, roleRequired.body.code]).toEqual([403, 'ROLE_REQUIRED']);
    const noScope = await request(lrs.lrs.app).get(api('')).set('Authorization', lrs.school);
    expect(noScope.status).toBe(403);
    expect((await request(lrs.lrs.app).get(api(''))).status).toBe(401);
    const bad = await request(lrs.lrs.app).get(api('?state=closed')).set('Authorization', lrs.admin);
    expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_PARAMETER']);
    const missing = await json(moderator.browser, api('/00000000-0000-4000-8000-000000000000/review'), {});
    expect([missing.status, missing.body.code]).toEqual([404, 'APPEAL_NOT_FOUND']);
  });

  it('counts an appeal a credential sends for the rated person, never a decision it sends', async () => {
    const { ratee, ratingId } = await ratedPair(lrs);
    const appealId = crypto.randomUUID();
    const appealed = { id: appealId, actor: ratee, verb: { id: VERB.appealed }, object: { objectType: 'StatementRef', id: ratingId }, result: { response: 'Not fair' }, context: { registration: appealId, extensions: { 'https://w3id.org/keiko/profiles/reputation/extensions/appeal-grounds': 'retaliation' } } };
    const forged = { actor: person('Forger'), verb: { id: VERB.upheld }, object: { objectType: 'StatementRef', id: appealId }, result: { success: true, response: 'I decide' }, context: { registration: appealId } };
    await lrs.store([appealed], lrs.college);
    await lrs.store([forged], lrs.college);
    const listed = await request(lrs.lrs.app).get(api('?state=open')).set('Authorization', lrs.admin).expect(200);
    expect(listed.body.appeals.find((row: any) => row.appeal.id === appealId)).toMatchObject({ appeal: { state: 'filed', grounds: 'retaliation', steps: [] } });
  });
});

/** The plugin's Appeals read on the LRS's own stores: what the person's page (helper C's) calls. */
async function appealsReader(): Promise<Appeals> {
  const { storage } = lrs.lrs;
  const collections = new Map<string, Collection<any>>();
  for (const [name, declaration] of Object.entries({ ...LEDGER_STORES, ...APPEAL_STORES })) collections.set(name, await storage.collections.open('reputation', name, declaration));
  const store = <T extends object>(name: string) => collections.get(name) as Collection<T>;
  const ledger = new ReputationLedger({ store, people: { institutionOf: async () => undefined }, curve: { windowDays: 30, sealDays: 14 } });
  return new Appeals({ store, statements: pluginStatementReader(storage.statements, storage.attachments), ledger, logger: pino({ level: 'silent' }) });
}

describe('what the rated person and the rater see of appeals and replies', () => {
  it('lists every reversal with its reason to both, and the replies to each rating', async () => {
    const { rater, ratee, ratingId } = await ratedPair(lrs, { score: 1 });
    const appeal = await fileAppeal(lrs, ratingId, ratee);
    const { browser } = await lrs.signedIn(ratee);
    await json(browser, replyPath(ratingId), { text: 'First reply' }).expect(201);
    await json(browser, replyPath(ratingId), { text: 'Second reply' }).expect(201);
    await json(moderator.browser, `/plugins/reputation/api/appeals/${appeal.id}/review`, {}).expect(200);
    await json(moderator.browser, `/plugins/reputation/api/appeals/${appeal.id}/uphold`, { reason: 'Void: no shared session.' }).expect(200);

    const appeals = await appealsReader();
    const expected = { id: appeal.id, ratingId, state: 'upheld', final: true, steps: [{ state: 'under-review' }, { state: 'upheld', reason: 'Void: no shared session.' }], ignoredDecisions: [] };
    const forRatee = await appeals.appealsFor([keyOf(ratee)]);
    expect(forRatee).toMatchObject([expected]);
    expect(await appeals.appealsFor([keyOf(rater), 'mbox:mailto:nobody@example.org'])).toEqual(forRatee);
    expect(await appeals.appealsFor([keyOf(person('Other'))])).toEqual([]);
    const replies = await appeals.repliesTo([ratingId, '00000000-0000-4000-8000-000000000000']);
    expect([...replies.keys()]).toEqual([ratingId]);
    expect(replies.get(ratingId)!.map((reply) => reply.text)).toEqual(['First reply', 'Second reply']);
  });
});

describe('moderators decide fraud flags', () => {
  const api = (path: string) => `/plugins/reputation/api${path}`;
  const list = async (path: string) => (await request(lrs.lrs.app).get(api(path)).set('Authorization', lrs.admin).expect(200)).body;

  it('confirms a flag with a penalty per rater, lists and lifts it; each refusal with its code', async () => {
    const { a, flag } = await flaggedPair(lrs);
    const evidence = await moderator.browser.get(`/plugins/reputation/moderation/ratings/${flag.evidence[0]}`).set('Accept', 'text/html');
    expect([evidence.status, evidence.text.includes('5 / 5')]).toEqual([200, true]);
    const learner = await lrs.signedIn(person('Learner'));
    expect((await learner.browser.get(`/plugins/reputation/moderation/ratings/${flag.evidence[0]}`).set('Accept', 'text/html')).status).toBe(403);
    for (const [body, code] of [[{ weightFactor: 1, reason: 'ring' }, 'INVALID_PENALTY'], [{ weightFactor: 0.2, until: '2000-01-01', reason: 'ring' }, 'INVALID_PENALTY'], [{ weightFactor: 0.2 }, 'INVALID_REASON']] as const) {
      const refused = await json(moderator.browser, api(`/flags/${flag.id}/confirm`), body);
      expect([refused.status, refused.body.code]).toEqual([400, code]);
    }
    const missing = await json(moderator.browser, api('/flags/00000000-0000-4000-8000-000000000000/confirm'), { weightFactor: 0.2, reason: 'ring' });
    expect([missing.status, missing.body.code]).toEqual([404, 'FLAG_NOT_FOUND']);
    const badId = await json(moderator.browser, api('/flags/not%20an%20id/confirm'), { weightFactor: 0.2, reason: 'ring' });
    expect([badId.status, badId.body.code]).toEqual([400, 'INVALID_PARAMETER']);

    const confirmed = await json(moderator.browser, api(`/flags/${flag.id}/confirm`), { weightFactor: 0.2, until: '2099-01-01', reason: 'A reciprocal pair.' });
    expect(confirmed.status).toBe(201);
    expect(confirmed.body.penalties).toHaveLength(2);
    const penalty = await statement(confirmed.body.penalties[0]);
    expect(penalty).toMatchObject({ verb: { id: VERB.penalized }, context: { registration: flag.registration, statement: { id: flag.statementId } }, result: { response: 'A reciprocal pair.' } });
    const again = await json(moderator.browser, api(`/flags/${flag.id}/dismiss`), { reason: 'no' });
    expect([again.status, again.body.code]).toEqual([409, 'FLAG_DECIDED']);
    expect((await list('/flags')).flags.map((each: any) => each.id)).not.toContain(flag.id);

    const { penalties } = await list('/penalties');
    expect(penalties.filter((each: any) => confirmed.body.penalties.includes(each.id))).toEqual(
      expect.arrayContaining([expect.objectContaining({ subject: keyOf(a), weightFactor: 0.2, until: '2099-01-01T00:00:00.000Z', flagStatementId: flag.statementId })]),
    );
    const lifted = await json(moderator.browser, api(`/penalties/${confirmed.body.penalties[0]}/lift`), { reason: 'Second review: real sessions.' });
    expect([lifted.status, lifted.body.lifted]).toEqual([200, true]);
    const liftedAgain = await json(moderator.browser, api(`/penalties/${confirmed.body.penalties[0]}/lift`), { reason: 'again' });
    expect([liftedAgain.status, liftedAgain.body.code]).toEqual([409, 'PENALTY_LIFTED']);
    const unknown = await json(moderator.browser, api('/penalties/00000000-0000-4000-8000-000000000000/lift'), { reason: 'x' });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'PENALTY_NOT_FOUND']);
    const inForce = (await list('/penalties')).penalties.map((each: any) => each.id);
    expect(inForce).not.toContain(confirmed.body.penalties[0]);
    expect(inForce).toContain(confirmed.body.penalties[1]);
  });

  it('dismisses a flag with a reason; it is no longer open', async () => {
    const { flag } = await flaggedPair(lrs);
    const dismissed = await json(moderator.browser, api(`/flags/${flag.id}/dismiss`), { reason: 'Siblings who study together.' });
    expect(dismissed.status).toBe(200);
    expect((await list('/flags')).flags.map((each: any) => each.id)).not.toContain(flag.id);
    const confirm = await json(moderator.browser, api(`/flags/${flag.id}/confirm`), { weightFactor: 0.5, reason: 'x' });
    expect([confirm.status, confirm.body.code]).toEqual([409, 'FLAG_DECIDED']);
  });
});

// Last: a rebuild stops event delivery, which does not start again in this LRS.
describe('a rebuild', () => {
  it('is made again from the statements alone by a rebuild', async () => {
    const { ratee, ratingId } = await ratedPair(lrs, { score: 3 });
    for (const decision of ['reject', 'uphold']) {
      const pair = decision === 'reject' ? { ratee, ratingId } : await ratedPair(lrs, { score: 1 });
      const appeal = await fileAppeal(lrs, pair.ratingId, pair.ratee);
      await json(moderator.browser, `/plugins/reputation/api/appeals/${appeal.id}/review`, {}).expect(200);
      await json(moderator.browser, `/plugins/reputation/api/appeals/${appeal.id}/${decision}`, { reason: 'Decided.' }).expect(200);
    }
    const { browser } = await lrs.signedIn(ratee);
    await json(browser, replyPath(ratingId), { text: 'Thanks' }).expect(201);
    const states = ['filed', 'under-review', 'upheld', 'rejected'];
    const everything = async () => Promise.all(states.map(async (state) => (await request(lrs.lrs.app).get(`/plugins/reputation/api/appeals?state=${state}`).set('Authorization', lrs.admin).expect(200)).body));
    const before = await everything();
    const replies = await (await appealsReader()).repliesTo([ratingId]);
    const { events } = lrs.lrs.services;
    await events.stop();
    try {
      await events.rebuild('reputation');
    } finally {
      events.start();
    }
    expect(await everything()).toEqual(before);
    expect(await (await appealsReader()).repliesTo([ratingId])).toEqual(replies);
  });
});
