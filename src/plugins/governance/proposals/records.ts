import type { Agent } from '../../../plugin-api';
import type { ProposalView, VoterKey } from '../model';

/** A proposal as the `proposals` store keeps it (derived from its proposal-submitted statement and its decision): its view without the id, and closesAt in ms for the close job's index. */
export type StoredProposal = Omit<ProposalView, 'id'> & { closesAtMs: number };

/** One ballot statement of the ballot log (`ballots`, id = statement id). */
export interface StoredBallot {
  proposalId: string;
  statementId: string;
  voter: VoterKey;
  agent: Agent;
  kind: 'public' | 'commitment';
  response?: string;
  commitment?: string;
  /** When the LRS stored it (RFC 3339) and its feed position: the tally judges the window and the last ballot on them. */
  stored: string;
  position: number;
}

/** A ballot-revealed statement (`reveals`, id = the commitment's statement id). */
export interface StoredReveal {
  proposalId: string;
  /** The ballot-committed statement it opens. */
  commitmentId: string;
  response: string;
  salt: string;
}

/** A sealed ballot's secret until the close reveals it (`sealed`, id = the ballot-committed statement's id). */
export interface SealedBallot {
  proposalId: string;
  voter: VoterKey;
  response: string;
  salt: string;
}

/** A close under way or done (`closes`, id = proposal id). */
export interface CloseProgress {
  proposalId: string;
  /** The close's moment: the timestamp of its reveals and decision, the same in every rerun. */
  startedAt: string;
  /** Decision recorded and its effect carried out. */
  done: boolean;
}

/** One chunk of a published ballot set's JSON (`ballot_sets`, id = `${proposalId}/${chunk}`). */
export interface BallotSetChunk {
  proposalId: string;
  chunk: number;
  chunks: number;
  text: string;
}
