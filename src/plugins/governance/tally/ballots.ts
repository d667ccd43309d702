/**
 * Which ballot of each eligible member counts: in the window (opensAt ≤ stored < closesAt), with a
 * countable response, the one of highest position (then highest statement id, so the choice never
 * depends on input order). A sealed ballot always counts as participation; its content counts when
 * its revealed (response, salt) hashes to its commitment and the response is valid.
 */
import type { VotingRules } from '../model';
import { ballotCommitment } from './commitment';
import { isResponseError, readResponse } from './responses';
import type { BallotEntry, IgnoredBallot, ParsedResponse, TallyInput } from './types';

/** What a ballot says: its content and its response in normal form. */
export interface Content {
  parsed: ParsedResponse;
  normal: string;
}

const ABSTENTION: Content = { parsed: { abstain: true }, normal: 'abstain' };

/** A member's own counted ballot. */
export interface DirectBallot extends Content {
  entry: BallotEntry;
}

/** The content of a ballot, or undefined when a public ballot's response cannot be counted. */
function contentOf(rules: VotingRules, entry: BallotEntry): Content | undefined {
  if (entry.kind === 'commitment') {
    const { response, salt, commitment } = entry;
    if (response === undefined || salt === undefined || commitment !== ballotCommitment(response, salt)) return ABSTENTION;
    const content = readResponse(rules, response);
    return isResponseError(content) ? ABSTENTION : content;
  }
  if (typeof entry.response !== 'string') return undefined;
  const content = readResponse(rules, entry.response);
  return isResponseError(content) ? undefined : content;
}

/** Whether `one` is later in the log than `other`. */
function later(one: BallotEntry, other: BallotEntry): boolean {
  return one.position !== other.position ? one.position > other.position : one.statementId > other.statementId;
}

export function directBallots(input: TallyInput, eligible: ReadonlySet<string>): { direct: Map<string, DirectBallot>; ignored: IgnoredBallot[] } {
  const { rules } = input.proposal;
  const opensAt = Date.parse(rules.opensAt);
  const closesAt = Date.parse(rules.closesAt);
  const screen = (entry: BallotEntry): Content | IgnoredBallot['reason'] => {
    if (!eligible.has(entry.voter)) return 'not-eligible';
    const stored = Date.parse(entry.stored);
    if (!(stored >= opensAt && stored < closesAt)) return 'outside-window';
    return contentOf(rules, entry) ?? 'invalid-response';
  };
  const direct = new Map<string, DirectBallot>();
  const ignored: IgnoredBallot[] = [];
  const ignore = (entry: BallotEntry, reason: IgnoredBallot['reason']) => ignored.push({ statementId: entry.statementId, voter: entry.voter, reason });
  for (const entry of input.ballots) {
    const content = screen(entry);
    if (typeof content === 'string') {
      ignore(entry, content);
      continue;
    }
    const current = direct.get(entry.voter);
    if (current && later(current.entry, entry)) ignore(entry, 'superseded');
    else {
      if (current) ignore(current.entry, 'superseded');
      direct.set(entry.voter, { entry, parsed: content.parsed, normal: content.normal });
    }
  }
  return { direct, ignored };
}
