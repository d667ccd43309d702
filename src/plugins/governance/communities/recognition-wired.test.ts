/**
 * A recognition through the governance plugin as PLUGINS=all wires it, on both engines (issue 14:
 * "recognition A → B is explicit, directional and scoped, signed by A's admin, and it is what the
 * federation issue uses"): A's members adopt a recognition proposal through the proposals' routes,
 * the wired close job decides and carries it out, it waits for A's admin, who alone signs it; the
 * `governance` service (as another plugin gets it from context.service) then answers within the
 * scope only, one way only.
 */
import request from 'supertest';
import { TEST_ENGINES } from '../../../../test-support/backends';
import { GovernanceTestLrs, type GovernanceParty } from '../../../../test-support/governance';
import { definePlugin, type CommunityGovernance } from '../../../plugin-api';
import { loadPlugins } from '../../../platform/plugins/load';
import { CLOSE_JOB } from '../proposals';
import { GOVERNANCE_PROFILE } from './harness.contract';

const COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';
const CREDENTIAL = 'https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementCredential';

describe.each(TEST_ENGINES)('a recognition through the wired governance plugin on %s', (engine) => {
  let lrs: GovernanceTestLrs;
  let governance: () => CommunityGovernance | undefined = () => undefined;

  beforeAll(async () => {
    const env = { GOVERNANCE_CLOSE_GRACE_SECONDS: '0' };
    // Another plugin, as federation will be: it reaches the governance service through its context.
    const probe = definePlugin({
      manifest: { name: 'probe', version: '0.0.1', description: 'reads the governance service', profiles: [], scopes: {}, stores: {}, jobs: [] },
      setup(context) {
        governance = () => context.service('governance');
        return {};
      },
    });
    const engineBefore = process.env.KEIKO_TEST_ENGINE;
    process.env.KEIKO_TEST_ENGINE = engine;
    lrs = await GovernanceTestLrs.start(env, [...loadPlugins('all', env), { plugin: probe, folder: __dirname, settings: undefined }]).finally(() => {
      process.env.KEIKO_TEST_ENGINE = engineBefore;
    });
    await request(lrs.lrs.app).put('/admin/profiles/mode').set('Authorization', lrs.admin).send({ profile: GOVERNANCE_PROFILE, mode: 'reject' }).expect(200);
  }, 60_000);
  afterAll(() => lrs.close());

  const closeJob = () => lrs.lrs.services.plugins.find((entry) => entry.name === 'governance')!.jobs.find((entry) => entry.name === CLOSE_JOB)!.job;

  it('A adopts "recognise B for completed and its credentials", A\'s admin alone signs, the service answers within that scope and one way', async () => {
    const a = await lrs.foundCommunity();
    const b = await lrs.foundCommunity();
    const admin = lrs.founderOf(a.slug);
    const [ana, bruno] = await lrs.members(a.slug, 2);
    const scope = { verbs: [COMPLETED], credentialTypes: [CREDENTIAL] };
    const submitted = await lrs.call(ana!, 'post', `/communities/${a.slug}/proposals`, {
      title: { en: `Recognise ${b.slug}`, es: `Reconocer ${b.slug}` },
      description: { en: 'Their completed courses and credentials count here.' },
      kind: 'recognition',
      rules: { mechanism: 'simple-majority', quorum: 0.5, threshold: 0.5, closesAt: new Date(Date.now() + 2_500).toISOString() },
      effect: { type: 'recognize', community: b.slug, scope },
    });
    expect([submitted.status, submitted.body.code]).toEqual([201, undefined]);
    const proposal = submitted.body;
    const vote = (party: GovernanceParty, choice: string) => lrs.call(party, 'post', `/proposals/${proposal.id}/ballots`, { choice }).expect(201);
    await vote(ana!, 'yes');
    await vote(bruno!, 'yes');
    await vote(admin, 'no');
    const sign = (party: GovernanceParty) => lrs.call(party, 'post', `/communities/${a.slug}/recognitions/${proposal.id}/signature`);
    const early = await sign(admin);
    expect([early.status, early.body.code]).toEqual([409, 'NOT_ADOPTED']);

    await new Promise((resolve) => setTimeout(resolve, Date.parse(proposal.rules.closesAt) - Date.now() + 5));
    await closeJob().run();
    const recognitions = (await lrs.call(ana!, 'get', `/communities/${a.slug}/recognitions`)).body;
    expect(recognitions).toEqual({ given: [], received: [], pending: [expect.objectContaining({ proposalId: proposal.id, type: 'recognize', to: b.slug, scope })] });
    const byMember = await sign(ana!); // a member (holding only participate) is no admin
    expect(byMember.status).toBe(403);
    const byOtherAdmin = await sign(lrs.founderOf(b.slug));
    expect([byOtherAdmin.status, byOtherAdmin.body.code]).toEqual([403, 'NOT_COMMUNITY_ADMIN']);
    const signed = await sign(admin);
    expect([signed.status, signed.body]).toEqual([201, expect.objectContaining({ from: a.slug, to: b.slug, scope, proposalId: proposal.id, inForce: true })]);

    const service = governance()!;
    expect(await service.recognizes(a.slug, b.slug, { verb: COMPLETED, credentialType: CREDENTIAL })).toBe(true);
    expect(await service.recognizes(a.slug, b.slug, { verb: 'http://adlnet.gov/expapi/verbs/attempted' })).toBe(false);
    expect(await service.recognizes(b.slug, a.slug, { verb: COMPLETED })).toBe(false);
    expect((await service.recognitionsBy(a.slug)).map(({ to, proposalId }) => [to, proposalId])).toEqual([[b.slug, proposal.id]]);
    expect((await lrs.call(ana!, 'get', `/communities/${b.slug}/recognitions`)).body.received).toEqual([expect.objectContaining({ from: a.slug })]);
  }, 60_000);
});
