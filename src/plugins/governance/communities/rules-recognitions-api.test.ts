/**
 * Rules and recognitions over HTTP on both engines (issue 14): "community rules change only through
 * adopted proposals"; "recognition A → B is explicit, directional and scoped, signed by A's admin,
 * and it is what the federation issue uses". Decisions come from a small in-memory AdoptedProposals
 * (proposals/'s port) and a proposal-adopted statement recorded as the plugin would, so that every
 * statement carried out is checked against the profile (reject mode) with its context statement.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { TEST_ENGINES } from '../../../../test-support/backends';
import type { GovernanceParty } from '../../../../test-support/governance';
import type { DecisionView, ProposalEffect, ProposalKind, ProposalView } from '../model';
import { ACTIVITY_TYPE, CATEGORY, communityIri, EXTENSION, governanceAgent, governanceUuid, proposalIri, ruleIri, VERB, verb } from '../vocabulary';
import { startCommunitiesLrs, type CommunitiesHarness } from './harness.contract';
import { ids } from './statements';

const PUBLIC_URL = 'http://lrs.test';
const COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';
const COURSE = 'http://adlnet.gov/expapi/activities/course';
const CREDENTIAL = 'https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementCredential';

describe.each(TEST_ENGINES)('rules and recognitions on %s', (engine) => {
  let harness: CommunitiesHarness;

  beforeAll(async () => {
    harness = await startCommunitiesLrs(engine);
  });
  afterAll(() => harness.close());

  const lrs = () => harness.lrs;
  const statement = (id: string) => lrs().statement(id);
  const newestStatement = () => lrs().newestStatement();

  /**
   * A proposal of `slug` with `effect`, known to the in-memory proposals: decided `outcome`
   * (its proposal-adopted statement recorded as the plugin would), or still open.
   */
  async function proposal(slug: string, kind: ProposalKind, effect: ProposalEffect | undefined, outcome: 'adopted' | 'rejected' | 'open' = 'adopted'): Promise<ProposalView & { decision?: DecisionView }> {
    const id = randomUUID();
    const registration = randomUUID();
    const view: ProposalView = {
      id,
      community: slug,
      kind,
      title: { en: 'A proposal', es: 'Una propuesta' },
      description: { en: 'Why', es: 'Por qué' },
      rules: { mechanism: 'simple-majority', quorum: 0.5, threshold: 0.5, opensAt: new Date(Date.now() - 7200_000).toISOString(), closesAt: new Date(Date.now() - 3600_000).toISOString(), ballotPrivacy: 'public', choices: ['yes', 'no', 'abstain'] },
      ...(effect !== undefined && { effect }),
      submitter: 'account:https://school.example|someone',
      registration,
      submittedAt: new Date(Date.now() - 7200_000).toISOString(),
      statementId: randomUUID(),
      state: outcome === 'open' ? 'open' : 'closed',
    };
    if (outcome !== 'open') {
      const statementId = governanceUuid(`decision/${id}`);
      const decision: DecisionView = { statementId, outcome, reason: outcome === 'adopted' ? 'adopted' : 'threshold-not-met', tally: { counts: { yes: 3, no: 1 } }, turnout: { eligible: 5, counted: 4, abstained: 0, quorumMet: true }, root: 'a'.repeat(64), closedAt: new Date().toISOString() };
      await harness.statements.record([decisionStatement(slug, view, decision)], { applied: true });
      view.decision = decision;
    }
    harness.proposals.proposals.set(id, view);
    return view;
  }

  describe('rules (rule-adopted, rule-retired)', () => {
    it('an adopted adopt-rule records rule-adopted by the governance Agent with the decision as context statement; the rule is in force', async () => {
      const { slug } = await lrs().foundCommunity();
      const criteria = { verbs: [COMPLETED], activityTypes: [COURSE], authorities: ['https://school.example'], minScaledScore: 0.7 };
      const adopted = await proposal(slug, 'rule-change', { type: 'adopt-rule', rule: 'data-science-badge', name: { en: 'Data science badge', es: 'Insignia de ciencia de datos' }, criteria });
      await harness.communities.carryOut(adopted.effect!, adopted, adopted.decision!.statementId);
      const recorded = await statement(ids.effect(adopted.id));
      expect(recorded).toMatchObject({
        actor: governanceAgent(PUBLIC_URL),
        verb: { id: VERB.ruleAdopted },
        object: { id: ruleIri(PUBLIC_URL, slug, 'data-science-badge'), definition: { type: ACTIVITY_TYPE.rule, extensions: { [EXTENSION.ruleCriteria]: criteria } } },
        context: { registration: adopted.registration, statement: { objectType: 'StatementRef', id: adopted.decision!.statementId }, contextActivities: { parent: [{ id: communityIri(PUBLIC_URL, slug) }] } },
      });
      const member = await lrs().member();
      const rules = await lrs().call(member, 'get', `/communities/${slug}/rules`);
      expect(rules.body).toEqual({
        rules: [{ community: slug, slug: 'data-science-badge', iri: ruleIri(PUBLIC_URL, slug, 'data-science-badge'), name: { en: 'Data science badge', es: 'Insignia de ciencia de datos' }, criteria, proposalId: adopted.id, adoptedAt: expect.any(String) }],
      });
      expect(await harness.service()!.rulesOf(slug)).toEqual(rules.body.rules);
    });

    it('carrying out again records nothing more (idempotent); a later adoption of the same rule replaces it; retiring takes it out of force', async () => {
      const { slug } = await lrs().foundCommunity();
      const first = await proposal(slug, 'rule-change', { type: 'adopt-rule', rule: 'badge', name: { en: 'Badge' }, criteria: { verbs: [COMPLETED] } } as ProposalEffect);
      await harness.communities.carryOut(first.effect!, first, first.decision!.statementId);
      const after = await newestStatement();
      await harness.communities.carryOut(first.effect!, first, first.decision!.statementId);
      expect(await newestStatement()).toBe(after);
      const second = await proposal(slug, 'rule-change', { type: 'adopt-rule', rule: 'badge', name: { en: 'Badge' }, criteria: { activityTypes: [COURSE] } } as ProposalEffect);
      await harness.communities.carryOut(second.effect!, second, second.decision!.statementId);
      expect((await harness.communities.rulesOf(slug)).map(({ criteria, proposalId }) => [criteria, proposalId])).toEqual([[{ activityTypes: [COURSE] }, second.id]]);
      const retire = await proposal(slug, 'rule-change', { type: 'retire-rule', rule: 'badge' });
      await harness.communities.carryOut(retire.effect!, retire, retire.decision!.statementId);
      expect(await statement(ids.effect(retire.id))).toMatchObject({ verb: { id: VERB.ruleRetired }, object: { id: ruleIri(PUBLIC_URL, slug, 'badge') }, context: { statement: { id: retire.decision!.statementId } } });
      expect(await harness.communities.rulesOf(slug)).toEqual([]);
      const nothingToRetire = await proposal(slug, 'rule-change', { type: 'retire-rule', rule: 'never-adopted' });
      const before = await newestStatement();
      await harness.communities.carryOut(nothingToRetire.effect!, nothingToRetire, nothingToRetire.decision!.statementId);
      expect(await newestStatement()).toBe(before);
    });

    it('a rule-adopted statement sent by a client to /xapi changes nothing: rules change only through the plugin', async () => {
      const { slug } = await lrs().foundCommunity();
      const adopted = await proposal(slug, 'rule-change', undefined);
      const forged = { ...ruleStatement(slug, 'forged-rule', adopted), id: randomUUID(), actor: { objectType: 'Agent', account: { homePage: 'https://school.example', name: 'forger' } } };
      await lrs().store([forged]);
      expect(await harness.communities.rulesOf(slug)).toEqual([]);
    });
  });

  describe('recognitions (recognition-granted, recognition-withdrawn)', () => {
    let a: string;
    let b: string;
    let adminOfA: GovernanceParty;
    const scope = { verbs: [COMPLETED], credentialTypes: [CREDENTIAL] };

    beforeAll(async () => {
      a = (await lrs().foundCommunity()).slug;
      b = (await lrs().foundCommunity()).slug;
      adminOfA = lrs().founderOf(a);
    });
    const sign = (party: GovernanceParty, community: string, proposalId: string) => lrs().call(party, 'post', `/communities/${community}/recognitions/${proposalId}/signature`);

    it('an adopted recognition waits for the admin of A; only they sign it (403 NOT_COMMUNITY_ADMIN), once (409 ALREADY_SIGNED); directional and scoped', async () => {
      const adopted = await proposal(a, 'recognition', { type: 'recognize', community: b, scope });
      await harness.communities.carryOut(adopted.effect!, adopted, adopted.decision!.statementId);
      const pending = (await lrs().call(adminOfA, 'get', `/communities/${a}/recognitions`)).body;
      expect(pending).toEqual({ given: [], received: [], pending: [{ proposalId: adopted.id, community: a, type: 'recognize', to: b, scope, decisionStatementId: adopted.decision!.statementId, adoptedAt: expect.any(String) }] });
      const member = await lrs().founder('Member of A');
      await lrs().join(a, member);
      const before = await newestStatement();
      for (const stranger of [member, lrs().founderOf(b)]) {
        const refused = await sign(stranger, a, adopted.id);
        expect([refused.status, refused.body.code]).toEqual([403, 'NOT_COMMUNITY_ADMIN']);
      }
      expect(await newestStatement()).toBe(before);
      const signed = await sign(adminOfA, a, adopted.id);
      const expected = { from: a, to: b, fromIri: communityIri(PUBLIC_URL, a), toIri: communityIri(PUBLIC_URL, b), scope, proposalId: adopted.id, statementId: ids.effect(adopted.id), grantedAt: expect.any(String) };
      expect([signed.status, signed.body]).toEqual([201, { ...expected, inForce: true }]);
      expect(await statement(ids.effect(adopted.id))).toMatchObject({
        actor: { account: adminOfA.agent.account },
        verb: { id: VERB.recognized },
        object: { id: communityIri(PUBLIC_URL, b) },
        context: { registration: adopted.registration, statement: { id: adopted.decision!.statementId }, contextActivities: { parent: [{ id: communityIri(PUBLIC_URL, a) }], category: [CATEGORY] }, extensions: { [EXTENSION.recognitionScope]: scope } },
      });
      expect((await lrs().call(adminOfA, 'get', `/communities/${a}/recognitions`)).body).toEqual({ given: [expected], received: [], pending: [] });
      expect((await lrs().call(adminOfA, 'get', `/communities/${b}/recognitions`)).body).toEqual({ given: [], received: [expected], pending: [] });
      const twice = await sign(adminOfA, a, adopted.id);
      expect([twice.status, twice.body.code]).toEqual([409, 'ALREADY_SIGNED']);

      const service = harness.service()!;
      expect(await service.recognizes(a, b, { verb: COMPLETED })).toBe(true);
      expect(await service.recognizes(a, b, { credentialType: CREDENTIAL, verb: COMPLETED })).toBe(true);
      expect(await service.recognizes(a, b, { verb: 'http://adlnet.gov/expapi/verbs/attempted' })).toBe(false);
      expect(await service.recognizes(a, b, { activityType: COURSE })).toBe(false); // the scope leaves activity types out
      expect(await service.recognizes(a, b, { verb: COMPLETED, activityType: COURSE })).toBe(false);
      expect(await service.recognizes(b, a, { verb: COMPLETED })).toBe(false); // directional
      expect(await service.recognitionsBy(a)).toEqual([expected]);
      expect(await service.recognitionsBy(b)).toEqual([]);
    });

    it('GET /recognitions answers a credential that may read statements, and refuses one that may not (403)', async () => {
      const reader = { auth: await lrs().lrs.credential(['statements/read']) };
      const found = await request(lrs().lrs.app).get(`/plugins/governance/recognitions?from=${a}&to=${b}`).set('Authorization', reader.auth);
      expect([found.status, found.body.recognitions.map((r: { from: string; to: string }) => [r.from, r.to])]).toEqual([200, [[a, b]]]);
      const none = await request(lrs().lrs.app).get(`/plugins/governance/recognitions?from=${b}`).set('Authorization', reader.auth);
      expect(none.body).toEqual({ recognitions: [] });
      const participant = await lrs().member();
      const refused = await request(lrs().lrs.app).get('/plugins/governance/recognitions').set('Authorization', participant.auth!);
      expect(refused.status).toBe(403);
      const malformed = await request(lrs().lrs.app).get('/plugins/governance/recognitions?from=NOT%20A%20SLUG').set('Authorization', reader.auth);
      expect([malformed.status, malformed.body.code]).toEqual([400, 'INVALID_PARAMETER']);
    });

    it('only adopted recognition proposals of A are signed: 409 NOT_ADOPTED (open, rejected), 404 PROPOSAL_NOT_FOUND (unknown, another community), 409 NOT_A_RECOGNITION, 400 for a malformed id', async () => {
      const open = await proposal(a, 'recognition', { type: 'recognize', community: b, scope }, 'open');
      const rejected = await proposal(a, 'recognition', { type: 'recognize', community: b, scope }, 'rejected');
      const ofB = await proposal(b, 'recognition', { type: 'recognize', community: a, scope });
      const rule = await proposal(a, 'rule-change', { type: 'retire-rule', rule: 'any' });
      const before = await newestStatement();
      const cases: Array<[string, number, string]> = [
        [open.id, 409, 'NOT_ADOPTED'],
        [rejected.id, 409, 'NOT_ADOPTED'],
        [randomUUID(), 404, 'PROPOSAL_NOT_FOUND'],
        [ofB.id, 404, 'PROPOSAL_NOT_FOUND'],
        [rule.id, 409, 'NOT_A_RECOGNITION'],
        ['not-a-uuid', 400, 'INVALID_PARAMETER'],
      ];
      for (const [id, status, code] of cases) {
        const refused = await sign(adminOfA, a, id);
        expect([id, refused.status, refused.body.code]).toEqual([id, status, code]);
      }
      expect(await newestStatement()).toBe(before);
    });

    it('an adopted withdrawal, signed, records recognition-withdrawn pointing at the recognition: no longer in force; another withdrawal is 409 NOT_RECOGNIZED', async () => {
      const c = (await lrs().foundCommunity()).slug;
      const recognize = await proposal(a, 'recognition', { type: 'recognize', community: c, scope: { activityTypes: [COURSE] } });
      expect((await sign(adminOfA, a, recognize.id)).status).toBe(201);
      expect(await harness.service()!.recognizes(a, c, { activityType: COURSE })).toBe(true);
      const withdraw = await proposal(a, 'recognition', { type: 'withdraw-recognition', community: c });
      await harness.communities.carryOut(withdraw.effect!, withdraw, withdraw.decision!.statementId);
      expect((await harness.communities.pendingRecognitions(a)).map(({ proposalId, type }) => [proposalId, type])).toEqual([[withdraw.id, 'withdraw-recognition']]);
      const signed = await sign(adminOfA, a, withdraw.id);
      expect([signed.status, signed.body.inForce, signed.body.statementId]).toEqual([201, false, ids.effect(withdraw.id)]);
      expect(await statement(ids.effect(withdraw.id))).toMatchObject({ verb: { id: VERB.withdrewRecognition }, object: { objectType: 'StatementRef', id: ids.effect(recognize.id) }, context: { statement: { id: withdraw.decision!.statementId } } });
      expect(await harness.service()!.recognizes(a, c, { activityType: COURSE })).toBe(false);
      expect(await harness.communities.pendingRecognitions(a)).toEqual([]);
      expect((await harness.communities.recognitionsBetween({ from: a })).map(({ to }) => to)).toEqual([b]);
      const again = await proposal(a, 'recognition', { type: 'withdraw-recognition', community: c });
      const refused = await sign(adminOfA, a, again.id);
      expect([refused.status, refused.body.code]).toEqual([409, 'NOT_RECOGNIZED']);
    });
  });
});

function communityActivity(slug: string) {
  return { objectType: 'Activity', id: communityIri(PUBLIC_URL, slug), definition: { type: ACTIVITY_TYPE.community, name: { en: 'A community' } } };
}

/** The proposal-adopted (or rejected) statement proposals/ records at close. */
function decisionStatement(slug: string, proposal: ProposalView, decision: DecisionView): object {
  return {
    id: decision.statementId,
    actor: governanceAgent(PUBLIC_URL),
    verb: verb(decision.outcome === 'adopted' ? VERB.adopted : VERB.rejected),
    object: { objectType: 'Activity', id: proposalIri(PUBLIC_URL, proposal.id), definition: { type: ACTIVITY_TYPE.proposal, name: proposal.title } },
    result: { success: decision.outcome === 'adopted', extensions: { [EXTENSION.tally]: decision.tally, [EXTENSION.turnout]: decision.turnout, [EXTENSION.ballotSetRoot]: decision.root } },
    context: { registration: proposal.registration, contextActivities: { parent: [communityActivity(slug)], category: [CATEGORY] } },
  };
}

function ruleStatement(slug: string, rule: string, proposal: ProposalView): object {
  return {
    actor: governanceAgent(PUBLIC_URL),
    verb: verb(VERB.ruleAdopted),
    object: { objectType: 'Activity', id: ruleIri(PUBLIC_URL, slug, rule), definition: { type: ACTIVITY_TYPE.rule, name: { en: rule }, extensions: { [EXTENSION.ruleCriteria]: { verbs: [COMPLETED] } } } },
    context: {
      registration: proposal.registration,
      contextActivities: { parent: [communityActivity(slug)], grouping: [{ objectType: 'Activity', id: proposalIri(PUBLIC_URL, proposal.id) }], category: [CATEGORY] },
      statement: { objectType: 'StatementRef', id: proposal.decision!.statementId },
    },
  };
}
