import request from 'supertest';
import { attended, keyOf, newSession, person, rated, type ReputationTestLrs, type TestAgent } from '../../../../test-support/reputation';
import { FRAUD_SCAN_JOB } from '../fraud';

/**
 * What the appeals' tests set up on the whole LRS (appeals-api.test.ts, moderation-page.browser.test.ts).
 * Test code shared by two suites: named `.contract.ts` so that the build, the import-graph check and
 * jest leave it out as they do the storage contracts.
 */
export const APPEAL = { grounds: 'no-shared-session', reason: 'We never met in that session.' };
export const appealPath = (ratingId: string) => `/plugins/reputation/api/ratings/${ratingId}/appeals`;

/** Two people who attended a session, one rating the other (peers: revealed at once by default). */
export async function ratedPair(lrs: ReputationTestLrs, options: { score?: number; raterRole?: 'tutor' | 'student' | 'peer'; rateeRole?: 'tutor' | 'student' | 'peer' } = {}) {
  const rater = person('Ana');
  const ratee = person('Tomás');
  const session = newSession();
  await lrs.store(attended(session, rater, ratee));
  const [ratingId] = await lrs.store([rated(rater, ratee, session, { score: options.score ?? 1, raterRole: options.raterRole, rateeRole: options.rateeRole, comment: 'Never showed up' })]);
  return { rater, ratee, session, ratingId: ratingId! };
}

/** The ratee, signed in, appeals the rating through the JSON API (expecting 201). */
export async function fileAppeal(lrs: ReputationTestLrs, ratingId: string, ratee: TestAgent): Promise<{ id: string; state: string }> {
  const { browser } = await lrs.signedIn(ratee);
  const response = await browser.post(appealPath(ratingId)).set('Accept', 'application/json').send(APPEAL);
  expect(response.status).toBe(201);
  return response.body;
}

export async function grantModerator(lrs: ReputationTestLrs, personId: string): Promise<void> {
  await request(lrs.lrs.app).put(`/people/${personId}/roles/moderator`).set('Authorization', lrs.admin).expect(204);
}

/** Two peers who rate each other 5 after each of four sessions, and nobody else: a reciprocal pair, which a scan flags. */
export async function flaggedPair(lrs: ReputationTestLrs): Promise<{ a: TestAgent; b: TestAgent; flag: Record<string, any> }> {
  const [a, b] = [person('Pat'), person('Sam')];
  for (let round = 0; round < 4; round++) {
    const session = newSession();
    await lrs.store(attended(session, a, b));
    await lrs.store([rated(a, b, session, { score: 5 }), rated(b, a, session, { score: 5 })]);
  }
  const scan = lrs.lrs.services.plugins.find((plugin) => plugin.name === 'reputation')!.jobs.find((entry) => entry.name === FRAUD_SCAN_JOB)!.job;
  await scan.run();
  await lrs.delivered();
  const { flags } = (await request(lrs.lrs.app).get('/plugins/reputation/api/flags').set('Authorization', lrs.admin).expect(200)).body;
  const flag = flags.find((each: any) => each.kind === 'reciprocal-pair' && each.subjects.includes(keyOf(a)));
  expect(flag).toMatchObject({ subjects: [keyOf(a), keyOf(b)].sort(), evidence: expect.any(Array), explanation: expect.any(String) });
  return { a, b, flag };
}
