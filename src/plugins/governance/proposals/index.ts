export { Proposals, type AnchoringView, type BallotView, type ProposalsOptions } from './proposals';
export { proposalRoutes } from './routes';
export { PROPOSAL_STORES } from './stores';
export { ProposalCode } from './codes';

/** The leased job deciding proposals past their close (GOVERNANCE_CLOSE_CRON). */
export const CLOSE_JOB = 'close-proposals';
