/**
 * Caliper 1.1 (Canvas live events) → xAPI 1.0.3 statements, a pure function per event: the
 * mapping table is in docs/federation.md ("Canvas"). One statement per learning event; any other
 * event (an unsupported type or action, an event Canvas itself performs, one lacking what a
 * statement needs) is skipped with its reason, never refusing the rest of its envelope.
 */
import { nameBasedUuid } from '../../../plugin-api';
import {
  canvasFields,
  canvasLocalId,
  finiteNumberOf,
  iriOf,
  isType,
  nestsDeeperThan,
  nodeOf,
  termOf,
  textOf,
  type CaliperNode,
} from './caliper-json';
import { ACTIVITY_TYPE, CANVAS_PLATFORM, EXTENSION, VERB, type MappedVerb } from './vocabulary';

export interface XapiAgent {
  objectType: 'Agent';
  name?: string;
  account: { homePage: string; name: string };
}

export interface XapiActivity {
  objectType: 'Activity';
  id: string;
  definition?: { name?: Record<string, string>; type?: string };
}

export interface XapiScore {
  raw?: number;
  min?: number;
  max?: number;
  scaled?: number;
}

export interface XapiResult {
  score?: XapiScore;
  completion?: boolean;
  response?: string;
  extensions?: Record<string, unknown>;
}

export interface XapiStatement {
  id: string;
  actor: XapiAgent;
  verb: { id: string; display: Record<string, string> };
  object: XapiActivity;
  result?: XapiResult;
  context: {
    platform: string;
    registration?: string;
    instructor?: XapiAgent;
    contextActivities?: { parent?: XapiActivity[]; grouping?: XapiActivity[] };
    extensions: Record<string, unknown>;
  };
  timestamp: string;
}

export type Translation =
  | { outcome: 'mapped'; eventId: string; statement: XapiStatement }
  | { outcome: 'skipped'; eventId?: string; reason: string };

/** Deeper events are skipped unread: Canvas's nest 5 levels. */
export const MAX_EVENT_DEPTH = 32;
/** At most this many membership roles are kept (Canvas sends one). */
const MAX_ROLES = 16;
/** At most this many values of a multiple-answer response are kept. */
const MAX_RESPONSE_VALUES = 100;

/** The id of the statement translated from the Caliper event `eventId`: a re-sent event maps to the same one. */
export function statementIdOf(eventId: string): string {
  return nameBasedUuid(`federation:caliper:event:${eventId}`);
}

/** The registration of statements made within one Canvas enrolment (Caliper `membership`). */
export function registrationOf(membershipId: string): string {
  return nameBasedUuid(`federation:caliper:membership:${membershipId}`);
}

/** Why an event is skipped (caught by translateEvent, never leaves this module). */
class Skip extends Error {}

/** What an event rule decides: who did what to which activity, beyond the parts every statement shares. */
interface Mapped {
  actor: CaliperNode;
  verb: MappedVerb;
  object: CaliperNode;
  objectPath: string;
  result?: XapiResult;
  instructor?: CaliperNode;
  extensions?: Record<string, unknown>;
}

type Rule = (event: CaliperNode) => Mapped;

/**
 * `sensor` is the envelope's: the Canvas base URL when an event names no edApp.
 */
export function translateEvent(value: unknown, sensor?: string): Translation {
  const event = nodeOf(value);
  const eventId = textOf(event?.id);
  try {
    if (event === undefined) throw new Skip('the event is not a JSON object');
    if (eventId === undefined) throw new Skip('the event has no id, so it could not be stored once only');
    if (nestsDeeperThan(event, MAX_EVENT_DEPTH)) throw new Skip(`the event nests deeper than ${MAX_EVENT_DEPTH} levels`);
    const kind = `${termOf(event.type) ?? '?'}#${termOf(event.action) ?? '?'}`;
    const rule = RULES[kind];
    if (rule === undefined) throw new Skip(`unsupported event ${kind}`);
    return { outcome: 'mapped', eventId, statement: statementOf(event, eventId, kind, rule(event), sensor) };
  } catch (error) {
    if (!(error instanceof Skip)) throw error;
    return { outcome: 'skipped', ...(eventId !== undefined && { eventId }), reason: error.message };
  }
}

function statementOf(event: CaliperNode, eventId: string, kind: string, mapped: Mapped, sensor: string | undefined): XapiStatement {
  const homePage = canvasBaseUrl(event, sensor);
  const membership = membershipOf(event, mapped.actor);
  const membershipId = textOf(membership?.id);
  const instructor = mapped.instructor && isType(mapped.instructor, 'Person') ? agentOf(mapped.instructor, homePage, 'actor') : undefined;
  const contextActivities = contextActivitiesOf(event, mapped.object);
  return {
    id: statementIdOf(eventId),
    actor: agentOf(mapped.actor, homePage, mapped.actor === event.actor ? 'actor' : 'object.assignee'),
    verb: { id: mapped.verb.id, display: { 'en-US': mapped.verb.display } },
    object: activityOf(mapped.object, mapped.objectPath),
    ...(mapped.result && { result: mapped.result }),
    context: {
      platform: CANVAS_PLATFORM,
      ...(membershipId !== undefined && { registration: registrationOf(membershipId) }),
      ...(instructor && { instructor }),
      ...(contextActivities && { contextActivities }),
      extensions: {
        [EXTENSION.eventId]: eventId,
        [EXTENSION.eventType]: kind,
        ...present(EXTENSION.sessionId, textOf(nodeOf(event.session)?.id)),
        ...present(EXTENSION.membershipId, membershipId),
        ...present(EXTENSION.membershipRoles, rolesOf(membership)),
        ...mapped.extensions,
      },
    },
    timestamp: timestampOf(event.eventTime),
  };
}

/** `{ key: value }` when the value is there, else nothing (for spreading). */
function present(key: string, value: unknown): Record<string, unknown> {
  return value === undefined ? {} : { [key]: value };
}

/** The Canvas instance's origin: from the event's edApp, else the envelope's sensor. */
function canvasBaseUrl(event: CaliperNode, sensor: string | undefined): string {
  for (const candidate of [textOf(nodeOf(event.edApp)?.id), sensor]) {
    const origin = httpOrigin(candidate);
    if (origin !== undefined) return origin;
  }
  throw new Skip('neither edApp.id nor the envelope sensor is an http(s) URL naming the Canvas instance');
}

function httpOrigin(text: string | undefined): string | undefined {
  if (text === undefined || !URL.canParse(text)) return undefined;
  const url = new URL(text);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
}

/** A Canvas user as the Agent `account { homePage: <Canvas>, name: <user id> }` (a person links it as one of their identities). */
function agentOf(person: CaliperNode, homePage: string, path: string): XapiAgent {
  if (!isType(person, 'Person')) throw new Skip(`${path} is ${termOf(person.type) ?? 'not typed'}, not a Person: xAPI needs an Agent`);
  const id = textOf(person.id);
  if (id === undefined) throw new Skip(`${path}.id is missing`);
  const name = textOf(person.name, 256);
  return { objectType: 'Agent', ...(name !== undefined && { name }), account: { homePage, name: canvasLocalId(id, 'user') } };
}

function activityOf(entity: CaliperNode, path: string): XapiActivity {
  const id = iriOf(entity.id);
  if (id === undefined) throw new Skip(`${path}.id is not an IRI`);
  // Canvas names the page or file in asset_name; its `name` is then the asset's subtype ("outcomes").
  const name = textOf(canvasFields(entity).asset_name, 512) ?? textOf(entity.name, 512);
  const type = activityTypeOf(entity);
  const definition = { ...(name !== undefined && { name: { und: name } }), ...(type !== undefined && { type }) };
  return { objectType: 'Activity', id, ...(Object.keys(definition).length > 0 && { definition }) };
}

const TYPE_OF_CALIPER_ENTITY: Record<string, string> = {
  AssignableDigitalResource: ACTIVITY_TYPE.assignment,
  Assessment: ACTIVITY_TYPE.assessment,
  AssessmentItem: ACTIVITY_TYPE.question,
  Attempt: ACTIVITY_TYPE.attempt,
  CourseOffering: ACTIVITY_TYPE.course,
  CourseSection: ACTIVITY_TYPE.course,
  Group: ACTIVITY_TYPE.group,
  Thread: ACTIVITY_TYPE.discussion,
  Forum: ACTIVITY_TYPE.discussion,
  Message: ACTIVITY_TYPE.message,
  WebPage: ACTIVITY_TYPE.page,
  Page: ACTIVITY_TYPE.page,
  Document: ACTIVITY_TYPE.document,
  Chapter: ACTIVITY_TYPE.document,
  MediaObject: ACTIVITY_TYPE.media,
  VideoObject: ACTIVITY_TYPE.media,
  AudioObject: ACTIVITY_TYPE.media,
  LearningObjective: 'http://adlnet.gov/expapi/activities/objective',
  Link: ACTIVITY_TYPE.link,
  SoftwareApplication: ACTIVITY_TYPE.lms,
};

/** Canvas's `asset_type` of an `Entity` it navigated to. */
const TYPE_OF_CANVAS_ASSET: Record<string, string> = {
  assignment: ACTIVITY_TYPE.assignment,
  attachment: ACTIVITY_TYPE.file,
  course: ACTIVITY_TYPE.course,
  quiz: ACTIVITY_TYPE.assessment,
  quizzes_quiz: ACTIVITY_TYPE.assessment,
  wiki_page: ACTIVITY_TYPE.page,
  discussion_topic: ACTIVITY_TYPE.discussion,
  context_module: ACTIVITY_TYPE.module,
  content_tag: ACTIVITY_TYPE.module,
  group: ACTIVITY_TYPE.group,
};

function activityTypeOf(entity: CaliperNode): string | undefined {
  const caliperType = termOf(entity.type);
  const byCaliper = caliperType === undefined ? undefined : TYPE_OF_CALIPER_ENTITY[caliperType];
  const asset = textOf(canvasFields(entity).asset_type, 64);
  return byCaliper ?? (asset === undefined ? undefined : TYPE_OF_CANVAS_ASSET[asset]);
}

/** The object's `isPartOf` as parent (a reply's thread, a question's quiz), the course (`group`) as parent or grouping. */
function contextActivitiesOf(event: CaliperNode, object: CaliperNode): XapiStatement['context']['contextActivities'] {
  const container = nodeOf(object.isPartOf);
  const parent = container && iriOf(container.id) !== undefined ? activityOf(container, 'object.isPartOf') : undefined;
  const groupNode = nodeOf(event.group);
  const group = groupNode && iriOf(groupNode.id) !== undefined ? activityOf(groupNode, 'group') : undefined;
  if (parent === undefined && group === undefined) return undefined;
  if (parent === undefined) return { parent: [group!] };
  return { parent: [parent], ...(group !== undefined && group.id !== parent.id && { grouping: [group] }) };
}

/** The enrolment the event names, when it is the statement actor's (a grade's is the grader's, not the learner's). */
function membershipOf(event: CaliperNode, actor: CaliperNode): CaliperNode | undefined {
  const membership = nodeOf(event.membership);
  const member = textOf(nodeOf(membership?.member)?.id);
  return member === undefined || member === textOf(actor.id) ? membership : undefined;
}

function rolesOf(membership: CaliperNode | undefined): string[] | undefined {
  const roles = Array.isArray(membership?.roles) ? membership.roles.slice(0, MAX_ROLES).map((role) => termOf(role)).filter((role) => role !== undefined) : [];
  return roles.length > 0 ? roles : undefined;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function timestampOf(value: unknown): string {
  const text = textOf(value, 64);
  if (text === undefined || !TIMESTAMP.test(text) || Number.isNaN(Date.parse(text))) throw new Skip('eventTime is not an ISO 8601 time with a time zone');
  return text;
}

function required(node: CaliperNode | undefined, path: string): CaliperNode {
  if (node === undefined) throw new Skip(`${path} is missing`);
  return node;
}

/** The rule of an event whose actor does `verb` to its object, as it is. */
function actsOnObject(verb: MappedVerb): Rule {
  return (event) => ({ actor: required(nodeOf(event.actor), 'actor'), verb, object: required(nodeOf(event.object), 'object'), objectPath: 'object' });
}

/**
 * What an attempt-shaped event is about: Canvas sends the Attempt as object (its assignable is the
 * assignment or quiz); Caliper's own examples send the assignable as object and generate the Attempt.
 */
function assignedWork(event: CaliperNode): { target: CaliperNode; targetPath: string; attempt?: CaliperNode } {
  const object = required(nodeOf(event.object), 'object');
  if (!isType(object, 'Attempt')) return { target: object, targetPath: 'object', attempt: nodeOf(event.generated) };
  return { target: required(nodeOf(object.assignable), 'object.assignable'), targetPath: 'object.assignable', attempt: object };
}

function attemptExtensions(attempt: CaliperNode | undefined): Record<string, unknown> {
  return {
    ...present(EXTENSION.objectId, textOf(attempt?.id)),
    ...present(EXTENSION.attemptCount, finiteNumberOf(attempt?.count)),
    ...present(EXTENSION.submissionType, textOf(canvasFields(attempt).submission_type, 64)),
  };
}

function onAssignedWork(verb: MappedVerb, result?: XapiResult): Rule {
  return (event) => {
    const { target, targetPath, attempt } = assignedWork(event);
    return { actor: required(nodeOf(event.actor), 'actor'), verb, object: target, objectPath: targetPath, ...(result && { result }), extensions: attemptExtensions(attempt) };
  };
}

/** A grade is the learner's (the attempt's assignee) score; the grader is the statement's instructor. */
const graded: Rule = (event) => {
  const { target, targetPath, attempt } = assignedWork(event);
  const learner = required(nodeOf(attempt?.assignee), 'object.assignee');
  const score = nodeOf(event.generated);
  const grade = textOf(canvasFields(score).grade, 64) ?? textOf(canvasFields(attempt).grade, 64);
  const result: XapiResult = { ...present('score', scoreOf(score)), ...(grade !== undefined && { extensions: { [EXTENSION.grade]: grade } }) };
  return {
    actor: learner,
    verb: VERB.scored,
    object: target,
    objectPath: targetPath,
    ...(Object.keys(result).length > 0 && { result }),
    instructor: nodeOf(event.actor),
    extensions: attemptExtensions(attempt),
  };
};

/**
 * xAPI Data §2.4.5.1.1: raw within [min, max], scaled within [-1, 1]. Canvas allows extra credit
 * (5 points of 1): the bounds and scaled are then left out and raw kept.
 */
function scoreOf(score: CaliperNode | undefined): XapiScore | undefined {
  const raw = finiteNumberOf(score?.scoreGiven);
  if (raw === undefined) return undefined;
  const max = finiteNumberOf(score?.maxScore);
  if (max === undefined || max <= 0 || raw < 0 || raw > max) return { raw };
  return { raw, min: 0, max, scaled: raw / max };
}

/** The learner's answer to an item (Caliper 1.1 Response subtypes carry `value` or `values`), as xAPI's `[,]`-joined response. */
function responseOf(generated: CaliperNode | undefined): XapiResult | undefined {
  const single = textOf(generated?.value);
  const many = Array.isArray(generated?.values)
    ? generated.values.slice(0, MAX_RESPONSE_VALUES).map((value) => textOf(value)).filter((value) => value !== undefined)
    : [];
  const response = single ?? (many.length > 0 ? many.join('[,]') : undefined);
  return response === undefined ? undefined : { response };
}

const itemAnswered: Rule = (event) => {
  const result = responseOf(nodeOf(event.generated));
  return { ...actsOnObject(VERB.answered)(event), ...(result && { result }) };
};

/** `<Caliper type>#<action>` → how its statement is made. */
const RULES: Record<string, Rule> = {
  'AssignableEvent#Submitted': onAssignedWork(VERB.submitted),
  'GradeEvent#Graded': graded,
  'AssessmentEvent#Started': onAssignedWork(VERB.attempted),
  'AssessmentEvent#Submitted': onAssignedWork(VERB.completed, { completion: true }),
  'AssessmentEvent#Paused': onAssignedWork(VERB.suspended),
  'AssessmentEvent#Resumed': onAssignedWork(VERB.resumed),
  'AssessmentItemEvent#Started': actsOnObject(VERB.attempted),
  'AssessmentItemEvent#Completed': itemAnswered,
  'AssessmentItemEvent#Skipped': actsOnObject(VERB.skipped),
  'NavigationEvent#NavigatedTo': actsOnObject(VERB.accessed),
  'ViewEvent#Viewed': actsOnObject(VERB.experienced),
  'MessageEvent#Posted': actsOnObject(VERB.posted),
  'MessageEvent#MarkedAsRead': actsOnObject(VERB.read),
  'ThreadEvent#Created': actsOnObject(VERB.created),
  'ThreadEvent#MarkedAsRead': actsOnObject(VERB.read),
  'ForumEvent#Subscribed': actsOnObject(VERB.followed),
  'ForumEvent#Unsubscribed': actsOnObject(VERB.stoppedFollowing),
  'SessionEvent#LoggedIn': actsOnObject(VERB.loggedIn),
  'SessionEvent#LoggedOut': actsOnObject(VERB.loggedOut),
};

/** The `<type>#<action>` pairs translated, for the docs and the route's answer. */
export const SUPPORTED_EVENTS = Object.keys(RULES);
