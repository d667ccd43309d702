import fc from 'fast-check';
import { inputOf, largeTallyInputArbitrary, tallyInputArbitrary } from './arbitraries.contract';
import { formatResponse, isResponseError, parseResponse, tally } from './index';
import { referenceTally } from './reference.contract';
import type { TallyInput } from './types';

/**
 * Issue 14's goals under property-based fuzzing: 0 ineligible or duplicate ballots counted, one
 * counted vote per member, the same result whatever the order of the log, 100% recount
 * reproducibility, and agreement with the independent reference (reference.contract.ts).
 */

const RUNS = { numRuns: 1000 };

describe('the tally under fuzzing', () => {
  it('agrees with the independent brute-force reference', () => {
    fc.assert(
      fc.property(tallyInputArbitrary, (input) => {
        expect(tally(input)).toEqual(referenceTally(input));
      }),
      RUNS,
    );
  });

  it('agrees with the reference on larger logs too (60 members, 150 ballots, 90 delegations)', () => {
    fc.assert(
      fc.property(largeTallyInputArbitrary, (input) => {
        expect(tally(input)).toEqual(referenceTally(input));
      }),
      { numRuns: 150 },
    );
  });

  it('counts no ineligible voter, no voter twice, and each counted vote from a ballot of the voter or of the member their chain reached', () => {
    fc.assert(
      fc.property(tallyInputArbitrary, (input) => {
        const { counted, turnout } = tally(input);
        const eligible = new Set(input.eligible);
        const voters = counted.map((vote) => vote.voter);
        expect(voters.every((voter) => eligible.has(voter))).toBe(true);
        expect(new Set(voters).size).toBe(voters.length);
        expect(turnout.counted).toBe(voters.length);
        expect(turnout.counted).toBeLessThanOrEqual(turnout.eligible);
        for (const vote of counted) {
          const owner = vote.via.length === 0 ? vote.voter : vote.via[vote.via.length - 1]!;
          const ballot = input.ballots.find((entry) => entry.statementId === vote.statementId)!;
          expect(ballot.voter).toBe(owner);
          expect(eligible.has(owner)).toBe(true);
          expect(Date.parse(ballot.stored)).toBeGreaterThanOrEqual(Date.parse(input.proposal.rules.opensAt));
          expect(Date.parse(ballot.stored)).toBeLessThan(Date.parse(input.proposal.rules.closesAt));
        }
      }),
      RUNS,
    );
  });

  it('gives the same result for the log in any order', () => {
    const shuffled = tallyInputArbitrary.chain((input) =>
      fc
        .tuple(
          fc.shuffledSubarray(input.eligible, { minLength: input.eligible.length }),
          fc.shuffledSubarray(input.ballots, { minLength: input.ballots.length }),
          fc.shuffledSubarray(input.delegations, { minLength: input.delegations.length }),
        )
        .map(([eligible, ballots, delegations]): [TallyInput, TallyInput] => [input, { ...input, eligible, ballots, delegations }]),
    );
    fc.assert(
      fc.property(shuffled, ([input, reordered]) => {
        expect(tally(reordered)).toEqual(tally(input));
      }),
      RUNS,
    );
  });

  it('recounts the published log (a JSON round trip) to the same bytes', () => {
    fc.assert(
      fc.property(tallyInputArbitrary, (input) => {
        expect(JSON.stringify(tally(JSON.parse(JSON.stringify(input)) as TallyInput))).toBe(JSON.stringify(tally(input)));
      }),
      RUNS,
    );
  });

  it('ignores a flood of ballots from non-members: only the ignored list grows', () => {
    const flooded = tallyInputArbitrary.chain((input) =>
      fc.array(fc.record({ copy: fc.nat(), voter: fc.constantFrom('mallory', 'x9') }), { minLength: 1, maxLength: 10 }).map((extra): [TallyInput, TallyInput] => [
        input,
        {
          ...input,
          ballots: [
            ...input.ballots,
            ...extra
              .filter(() => input.ballots.length > 0)
              .map(({ copy, voter }, index) => ({ ...input.ballots[copy % input.ballots.length]!, voter, statementId: `flood-${index}`, position: 1000 + index })),
          ],
        },
      ]),
    );
    fc.assert(
      fc.property(flooded, ([input, withFlood]) => {
        const { ignored: _ignored, ...result } = tally(input);
        const { ignored, ...floodedResult } = tally(withFlood);
        expect(floodedResult).toEqual(result);
        expect(ignored.filter((entry) => entry.statementId.startsWith('flood-')).every((entry) => entry.reason === 'not-eligible')).toBe(true);
      }),
      RUNS,
    );
  });

  it('formats every valid response to a normal form that reads back to the same content', () => {
    fc.assert(
      fc.property(inputOf('score'), tallyInputArbitrary, (scoreInput, input) => {
        for (const { proposal, ballots } of [scoreInput, input]) {
          for (const ballot of ballots) {
            const parsed = parseResponse(proposal.rules, ballot.response ?? '');
            if (isResponseError(parsed)) continue;
            const normal = formatResponse(proposal.rules, parsed);
            expect(parseResponse(proposal.rules, normal)).toEqual(parsed);
            expect(formatResponse(proposal.rules, parseResponse(proposal.rules, normal) as typeof parsed)).toBe(normal);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
