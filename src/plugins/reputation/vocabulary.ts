import { recordedByPlugin, type StoredStatement } from '../../plugin-api';

/** The reputation profile (src/profiles/keiko/reputation/profile.jsonld): its IRIs, in one place. */
const PROFILE = 'https://w3id.org/keiko/profiles/reputation';
export const PROFILE_VERSION = `${PROFILE}/v1.0`;

export const VERB = {
  rated: 'http://id.tincanapi.com/verb/rated',
  replied: `${PROFILE}/verbs/replied`,
  appealed: `${PROFILE}/verbs/appealed`,
  openedReview: `${PROFILE}/verbs/opened-review`,
  upheld: `${PROFILE}/verbs/upheld`,
  dismissed: `${PROFILE}/verbs/dismissed`,
  flagged: `${PROFILE}/verbs/flagged`,
  penalized: `${PROFILE}/verbs/penalized`,
  liftedPenalty: `${PROFILE}/verbs/lifted-penalty`,
  voided: 'http://adlnet.gov/expapi/verbs/voided',
  /** Session attendance, as institutions assert it (ADL vocabulary). */
  attended: 'http://adlnet.gov/expapi/verbs/attended',
  completed: 'http://adlnet.gov/expapi/verbs/completed',
} as const;

export const EXTENSION = {
  raterRole: `${PROFILE}/extensions/rater-role`,
  rateeRole: `${PROFILE}/extensions/ratee-role`,
  ratingDimensions: `${PROFILE}/extensions/rating-dimensions`,
  appealGrounds: `${PROFILE}/extensions/appeal-grounds`,
  fraudSignal: `${PROFILE}/extensions/fraud-signal`,
  penalty: `${PROFILE}/extensions/penalty`,
} as const;

export const TUTOR_SESSION_TYPE = 'http://id.tincanapi.com/activitytype/tutor-session';

/** The profile version as the category every statement of the profile carries. */
export const PROFILE_CATEGORY = {
  objectType: 'Activity',
  id: PROFILE_VERSION,
  definition: { type: 'http://adlnet.gov/expapi/activities/profile', name: { en: 'Keiko Reputation' } },
} as const;

/** The account name of the authority the LRS records this plugin's statements with (PluginStatements.record). */
export const PLUGIN_AUTHORITY_ACCOUNT = 'plugin/reputation';

/**
 * Whether this plugin recorded the statement (moderators' decisions and penalties, fraud flags):
 * only those count as decisions, since any credential that may write statements could send the
 * same verbs.
 */
export function recordedByThisPlugin(statement: StoredStatement): boolean {
  return recordedByPlugin(statement, 'reputation');
}
