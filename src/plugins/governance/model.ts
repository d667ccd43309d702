/**
 * What the governance plugin's folders share: the voting rules a proposal fixes, what an adopted
 * proposal changes, memberships and delegations, and the ports between folders (communities/ and
 * proposals/ each implement one, wired both ways in index.ts).
 */
import type { Agent, LocalizedText } from '../../plugin-api';

export const MECHANISMS = ['simple-majority', 'supermajority', 'consensus', 'approval', 'instant-runoff', 'score'] as const;
export type Mechanism = (typeof MECHANISMS)[number];

export const PROPOSAL_KINDS = ['rule-change', 'standard', 'recognition', 'policy', 'other'] as const;
export type ProposalKind = (typeof PROPOSAL_KINDS)[number];

export type BallotPrivacy = 'public' | 'commitment';

/** The voting rules fixed at submission: exactly the profile's voting-rules extension (docs/governance.md). */
export interface VotingRules {
  mechanism: Mechanism;
  /** Fraction of eligible members whose votes (abstentions included) make the vote valid: counted ≥ quorum × eligible. */
  quorum: number;
  /** Fraction of non-abstaining votes that must support: support > threshold. */
  threshold: number;
  /** RFC 3339: ballots count when opensAt ≤ stored < closesAt. */
  opensAt: string;
  closesAt: string;
  ballotPrivacy: BallotPrivacy;
  choices: string[];
  /** Score voting only: the integer range of each option's score. */
  scoreRange?: { min: number; max: number };
}

/** The profile's tally extension: weighted counts per choice, instant-runoff's rounds, the winner. */
export interface TallyCounts {
  counts: Record<string, number>;
  rounds?: Array<{ counts: Record<string, number>; eliminated: string[] }>;
  winner?: string;
}

/** The profile's turnout extension. */
export interface Turnout {
  eligible: number;
  counted: number;
  abstained: number;
  quorumMet: boolean;
}

/** The profile's rule-criteria extension: which statements count for a community's credentials. */
export interface RuleCriteria {
  verbs?: string[];
  activityTypes?: string[];
  authorities?: string[];
  minScaledScore?: number;
}

/** The profile's recognition-scope extension. */
export interface RecognitionScope {
  verbs?: string[];
  activityTypes?: string[];
  credentialTypes?: string[];
}

/** What an adopted proposal changes, carried out by communities/ after the decision. */
export type ProposalEffect =
  /** Adopts the rule `rule` (a slug in the community), replacing a rule of that slug in force. */
  | { type: 'adopt-rule'; rule: string; name: LocalizedText; criteria: RuleCriteria }
  | { type: 'retire-rule'; rule: string }
  /** Recognises the community `community` (B's slug on this LRS) within `scope`, once A's admin signs. */
  | { type: 'recognize'; community: string; scope: RecognitionScope }
  | { type: 'withdraw-recognition'; community: string };

/** How the LRS compares Agents: ifiKey of a member's Agent. */
export type VoterKey = string;

export interface Membership {
  community: string;
  member: VoterKey;
  agent: Agent;
  /** The membership's registration (join, then leave). */
  registration: string;
  /** When the join statement was stored (RFC 3339). */
  joinedAt: string;
  joinedPosition: number;
  leftAt?: string;
}

export interface Delegation {
  /** Its registration (granted, then revoked). */
  id: string;
  community: string;
  delegator: VoterKey;
  delegate: VoterKey;
  /** Only proposals of this kind; every kind when absent. */
  proposalKind?: ProposalKind;
  grantedAt: string;
  /** Feed position of the delegated statement: the latest delegation of a scope is the one in force. */
  position: number;
  revokedAt?: string;
}

export interface CommunityView {
  slug: string;
  iri: string;
  name: LocalizedText;
  description: LocalizedText;
  admins: VoterKey[];
  foundedAt: string;
  members: number;
}

/** What proposals/ needs of communities/. */
export interface CommunityDirectory {
  community(slug: string): Promise<CommunityView | undefined>;
  /** Whether `member` is a member now. */
  isMember(slug: string, member: VoterKey): Promise<boolean>;
  /** Members eligible for a proposal opening at `opensAt`: joined (stored) before it and not left before it. */
  eligibleAt(slug: string, opensAt: string): Promise<VoterKey[]>;
  /** Whether one member is eligible for a proposal opening at `opensAt` (one indexed read: each ballot asks). */
  isEligible(slug: string, member: VoterKey, opensAt: string): Promise<boolean>;
  /** Delegations in force at `at` (granted before, not revoked before), every scope. */
  delegationsAt(slug: string, at: string): Promise<Delegation[]>;
  isAdmin(slug: string, who: VoterKey): Promise<boolean>;
  /** After an adopted decision: records the rule statements, or opens the recognition for A's admin to sign. Idempotent. */
  carryOut(effect: ProposalEffect, proposal: { id: string; community: string; registration: string }, decisionStatementId: string): Promise<void>;
}

export interface DecisionView {
  statementId: string;
  outcome: 'adopted' | 'rejected';
  /** `adopted`, or why not: quorum-not-met, threshold-not-met, blocked, tie, no-votes. */
  reason: string;
  tally: TallyCounts;
  turnout: Turnout;
  /** The Merkle root of (ballots, tally): the decision statement's ballot-set-root. */
  root: string;
  closedAt: string;
  /** A later adopted proposal that supersedes this decision. */
  supersededBy?: string;
}

export interface ProposalView {
  id: string;
  community: string;
  kind: ProposalKind;
  title: LocalizedText;
  description: LocalizedText;
  rules: VotingRules;
  effect?: ProposalEffect;
  /** The proposal this one supersedes when adopted. */
  supersedes?: string;
  submitter: VoterKey;
  registration: string;
  submittedAt: string;
  statementId: string;
  state: 'open' | 'closed';
  decision?: DecisionView;
}

/** What communities/ and pages/ need of proposals/. */
export interface AdoptedProposals {
  proposal(proposalId: string): Promise<ProposalView | undefined>;
  /** The decision of a closed proposal, undefined while open or unknown. */
  decisionOf(proposalId: string): Promise<DecisionView | undefined>;
}
