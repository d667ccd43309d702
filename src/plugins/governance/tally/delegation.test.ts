import { tally } from './index';
import type { TallyInput } from './types';

/**
 * Liquid delegation at scale: chains are followed iteratively (no recursion, so no stack limit)
 * and each member is walked once, so a chain of 100,000 members or a cycle of 100,000 costs linear
 * time. (Issue 14: "delegation chains", "a delegation cycle → ignored as the rules say".)
 */

const MEMBERS = Array.from({ length: 100_000 }, (_, index) => `m${index}`);

function chainInput(delegations: TallyInput['delegations'], ballots: TallyInput['ballots']): TallyInput {
  return {
    proposal: {
      id: 'chain',
      kind: 'standard',
      rules: { mechanism: 'simple-majority', quorum: 0.5, threshold: 0.5, opensAt: '2026-03-01T00:00:00Z', closesAt: '2026-03-08T00:00:00Z', ballotPrivacy: 'public', choices: ['yes', 'no'] },
    },
    eligible: MEMBERS,
    ballots,
    delegations,
  };
}

const link = (from: number, to: number, position: number) => ({ delegator: MEMBERS[from]!, delegate: MEMBERS[to]!, position });
const BALLOT = { statementId: 'only', voter: 'm0', stored: '2026-03-02T00:00:00Z', position: 1, kind: 'public' as const, response: 'yes' };

describe('delegation chains of 100,000 members', () => {
  it('counts every member of a chain m99999 → … → m0 through m0’s ballot', () => {
    const started = performance.now();
    const result = tally(chainInput(MEMBERS.slice(1).map((_, index) => link(index + 1, index, index)), [BALLOT]));
    expect(performance.now() - started).toBeLessThan(10_000); // a walk per member along the chain would take minutes
    expect(result.turnout).toEqual({ eligible: 100_000, counted: 100_000, abstained: 0, quorumMet: true });
    expect(result.tally.counts).toEqual({ yes: 100_000, no: 0 });
    expect(result.counted.find((vote) => vote.voter === 'm99999')).toEqual({ voter: 'm99999', statementId: 'only', response: 'yes', abstained: false, via: ['m99998', 'm0'] });
    expect(result.counted.find((vote) => vote.voter === 'm1')!.via).toEqual(['m0']);
  });

  it('counts nobody on a cycle of 100,000 nor on a chain into it', () => {
    const cycle = MEMBERS.slice(1).map((_, index) => link(index + 1, index === 0 ? 99_999 : index, index));
    const result = tally(chainInput([...cycle, link(0, 1, 100_000)], []));
    expect(result.turnout).toEqual({ eligible: 100_000, counted: 0, abstained: 0, quorumMet: false });
    expect(result.reason).toBe('quorum-not-met');
  });
});
