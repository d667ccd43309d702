/**
 * How long the close takes for a proposal with many ballots, on SQLite (docs/governance.md,
 * "Figures"): 500 members, each casting a sealed ballot over HTTP, then one run of the close job —
 * reveals recorded, ballot log read, tally, ballot set published and kept, decision recorded. The
 * figures are logged, with a baseline of as many plain statement POSTs in the same run; the bound
 * only catches a close that stopped scaling.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { XAPI_VERSION_HEADER } from '../../../../test-support/app';
import { ifiKey } from '../../../plugin-api';
import { COMMUNITY, startVotingLrs, type VotingHarness, type VotingParty } from '../../../../test-support/governance-voting';
import { SCHOOL } from '../../../../test-support/institutions-lrs';

const VOTERS = 500;
const CONCURRENCY = 16;

describe('closing a proposal of 500 sealed ballots on sqlite', () => {
  let harness: VotingHarness;

  beforeAll(async () => {
    harness = await startVotingLrs('sqlite');
  }, 60_000);
  afterAll(() => harness.close());

  it('reveals, tallies, publishes and decides in one run', async () => {
    const auth = await harness.lrs.lrs.credential(['plugins/governance/participate'], 'voters');
    const voters: VotingParty[] = Array.from({ length: VOTERS }, (_, index) => {
      const agent = { objectType: 'Agent' as const, name: `Voter ${index}`, account: { homePage: SCHOOL, name: `voter-${index}-${randomUUID()}` } };
      return { agent, key: ifiKey(agent)!, auth };
    });
    const joinedAt = new Date(Date.now() - 1000).toISOString();
    for (const voter of voters) harness.directory.join(COMMUNITY, voter.key, joinedAt);
    // Baseline in the same run: as many plain statements, one per POST /xapi/statements, as concurrent.
    const baselineStart = Date.now();
    for (let next = 0; next < VOTERS; next += CONCURRENCY) {
      await Promise.all(
        voters.slice(next, next + CONCURRENCY).map((voter) =>
          request(harness.lrs.lrs.app).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', harness.lrs.college).send({ actor: voter.agent, verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' }, object: { id: 'http://example.com/timetable' } }).expect(200),
        ),
      );
    }
    const baselineMs = Date.now() - baselineStart;
    const proposal = await harness.submit(voters[0]!, { ballotPrivacy: 'commitment', quorum: 0.5 }, {}, 45_000);
    const castStart = Date.now();
    for (let next = 0; next < VOTERS; next += CONCURRENCY) {
      await Promise.all(voters.slice(next, next + CONCURRENCY).map((voter, index) => harness.vote(voter, proposal.id, { choice: (next + index) % 3 === 0 ? 'no' : 'yes' }).expect(201)));
    }
    const castMs = Date.now() - castStart;
    await new Promise((resolve) => setTimeout(resolve, Date.parse(proposal.rules.closesAt) - Date.now() + 5));
    const closeStart = Date.now();
    expect(await harness.proposals.closeDue()).toBe(1);
    const closeMs = Date.now() - closeStart;
    const decision = (await harness.call(voters[0]!, 'get', `/proposals/${proposal.id}/decision`)).body;
    expect(decision).toMatchObject({ outcome: 'adopted', tally: { counts: { yes: 333, no: 167 } }, turnout: { eligible: VOTERS, counted: VOTERS } });
    const proofStart = Date.now();
    const proof = await harness.call(voters[VOTERS / 2]!, 'get', `/proposals/${proposal.id}/proof?agent=${encodeURIComponent(JSON.stringify(voters[VOTERS / 2]!.agent))}`);
    const proofMs = Date.now() - proofStart;
    expect(proof.status).toBe(200);
    console.log(`close of ${VOTERS} sealed ballots: ${JSON.stringify({ castMs, perBallotMs: castMs / VOTERS, baselinePerStatementMs: baselineMs / VOTERS, closeMs, firstProofMs: proofMs })}`);
    expect(closeMs).toBeLessThan(60_000);
  }, 300_000);
});
