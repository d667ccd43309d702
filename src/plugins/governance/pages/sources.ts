/**
 * What the pages use of communities/ (Communities) and proposals/ (Proposals), typed here by what
 * the pages call, so that the pages depend on no more and render with fixed data in tests. Every
 * write goes to the same service method the JSON routes use: the rules are checked there once.
 */
import type { Agent, CommunityRecognition, CommunityRule, Party } from '../../../plugin-api';
import type { InclusionProof } from '../ballot-set';
import type { CommunityView, Delegation, DecisionView, Membership, ProposalView, VoterKey } from '../model';

/** A delegation with the Agents on both ends (their names are what the page shows). */
export type DelegationForPages = Delegation & { delegateAgent?: Agent; delegatorAgent?: Agent };

/** An adopted recognize / withdraw-recognition proposal awaiting the community admin's signature. */
export interface PendingRecognitionForPages {
  proposalId: string;
  type: 'recognize' | 'withdraw-recognition';
  /** The other community's slug. */
  to: string;
  scope?: CommunityRecognition['scope'];
  adoptedAt: string;
}

export interface CommunitiesForPages {
  list(): Promise<CommunityView[]>;
  community(slug: string): Promise<CommunityView | undefined>;
  isAdmin(slug: string, who: VoterKey): Promise<boolean>;
  membersOf(slug: string, limit: number): Promise<{ members: Membership[] }>;
  membershipOf(slug: string, member: VoterKey): Promise<Membership | undefined>;
  /** The delegations the member gave and received. */
  delegationsBy(slug: string, member: VoterKey): Promise<{ given: DelegationForPages[]; received: DelegationForPages[] }>;
  rulesOf(slug: string): Promise<CommunityRule[]>;
  recognitions(slug: string): Promise<{ given: CommunityRecognition[]; received: CommunityRecognition[] }>;
  pendingRecognitions(slug: string): Promise<PendingRecognitionForPages[]>;
  found(party: Party, input: unknown): Promise<CommunityView>;
  join(party: Party, slug: string): Promise<unknown>;
  leave(party: Party, slug: string): Promise<unknown>;
  delegate(party: Party, slug: string, input: unknown): Promise<unknown>;
  revokeDelegation(party: Party, slug: string, id: string): Promise<unknown>;
  /** The admin signs an adopted recognition or withdrawal. */
  sign(party: Party, slug: string, proposalId: string): Promise<unknown>;
}

/** A voter's own latest ballot: the response, and for a sealed one its commitment and salt. */
export interface OwnBallot {
  statementId: string;
  stored?: string;
  response?: string;
  commitment?: string;
  salt?: string;
}

/** Where the anchoring of a decision's statement stands (GET /proposals/:id/decision). */
export type AnchoringForPages = { state: 'anchored'; receiptUrl: string; transactionHash: string } | { state: 'pending' } | { state: 'off' };

export interface ProposalsForPages {
  /** A community's proposals, newest first. */
  listFor(community: string): Promise<ProposalView[]>;
  proposal(id: string): Promise<ProposalView | undefined>;
  ballotOf(id: string, voter: VoterKey): Promise<OwnBallot | undefined>;
  /** The voter's inclusion proof; 404 when no vote of theirs was counted, 409 before the close. */
  proofFor(id: string, voter: VoterKey): Promise<InclusionProof>;
  /** The decision with its anchoring state; 409 before the close. */
  decisionWithAnchoring(id: string): Promise<DecisionView & { anchoring: AnchoringForPages }>;
  submit(party: Party, community: string, input: unknown): Promise<ProposalView>;
  vote(party: Party, id: string, input: unknown): Promise<unknown>;
}
