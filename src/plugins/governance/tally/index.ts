/**
 * The tally: a pure, deterministic function of a proposal's ballot log, independent of the order of
 * its input (docs/governance.md, "How votes are counted"). Anyone holding the published ballot set
 * recounts with it and gets the same result.
 */
import { meets } from './fraction';
import { directBallots, type DirectBallot } from './ballots';
import { count } from './count';
import { delegatesFor, resolveDelegations } from './delegation';
import type { CountedVote, ParsedResponse, TallyInput, TallyResult } from './types';

export { ballotCommitment } from './commitment';
export { ABSTAIN, formatResponse, isResponseError, optionsOf, parseResponse } from './responses';
export type * from './types';

export function tally(input: TallyInput): TallyResult {
  const { rules, kind } = input.proposal;
  const eligible = new Set(input.eligible);
  const { direct, ignored } = directBallots(input, eligible);
  const delegated = resolveDelegations(eligible, direct, delegatesFor(input.delegations, kind));
  const counted: CountedVote[] = [];
  const votes: ParsedResponse[] = [];
  const countVote = (voter: string, { entry, parsed, normal }: DirectBallot, via: string[]) => {
    counted.push({ voter, statementId: entry.statementId, response: normal, abstained: 'abstain' in parsed, via });
    votes.push(parsed);
  };
  for (const [voter, ballot] of direct) countVote(voter, ballot, []);
  for (const [voter, { reached, via }] of delegated) countVote(voter, direct.get(reached)!, via);
  const { tally: counts, reason } = count(rules, votes);
  const abstained = counted.filter((vote) => vote.abstained).length;
  const quorumMet = meets(counted.length, eligible.size, rules.quorum);
  return {
    outcome: quorumMet && reason === 'adopted' ? 'adopted' : 'rejected',
    reason: quorumMet ? reason : 'quorum-not-met',
    tally: counts,
    turnout: { eligible: eligible.size, counted: counted.length, abstained, quorumMet },
    counted: counted.sort((one, other) => compare(one.voter, other.voter)),
    ignored: ignored.sort((one, other) => compare(one.statementId, other.statementId) || compare(one.reason, other.reason) || compare(one.voter, other.voter)),
  };
}

/** Code-unit order, the same on every machine (no locale). */
function compare(one: string, other: string): number {
  return one < other ? -1 : one > other ? 1 : 0;
}
