/**
 * A property over HTTP on the whole LRS, on both engines (issue 14, "0 ineligible or duplicate
 * ballots counted; 100% recount reproducibility from the ballot log"): for random proposals (every
 * mechanism, public or sealed) and random ballot sequences of five members and one outsider, each
 * decision's tally is what the recount of the published ballot set gives with the same root; every
 * voter is counted once, with the last ballot they cast; the outsider nowhere; every proof verifies.
 */
import fc from 'fast-check';
import { TEST_ENGINES } from '../../../../test-support/backends';
import { startVotingLrs, type VotingHarness, type VotingParty } from '../../../../test-support/governance-voting';
import { verifyInclusion } from '../ballot-set';

interface Scenario {
  rules: Record<string, unknown>;
  /** Ballots in the order cast: member index (5 = the outsider) and body. */
  ballots: Array<{ voter: number; body: Record<string, unknown> }>;
}

const OPTIONS = ['alba', 'berta', 'celia'];

function scenario(): fc.Arbitrary<Scenario> {
  const privacy = fc.constantFrom('public', 'commitment');
  const fraction = fc.integer({ min: 0, max: 10 }).map((tenths) => tenths / 10);
  const ballotsOf = (body: fc.Arbitrary<Record<string, unknown>>) => fc.array(fc.record({ voter: fc.integer({ min: 0, max: 5 }), body }), { maxLength: 6 });
  const abstain = fc.constant({ choice: 'abstain' });
  return fc.oneof(
    fc.record({
      rules: fc.record({ mechanism: fc.constantFrom('simple-majority', 'consensus'), quorum: fraction, threshold: fc.constant(0.5), ballotPrivacy: privacy }),
      ballots: ballotsOf(fc.oneof(fc.constantFrom('yes', 'no', 'abstain').map((choice) => ({ choice })))),
    }),
    fc.record({
      rules: fc.record({ mechanism: fc.constant('approval'), quorum: fraction, threshold: fraction, ballotPrivacy: privacy, choices: fc.constant([...OPTIONS, 'abstain']) }),
      ballots: ballotsOf(fc.oneof(abstain, fc.subarray(OPTIONS, { minLength: 1 }).map((approve) => ({ approve })))),
    }),
    fc.record({
      rules: fc.record({ mechanism: fc.constant('instant-runoff'), quorum: fraction, threshold: fc.constant(0.5), ballotPrivacy: privacy, choices: fc.constant([...OPTIONS, 'abstain']) }),
      ballots: ballotsOf(fc.oneof(abstain, fc.shuffledSubarray(OPTIONS, { minLength: 1 }).map((ranking) => ({ ranking })))),
    }),
    fc.record({
      rules: fc.record({ mechanism: fc.constant('score'), quorum: fraction, threshold: fraction, ballotPrivacy: privacy, choices: fc.constant(OPTIONS), scoreRange: fc.constant({ min: 1, max: 5 }) }),
      ballots: ballotsOf(fc.tuple(...OPTIONS.map(() => fc.integer({ min: 1, max: 5 }))).map((scores) => ({ scores: Object.fromEntries(OPTIONS.map((option, index) => [option, scores[index]])) }))),
    }),
  );
}

describe.each(TEST_ENGINES)('decisions recount to themselves on %s (property)', (engine) => {
  let harness: VotingHarness;
  let parties: VotingParty[];

  beforeAll(async () => {
    harness = await startVotingLrs(engine);
    parties = [];
    for (const name of ['Ana', 'Bruno', 'Carmen', 'Diego', 'Elena']) parties.push(await harness.member(name));
    parties.push(await harness.outsider());
  }, 60_000);
  afterAll(() => harness.close());

  it('each decision equals the recount of its published set; every voter counted once with their last ballot; the outsider nowhere', async () => {
    const scenarios = fc.sample(scenario(), { numRuns: 8, seed: 1414 });
    const proposals = await Promise.all(scenarios.map(({ rules }) => harness.submit(parties[0]!, rules, {}, 20_000)));
    const lastResponse = scenarios.map(() => new Map<number, string>());
    await Promise.all(
      scenarios.map(async ({ ballots }, index) => {
        for (const { voter, body } of ballots) {
          const response = await harness.vote(parties[voter]!, proposals[index]!.id, body);
          expect([response.status, response.body.code]).toEqual(voter === 5 ? [403, 'NOT_ELIGIBLE'] : [201, undefined]);
          if (voter < 5) lastResponse[index]!.set(voter, response.body.response);
        }
      }),
    );
    await harness.closeWhenDue(proposals.reduce((latest, proposal) => (proposal.rules.closesAt > latest.rules.closesAt ? proposal : latest)));

    for (const [index, proposal] of proposals.entries()) {
      const decision = (await harness.call(parties[0]!, 'get', `/proposals/${proposal.id}/decision`)).body;
      const recount = (await harness.call(parties[5]!, 'get', `/proposals/${proposal.id}/recount`)).body;
      expect({ matches: recount.matches, root: recount.root, outcome: recount.outcome, reason: recount.reason, tally: recount.tally, turnout: recount.turnout }).toEqual({
        matches: true,
        root: decision.root,
        outcome: decision.outcome,
        reason: decision.reason,
        tally: decision.tally,
        turnout: decision.turnout,
      });
      const voters = lastResponse[index]!;
      expect(decision.turnout).toMatchObject({ eligible: 5, counted: voters.size });
      for (const [voter, party] of parties.entries()) {
        const proof = await harness.call(party, 'get', `/proposals/${proposal.id}/proof?agent=${encodeURIComponent(JSON.stringify(party.agent))}`);
        if (!voters.has(voter)) {
          expect([proof.status, proof.body.code]).toEqual([404, 'NOT_COUNTED']);
          continue;
        }
        expect([proof.status, proof.body.leaf.response, verifyInclusion(proof.body), proof.body.root]).toEqual([200, voters.get(voter), true, decision.root]);
      }
    }
  }, 120_000);
});
