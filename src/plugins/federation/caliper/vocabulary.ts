/**
 * The IRIs of the Caliper 1.1 → xAPI 1.0.3 mapping (docs/federation.md, "Canvas"), in one place:
 * verbs of the ADL vocabulary and of Activity Streams 1.0, activity types of the ADL and TinCan
 * registries, and the extension keys that keep Caliper's own ids beside each statement.
 */

/** The Caliper JSON-LD contexts (`dataVersion`, `@context`) whose events this mapping reads. */
export const CALIPER_CONTEXTS = ['http://purl.imsglobal.org/ctx/caliper/v1p1', 'http://purl.imsglobal.org/ctx/caliper/v1p2'] as const;

/** `context.platform` of every translated statement (xAPI Data §2.4.6). */
export const CANVAS_PLATFORM = 'Canvas';

const ADL_VERBS = 'http://adlnet.gov/expapi/verbs';
const ACTIVITY_STREAMS = 'http://activitystrea.ms/schema/1.0';

export const VERB = {
  submitted: { id: `${ACTIVITY_STREAMS}/submit`, display: 'submitted' },
  scored: { id: `${ADL_VERBS}/scored`, display: 'scored' },
  attempted: { id: `${ADL_VERBS}/attempted`, display: 'attempted' },
  completed: { id: `${ADL_VERBS}/completed`, display: 'completed' },
  suspended: { id: `${ADL_VERBS}/suspended`, display: 'suspended' },
  resumed: { id: `${ADL_VERBS}/resumed`, display: 'resumed' },
  answered: { id: `${ADL_VERBS}/answered`, display: 'answered' },
  skipped: { id: 'http://id.tincanapi.com/verb/skipped', display: 'skipped' },
  accessed: { id: `${ACTIVITY_STREAMS}/access`, display: 'accessed' },
  experienced: { id: `${ADL_VERBS}/experienced`, display: 'experienced' },
  posted: { id: `${ACTIVITY_STREAMS}/post`, display: 'posted' },
  created: { id: `${ACTIVITY_STREAMS}/create`, display: 'created' },
  read: { id: `${ACTIVITY_STREAMS}/read`, display: 'read' },
  followed: { id: `${ACTIVITY_STREAMS}/follow`, display: 'followed' },
  stoppedFollowing: { id: `${ACTIVITY_STREAMS}/stop-following`, display: 'stopped following' },
  loggedIn: { id: 'https://w3id.org/xapi/adl/verbs/logged-in', display: 'logged in' },
  loggedOut: { id: 'https://w3id.org/xapi/adl/verbs/logged-out', display: 'logged out' },
} as const;

export type MappedVerb = (typeof VERB)[keyof typeof VERB];

const ADL_ACTIVITIES = 'http://adlnet.gov/expapi/activities';
const TINCAN_ACTIVITIES = 'http://id.tincanapi.com/activitytype';

export const ACTIVITY_TYPE = {
  assignment: `${TINCAN_ACTIVITIES}/school-assignment`,
  assessment: `${ADL_ACTIVITIES}/assessment`,
  question: `${ADL_ACTIVITIES}/cmi.interaction`,
  attempt: `${ADL_ACTIVITIES}/attempt`,
  course: `${ADL_ACTIVITIES}/course`,
  module: `${ADL_ACTIVITIES}/module`,
  file: `${ADL_ACTIVITIES}/file`,
  media: `${ADL_ACTIVITIES}/media`,
  link: `${ADL_ACTIVITIES}/link`,
  page: `${TINCAN_ACTIVITIES}/webpage`,
  document: `${TINCAN_ACTIVITIES}/document`,
  discussion: `${TINCAN_ACTIVITIES}/discussion`,
  message: `${TINCAN_ACTIVITIES}/forum-reply`,
  lms: `${TINCAN_ACTIVITIES}/lms`,
  group: 'http://activitystrea.ms/schema/1.0/group',
} as const;

const EXTENSIONS = 'https://w3id.org/keiko/federation/caliper/extensions';

/** Context (and result) extension keys: what Caliper said that xAPI has no place for. */
export const EXTENSION = {
  /** The Caliper event's `id` (a URN): the statement id is derived from it. */
  eventId: `${EXTENSIONS}/event-id`,
  /** `<event type>#<action>`, e.g. `AssessmentEvent#Submitted`. */
  eventType: `${EXTENSIONS}/event-type`,
  /** The Caliper `object.id` when the statement's object is another entity (the assignment of a submission). */
  objectId: `${EXTENSIONS}/object-id`,
  /** The attempt number Caliper gives (`Attempt.count`). */
  attemptCount: `${EXTENSIONS}/attempt-count`,
  /** The Caliper `session.id` (a Canvas session URN). */
  sessionId: `${EXTENSIONS}/session-id`,
  /** The Caliper `membership.id` the registration is derived from, and its roles. */
  membershipId: `${EXTENSIONS}/membership-id`,
  membershipRoles: `${EXTENSIONS}/membership-roles`,
  /** Canvas's `submission_type` of a submission (online_text_entry, online_upload, …). */
  submissionType: `${EXTENSIONS}/submission-type`,
  /** Canvas's grade text (`"A-"`, `"5"`, `"complete"`), beside the numeric score. */
  grade: `${EXTENSIONS}/grade`,
} as const;

/** Prefix of Canvas's Caliper ids, `urn:instructure:canvas:<kind>:<id>`. */
export const CANVAS_URN = 'urn:instructure:canvas:';
