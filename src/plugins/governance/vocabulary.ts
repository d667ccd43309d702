import { nameBasedUuid, type Agent } from '../../plugin-api';

/** The governance profile (src/profiles/keiko/governance/profile.jsonld): its IRIs, in one place. */
const PROFILE = 'https://w3id.org/keiko/profiles/governance';
export const PROFILE_VERSION = `${PROFILE}/v1.0`;

/** Every governance statement names the profile version in `context.contextActivities.category` (xAPI Profiles §5). */
export const CATEGORY = {
  objectType: 'Activity',
  id: PROFILE_VERSION,
  definition: { type: 'http://adlnet.gov/expapi/activities/profile', name: { en: 'Keiko Community Governance' } },
} as const;

export const VERB = {
  founded: 'http://activitystrea.ms/schema/1.0/create',
  joined: 'http://activitystrea.ms/schema/1.0/join',
  left: 'http://activitystrea.ms/schema/1.0/leave',
  submitted: 'http://activitystrea.ms/schema/1.0/submit',
  voted: `${PROFILE}/verbs/voted`,
  committedBallot: `${PROFILE}/verbs/committed-ballot`,
  revealedBallot: `${PROFILE}/verbs/revealed-ballot`,
  delegated: `${PROFILE}/verbs/delegated`,
  revokedDelegation: `${PROFILE}/verbs/revoked-delegation`,
  adopted: 'http://activitystrea.ms/schema/1.0/approve',
  rejected: 'http://activitystrea.ms/schema/1.0/deny',
  ruleAdopted: 'http://activitystrea.ms/schema/1.0/create',
  ruleRetired: 'http://activitystrea.ms/schema/1.0/retract',
  recognized: `${PROFILE}/verbs/recognized`,
  withdrewRecognition: `${PROFILE}/verbs/withdrew-recognition`,
} as const;

/** The `display` of each verb, in English (statements carry it; pages have their own words). */
export const VERB_DISPLAY: Record<string, string> = {
  [VERB.founded]: 'created',
  [VERB.joined]: 'joined',
  [VERB.left]: 'left',
  [VERB.submitted]: 'submitted',
  [VERB.voted]: 'voted',
  [VERB.committedBallot]: 'committed a sealed ballot',
  [VERB.revealedBallot]: 'revealed a sealed ballot',
  [VERB.delegated]: 'delegated vote to',
  [VERB.revokedDelegation]: 'revoked delegation',
  [VERB.adopted]: 'approved',
  [VERB.rejected]: 'denied',
  [VERB.ruleRetired]: 'retracted',
  [VERB.recognized]: 'recognized',
  [VERB.withdrewRecognition]: 'withdrew recognition',
};

/** `{ id, display }` of a verb for a statement. */
export function verb(id: string): { id: string; display: { en: string } } {
  return { id, display: { en: VERB_DISPLAY[id] ?? 'created' } };
}

export const ACTIVITY_TYPE = {
  community: `${PROFILE}/activity-types/community`,
  proposal: `${PROFILE}/activity-types/proposal`,
  rule: `${PROFILE}/activity-types/community-rule`,
  /** A proposal's ballot (xAPI Data §2.4.4.1: interaction activities SHOULD use this type). */
  ballot: 'http://adlnet.gov/expapi/activities/cmi.interaction',
} as const;

export const EXTENSION = {
  proposalKind: `${PROFILE}/extensions/proposal-kind`,
  votingRules: `${PROFILE}/extensions/voting-rules`,
  supersedes: `${PROFILE}/extensions/supersedes`,
  ballotCommitment: `${PROFILE}/extensions/ballot-commitment`,
  ballotSalt: `${PROFILE}/extensions/ballot-salt`,
  delegationScope: `${PROFILE}/extensions/delegation-scope`,
  tally: `${PROFILE}/extensions/tally`,
  turnout: `${PROFILE}/extensions/turnout`,
  ballotSetRoot: `${PROFILE}/extensions/ballot-set-root`,
  ruleCriteria: `${PROFILE}/extensions/rule-criteria`,
  recognitionScope: `${PROFILE}/extensions/recognition-scope`,
} as const;

/** The plugin's routes live under this path of the public URL; its Activities' IRIs too. */
function pluginBase(publicUrl: string): string {
  return `${publicUrl}/plugins/governance`;
}

export function communityIri(publicUrl: string, slug: string): string {
  return `${pluginBase(publicUrl)}/communities/${slug}`;
}

export function proposalIri(publicUrl: string, proposalId: string): string {
  return `${pluginBase(publicUrl)}/proposals/${proposalId}`;
}

export function ballotIri(publicUrl: string, proposalId: string): string {
  return `${proposalIri(publicUrl, proposalId)}/ballot`;
}

export function ruleIri(publicUrl: string, community: string, rule: string): string {
  return `${communityIri(publicUrl, community)}/rules/${rule}`;
}

/** The actor of what the plugin itself decides (decisions, rule statements): the LRS's governance service. */
export function governanceAgent(publicUrl: string): Agent {
  return { objectType: 'Agent', name: 'Keiko governance', account: { homePage: publicUrl, name: 'plugin/governance' } };
}

/**
 * The governance plugin's name-based ids (statements of each step, registrations): `name` within
 * governance, so that its ids never meet another plugin's, and a step recorded again after a crash
 * is the same statement.
 */
export function governanceUuid(name: string): string {
  return nameBasedUuid(`keiko governance\n${name}`);
}
