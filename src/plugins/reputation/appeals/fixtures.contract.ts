import path from 'node:path';
import { Router } from 'express';
import request from 'supertest';
import { attended, keyOf, newSession, person, rated, ReputationTestLrs, type TestAgent } from '../../../../test-support/reputation';
import { definePlugin } from '../../../plugin-api';
import { FRAUD_SCAN_JOB, FRAUD_STORES, FraudFlags } from '../fraud';
import { LEDGER_STORES, ratingRoutes, READ_SCOPE, ReputationLedger } from '../ratings';
import { APPEAL_SCOPES, APPEAL_STORES, setUpAppeals } from './index';

/**
 * The reputation plugin as the appeals need it (the ledger and its routes, the fraud flags, the
 * appeals), assembled as index.ts wires it, alone on a whole LRS (until index.ts is committed).
 */
export function startWithAppeals(): Promise<ReputationTestLrs> {
  const curve = { windowDays: 30, sealDays: 14 };
  const plugin = definePlugin({
    manifest: {
      name: 'reputation',
      version: '0.0.1',
      description: 'appeals test',
      profiles: [],
      scopes: { [READ_SCOPE]: 'read scores', ...APPEAL_SCOPES },
      stores: { ...LEDGER_STORES, ...FRAUD_STORES, ...APPEAL_STORES },
      jobs: [FRAUD_SCAN_JOB],
    },
    setup(context) {
      const ledger = new ReputationLedger({ store: (name) => context.store(name), people: context.people, curve });
      const flags = new FraudFlags({ store: (name) => context.store(name), statements: context.statements, ledger, logger: context.logger, publicUrl: context.publicUrl });
      const { appeals, routes } = setUpAppeals(context, ledger, () => flags);
      return {
        routes: Router().use(ratingRoutes({ ledger, curve, http: context.http, people: context.people })).use(routes),
        onEvents: async (events) => {
          await ledger.apply(events);
          await flags.apply(events);
          await appeals.apply(events);
        },
        jobs: { [FRAUD_SCAN_JOB]: { schedule: '0 0 1 1 *', run: flags.scanJob() } },
      };
    },
  });
  return ReputationTestLrs.start({}, [{ plugin, folder: path.resolve(__dirname, '..'), settings: undefined }]);
}

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
  const scan = lrs.lrs.services.plugins.find((plugin) => plugin.name === 'reputation')!.jobs.find((entry) => entry.name === 'fraud-scan')!.job;
  await scan.run();
  await lrs.delivered();
  const { flags } = (await request(lrs.lrs.app).get('/plugins/reputation/api/flags').set('Authorization', lrs.admin).expect(200)).body;
  const flag = flags.find((each: any) => each.kind === 'reciprocal-pair' && each.subjects.includes(keyOf(a)));
  expect(flag).toMatchObject({ subjects: [keyOf(a), keyOf(b)].sort(), evidence: expect.any(Array), explanation: expect.any(String) });
  return { a, b, flag };
}
