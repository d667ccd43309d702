/**
 * A decision on the governance plugin as PLUGINS=all wires it, with the anchoring plugin on an
 * in-memory chain, on both engines (issue 14, "Goals: decision anchored within one anchoring
 * period"): members join and delegate through the communities' routes, vote on a rule change, the
 * wired close job decides, the community's rule is in force, and the anchoring job, run at each
 * firing of its cron expression, anchors the decision statement (whose ballot-set-root commits to
 * the ballot set). Measured: from the decision's storing to the anchor transaction holding it (the
 * first anchoring run after it, within one period, also when a batch sent at the run before is
 * still in flight: that run confirms it and sends the next) and to its receipt (one run later).
 */
import request from 'supertest';
import { loadAnchoringPlugin, TEST_STARKNET_ENV } from '../../../../test-support/anchoring';
import { TEST_ENGINES } from '../../../../test-support/backends';
import { GovernanceTestLrs, type GovernanceParty } from '../../../../test-support/governance';
import { GOVERNANCE_PROFILE } from '../../../../test-support/governance-voting';
import { InMemoryChain } from '../../../../test-support/in-memory-chain';
import { cronPeriodMs } from '../../../plugin-api';
import { loadPlugins } from '../../../platform/plugins/load';
import { verifyInclusion } from '../ballot-set';
import { EXTENSION } from '../vocabulary';
import { CLOSE_JOB } from './index';

const ANCHOR_CRON = '*/2 * * * * *';
const PERIOD_MS = cronPeriodMs(ANCHOR_CRON);

describe.each(TEST_ENGINES)('a decision of the wired governance plugin, anchored, on %s', (engine) => {
  let lrs: GovernanceTestLrs;
  let chain: InMemoryChain;

  beforeAll(async () => {
    const env = { ...TEST_STARKNET_ENV, ANCHOR_CRON, GOVERNANCE_CLOSE_GRACE_SECONDS: '0' };
    chain = new InMemoryChain();
    const engineBefore = process.env.KEIKO_TEST_ENGINE;
    process.env.KEIKO_TEST_ENGINE = engine;
    const others = loadPlugins('all', env).filter(({ plugin }) => plugin.manifest.name !== 'anchoring');
    lrs = await GovernanceTestLrs.start(env, [...others, loadAnchoringPlugin(env, { chain })]).finally(() => {
      process.env.KEIKO_TEST_ENGINE = engineBefore;
    });
    await request(lrs.lrs.app).put('/admin/profiles/mode').set('Authorization', lrs.admin).send({ profile: GOVERNANCE_PROFILE, mode: 'reject' }).expect(200);
  }, 60_000);
  afterAll(() => lrs.close());

  const job = (plugin: string, name: string) => lrs.lrs.services.plugins.find((entry) => entry.name === plugin)!.jobs.find((entry) => entry.name === name)!.job;
  /** Waits for the next firing of the anchoring cron expression, then runs the job as the scheduler would. */
  async function anchoringTick(): Promise<number> {
    const firing = Math.ceil((Date.now() + 1) / PERIOD_MS) * PERIOD_MS;
    await new Promise((resolve) => setTimeout(resolve, firing - Date.now()));
    await job('anchoring', 'anchor').run();
    return firing;
  }

  it('members decide a rule change through the wired routes and job; the decision goes in the next anchor batch (the first anchoring run after it, within one period), its receipt one run later', async () => {
    const community = await lrs.foundCommunity();
    const founder = lrs.founderOf(community.slug);
    const [ana, bruno, carmen] = await lrs.members(community.slug, 3);
    await lrs.delegate(community.slug, carmen!, ana!);
    const criteria = { verbs: ['http://adlnet.gov/expapi/verbs/completed'], minScaledScore: 0.8 };
    const submitted = await lrs.call(ana!, 'post', `/communities/${community.slug}/proposals`, {
      title: { en: 'Count completed courses toward the badge', es: 'Contar los cursos completados para la insignia' },
      description: { en: 'A completed course with a scaled score of 0.8 or more counts.' },
      kind: 'rule-change',
      rules: { mechanism: 'supermajority', quorum: 0.5, threshold: 0.6, closesAt: new Date(Date.now() + 8_000).toISOString() },
      effect: { type: 'adopt-rule', rule: 'badge-courses', name: { en: 'Badge courses', es: 'Cursos de la insignia' }, criteria },
    });
    expect([submitted.status, submitted.body.code]).toEqual([201, undefined]);
    const proposal = submitted.body;
    const vote = (party: GovernanceParty, choice: string) => lrs.call(party, 'post', `/proposals/${proposal.id}/ballots`, { choice }).expect(201);
    await vote(ana!, 'yes');
    await vote(bruno!, 'no');
    await vote(founder, 'yes');
    // The anchoring job at each firing of its cron expression, as the scheduler runs it, beside everything else.
    const runs: Array<{ firing: number; anchors: number; decisionAnchored: boolean }> = [];
    let decisionId: string | undefined;
    const anchorsAtStart = chain.anchored.length;
    let ticking = true;
    const ticker = (async () => {
      while (ticking) {
        const firing = await anchoringTick();
        const state = decisionId === undefined ? undefined : (await lrs.call(ana!, 'get', `/proposals/${proposal.id}/decision`)).body.anchoring?.state;
        runs.push({ firing, anchors: chain.anchored.length, decisionAnchored: state === 'anchored' });
      }
    })();
    try {
      await new Promise((resolve) => setTimeout(resolve, Date.parse(proposal.rules.closesAt) - Date.now() + 5));
      await job('governance', CLOSE_JOB).run();

      const decision = (await lrs.call(ana!, 'get', `/proposals/${proposal.id}/decision`)).body;
      decisionId = decision.statementId;
      // Founder, Ana and Carmen (through Ana) yes, Bruno no: 3/4 > 0.6.
      expect(decision).toMatchObject({ outcome: 'adopted', tally: { counts: { yes: 3, no: 1 } }, turnout: { eligible: 4, counted: 4, quorumMet: true } });
      const rules = (await request(lrs.lrs.app).get(`/plugins/governance/communities/${community.slug}/rules`).set('Authorization', ana!.auth!)).body.rules;
      expect(rules).toEqual([expect.objectContaining({ slug: 'badge-courses', criteria, proposalId: proposal.id })]);
      const carmens = (await lrs.call(carmen!, 'get', `/proposals/${proposal.id}/proof`)).body;
      expect([verifyInclusion(carmens), carmens.leaf.response, carmens.leaf.via.length]).toEqual([true, 'yes', 1]);
      const statement = (await request(lrs.lrs.app).get('/xapi/statements').query({ statementId: decision.statementId }).set('X-Experience-API-Version', '1.0.3').set('Authorization', lrs.lrs.auth)).body;
      expect(statement.result.extensions[EXTENSION.ballotSetRoot]).toBe(decision.root);

      for (const deadline = Date.now() + 20 * PERIOD_MS; !runs.some(({ decisionAnchored }) => decisionAnchored) && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const anchoring = (await lrs.call(ana!, 'get', `/proposals/${proposal.id}/decision`)).body.anchoring;
      expect(anchoring.state).toBe('anchored');
      const anchorIndex = chain.anchored.findIndex(({ transactionHash }) => transactionHash === anchoring.transactionHash);
      const stored = Date.parse(decision.closedAt);
      // Anchoring keeps one batch in flight: a run confirms the batch it sent before, then records and
      // sends the next. The decision goes in the next batch recorded after it, at the first run after it
      // (within one period) whether a batch was in flight or not; its receipt at the next run.
      // Checked by runs (a loaded machine may skip firings while a run lasts); the times are the figures.
      // A run that fired just before the decision but read the feed after it was stored sends it a run earlier.
      const before = runs.filter(({ firing }) => firing < stored);
      const inFlight = before.length > 0 && before[before.length - 1]!.anchors > (before[before.length - 2]?.anchors ?? anchorsAtStart);
      const firstAfter = runs.findIndex(({ firing }) => firing > stored);
      const sent = runs.findIndex(({ anchors }) => anchors > anchorIndex);
      const confirmed = runs.findIndex(({ decisionAnchored }) => decisionAnchored);
      const figures = { periodMs: PERIOD_MS, sentAfterMs: runs[sent]!.firing - stored, receiptAfterMs: runs[confirmed]!.firing - stored, batchInFlightWhenDecided: inFlight };
      console.log(`decision anchoring on ${engine}: ${JSON.stringify(figures)}`);
      expect([firstAfter - 1, firstAfter]).toContain(sent);
      expect(confirmed).toBe(sent + 1);
    } finally {
      ticking = false;
      await ticker;
    }
  }, 60_000);
});
