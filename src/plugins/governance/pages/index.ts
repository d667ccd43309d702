/** The governance plugin's web pages (docs/governance.md): the communities, a community, a proposal, a community's recognitions. */
export { GOVERNANCE_NAV, governancePages, type GovernancePagesOptions } from './routes';
export type { AnchoringForPages, CommunitiesForPages, OwnBallot, ProposalsForPages } from './sources';
