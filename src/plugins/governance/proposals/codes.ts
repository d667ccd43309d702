/** The stable codes of the proposals feature's refusals (proposals/openapi.yaml lists them). */
export const ProposalCode = {
  InvalidProposal: 'INVALID_PROPOSAL',
  InvalidVotingRules: 'INVALID_VOTING_RULES',
  InvalidEffect: 'INVALID_EFFECT',
  InvalidBallot: 'INVALID_BALLOT',
  UnknownChoice: 'UNKNOWN_CHOICE',
  UnknownCommunity: 'UNKNOWN_COMMUNITY',
  ProposalNotFound: 'PROPOSAL_NOT_FOUND',
  NotAMember: 'NOT_A_MEMBER',
  NotEligible: 'NOT_ELIGIBLE',
  VotingNotOpen: 'VOTING_NOT_OPEN',
  VotingClosed: 'VOTING_CLOSED',
  NotAdopted: 'NOT_ADOPTED',
  NotClosed: 'NOT_CLOSED',
  NoBallot: 'NO_BALLOT',
  NotCounted: 'NOT_COUNTED',
} as const;
