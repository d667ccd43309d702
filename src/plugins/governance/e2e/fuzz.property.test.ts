/**
 * Issue 14's goals under property-based fuzzing over HTTP on the whole LRS, both engines: "0
 * ineligible or duplicate ballots counted under property-based fuzzing; 100% recount
 * reproducibility from the ballot log", and "hostile input: a vote from a non-member, after close,
 * for a choice that does not exist, a delegation cycle → refused or ignored as the rules say,
 * never a 5xx". Each run founds a community whose parties join and leave (before the proposal
 * opens and while it is open), delegate and revoke at random (to themselves, to non-members, into
 * cycles), and vote at random (eligible or not, several times, unknown choices, malformed
 * ballots) under a random mechanism and ballot privacy; every answer is checked against a model of
 * the rules (scenario.contract.ts). The proposal closes after a short window and the close job
 * runs; then what the decision, the recount, the published set and the inclusion proofs say is
 * checked against what the client itself was told (verdict.contract.ts).
 */
import fc from 'fast-check';
import { TEST_ENGINES } from '../../../../test-support/backends';
import { GovernanceTestLrs, newSlug, FOUNDING } from '../../../../test-support/governance';
import { ADMINISTER, GovernanceClient, PARTICIPATE, supertestTransport, type Party } from './client.contract';
import { MAX_OTHERS, rulesOf, scenarioArbitrary, ScenarioPlayer, type Scenario } from './scenario.contract';
import { checkClosedProposal } from './verdict.contract';

/**
 * Runs per engine, within a time budget (a run takes 2 to 7 s on SQLite, 5 to 40 s on FerretDB v1,
 * which scans a collection for every read, more as the machine is busier): at least MIN_RUNS.
 * GOVERNANCE_FUZZ_RUNS and GOVERNANCE_FUZZ_SECONDS replace them for a longer run.
 */
const RUNS = Number(process.env.GOVERNANCE_FUZZ_RUNS ?? 40);
const BUDGET_MS = Number(process.env.GOVERNANCE_FUZZ_SECONDS ?? 100) * 1000;
const MIN_RUNS = 3;
/** Left between the voting's last action and closesAt: an acknowledged ballot is stored well inside the window. */
const MARGIN_MS = 150;

jest.setTimeout(BUDGET_MS + 150_000);

describe.each(TEST_ENGINES)('governance under property-based fuzzing over HTTP on %s', (engine) => {
  let lrs: GovernanceTestLrs;
  let client: GovernanceClient;
  let pool: Party[];
  const figures = { runs: 0, accepted: 0, counted: 0, skipped: 0, byMechanism: {} as Record<string, number> };

  beforeAll(async () => {
    const engineBefore = process.env.KEIKO_TEST_ENGINE;
    process.env.KEIKO_TEST_ENGINE = engine;
    lrs = await GovernanceTestLrs.start({ GOVERNANCE_CLOSE_GRACE_SECONDS: '0' }).finally(() => {
      process.env.KEIKO_TEST_ENGINE = engineBefore;
    });
    client = new GovernanceClient(supertestTransport(lrs.lrs.app), lrs.lrs.auth, (scopes, name) => lrs.lrs.credential(scopes as never, name));
    // The same parties act in every run's new community: the founder first.
    pool = [await client.party('Founder', [ADMINISTER, PARTICIPATE])];
    for (let index = 1; index <= MAX_OTHERS; index++) pool.push(await client.party(`Party ${index}`));
    // A credential's first use checks its secret (slow on purpose): done here, so a window's length fits its actions.
    await Promise.all(pool.map((party) => client.call(party, 'get', '/communities')));
  });
  afterAll(async () => {
    const answers: Record<string, number> = {};
    for (const { status, code } of client?.answers ?? []) {
      const answer = code === undefined ? String(status) : `${status} ${code}`;
      answers[answer] = (answers[answer] ?? 0) + 1;
    }
    console.log(`governance fuzz on ${engine}: ${JSON.stringify({ ...figures, answers })}`);
    await lrs?.close();
  });

  async function closeJob(): Promise<void> {
    const job = lrs.lrs.services.plugins.find((plugin) => plugin.name === 'governance')?.jobs.find((entry) => entry.name === 'close-proposals')?.job;
    if (job === undefined) throw new Error('the governance plugin has no close-proposals job');
    await job.run();
  }

  async function play(scenario: Scenario): Promise<void> {
    const slug = newSlug('fuzz');
    const parties = pool.slice(0, scenario.others + 1);
    const founder = parties[0]!;
    expect((await client.call(founder, 'post', '/communities', { slug, ...FOUNDING })).status).toBe(201);
    const player = new ScenarioPlayer(client, slug, parties);
    player.model.members.add(founder.key);

    // Before the proposal opens: joins, leaves, delegations.
    const started = Date.now();
    for (let index = 1; index <= Math.min(scenario.joiners, scenario.others); index++) await player.play({ type: 'join', who: index });
    for (const action of scenario.beforeOpening) await player.play(action);
    const perAction = (Date.now() - started) / (Math.min(scenario.joiners, scenario.others) + scenario.beforeOpening.length);
    await pause(3); // every join above was stored strictly before opensAt

    const windowMs = Math.max(500, Math.ceil(scenario.whileOpen.length * perAction * 2) + 2 * MARGIN_MS);
    const submitted = await client.call(founder, 'post', `/communities/${slug}/proposals`, { title: { en: 'Fuzzed proposal', es: 'Propuesta aleatoria' }, kind: scenario.kind, rules: rulesOf(scenario, new Date(Date.now() + windowMs).toISOString()) });
    expect([submitted.status, submitted.body.code, submitted.body.message]).toEqual([201, undefined, undefined]);
    const proposal = submitted.body;
    player.open = { id: proposal.id, rules: proposal.rules, eligible: new Set(player.model.members) };
    await pause(3); // every join below is stored after opensAt

    // While open: until closesAt − MARGIN_MS.
    const closesAtMs = Date.parse(proposal.rules.closesAt);
    for (const action of scenario.whileOpen) {
      if (Date.now() > closesAtMs - MARGIN_MS) {
        figures.skipped++;
        continue;
      }
      await player.play(action);
    }

    // A ballot after closesAt: 409 VOTING_CLOSED, before the close job runs and after.
    await pause(closesAtMs - Date.now() + 5);
    const late = await client.call(founder, 'post', `/proposals/${proposal.id}/ballots`, { response: proposal.rules.choices.find((choice: string) => choice !== 'abstain') });
    expect([late.status, late.body.code]).toEqual([409, 'VOTING_CLOSED']);
    await closeJob();
    const closedLate = await client.call(founder, 'post', `/proposals/${proposal.id}/ballots`, { response: proposal.rules.choices[0] });
    expect([closedLate.status, closedLate.body.code]).toEqual([409, 'VOTING_CLOSED']);

    const observed = player.observed(proposal);
    await checkClosedProposal(client, founder, observed);
    expect(client.serverErrors()).toEqual([]);
    figures.runs++;
    figures.accepted += observed.accepted.length;
    figures.counted += (await client.call(founder, 'get', `/proposals/${proposal.id}`)).body.decision.turnout.counted;
    figures.byMechanism[`${scenario.mechanism}/${scenario.privacy}`] = (figures.byMechanism[`${scenario.mechanism}/${scenario.privacy}`] ?? 0) + 1;
  }

  it('counts 0 ineligible voters and 0 duplicates, the last acknowledged ballot of each member (or of the member their delegation chain reaches), recounts to the decision statement, and proves each counted vote — never a 5xx (issue 14: rules, goals, hostile input)', async () => {
    await fc.assert(fc.asyncProperty(scenarioArbitrary, play), { numRuns: RUNS, interruptAfterTimeLimit: BUDGET_MS, endOnFailure: true });
    expect(client.serverErrors()).toEqual([]);
    expect(figures.runs).toBeGreaterThanOrEqual(MIN_RUNS);
  });
});

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
