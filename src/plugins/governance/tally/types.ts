/** The tally's input and result (docs/governance.md, "How votes are counted"). */
import type { ProposalKind, TallyCounts, Turnout, VotingRules } from '../model';

export type { TallyCounts, Turnout } from '../model';

/** One ballot statement of the proposal's ballot log. */
export interface BallotEntry {
  statementId: string;
  /** Opaque key of the voter (an ifiKey, or a pseudonym in a published ballot set). */
  voter: string;
  /** When the LRS stored it (RFC 3339): the window is judged on it. */
  stored: string;
  /** Feed order: the voter's highest position in the window is their ballot. */
  position: number;
  kind: 'public' | 'commitment';
  /** public: the xAPI response string; commitment: the revealed response, absent if never revealed. */
  response?: string;
  /** commitment: lower-case hex ballotCommitment(proposalId, response, salt). */
  commitment?: string;
  /** commitment: the revealed salt. */
  salt?: string;
}

export interface DelegationEntry {
  delegator: string;
  delegate: string;
  /** Only proposals of this kind; every kind when absent. */
  proposalKind?: ProposalKind;
  position: number;
}

export interface TallyInput {
  proposal: { id: string; kind: ProposalKind; rules: VotingRules };
  /** Members eligible at opensAt. */
  eligible: string[];
  ballots: BallotEntry[];
  /** Delegations in force at closesAt. */
  delegations: DelegationEntry[];
}

export type Outcome = 'adopted' | 'rejected';
export type RejectionReason = 'quorum-not-met' | 'threshold-not-met' | 'blocked' | 'tie' | 'no-votes';

/** One member's counted vote: their own ballot, or the ballot their delegation chain reached. */
export interface CountedVote {
  voter: string;
  /** The ballot statement counted (the delegate's for a delegated vote). */
  statementId: string;
  /** The normalised response (`abstain` for an abstention). */
  response: string;
  abstained: boolean;
  /** [] when direct; [delegate] when the delegate voted; [delegate, voter reached] for a longer chain. */
  via: string[];
}

export interface IgnoredBallot {
  statementId: string;
  voter: string;
  reason: 'not-eligible' | 'outside-window' | 'superseded' | 'invalid-response';
}

export interface TallyResult {
  outcome: Outcome;
  reason: 'adopted' | RejectionReason;
  tally: TallyCounts;
  turnout: Turnout;
  /** Sorted by voter. */
  counted: CountedVote[];
  /** Sorted by statement id. */
  ignored: IgnoredBallot[];
}

/** A response read: an abstention, or the mechanism's content (the shapes of a structured ballot body). */
export type ParsedResponse =
  | { abstain: true }
  | { choice: string }
  | { approve: string[] }
  | { ranking: string[] }
  | { scores: Record<string, number> };

/** Why a response cannot be counted: UNKNOWN_CHOICE names an id not among the options, INVALID_BALLOT anything else. */
export interface ResponseError {
  error: string;
  code: 'UNKNOWN_CHOICE' | 'INVALID_BALLOT';
}
