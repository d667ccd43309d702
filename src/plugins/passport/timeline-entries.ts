import { createHash } from 'node:crypto';
import { ifiKey, type FeedStatement, type StoredStatement } from '../../plugin-api';
import { assessmentFields, type AssessmentFields } from './analytics/assessment';

type Actor = StoredStatement['actor'];
type Agent = Exclude<Actor, { objectType: 'Group' }>;
type LanguageMap = Record<string, string>;
/** One inverse functional identifier, as statements and the people service's identities carry it. */
export type Ifi = Pick<Agent, 'mbox' | 'mbox_sha1sum' | 'openid' | 'account'>;

/** How the statement is about the person: the roles the issue lists. */
export type TimelineRole = 'actor' | 'object' | 'member' | 'instructor';

/** What kind of item the timeline shows, from the activity type (domain brief §2, the hierarchy). */
export const TIMELINE_KINDS = ['course', 'class', 'session', 'achievement', 'interaction'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

const KIND_OF_ACTIVITY_TYPE: Record<string, TimelineKind> = {
  'http://adlnet.gov/expapi/activities/course': 'course',
  'http://adlnet.gov/expapi/activities/lesson': 'class',
  'http://id.tincanapi.com/activitytype/tutor-session': 'session',
  'http://activitystrea.ms/schema/1.0/badge': 'achievement',
  // The passport profile's own (src/profiles/keiko/passport).
  'https://w3id.org/keiko/profiles/passport/activity-types/achievement': 'achievement',
  'https://w3id.org/keiko/profiles/passport/activity-types/credential': 'achievement',
};

const VOIDED_VERB = 'http://adlnet.gov/expapi/verbs/voided';

/**
 * One statement as the timeline of one IFI shows it. `position` (stored time, then statement id)
 * orders the timeline and is what a page's cursor points at; every entry of a statement has the
 * same one, so the entries of a statement about two of a person's IFIs sit side by side. A
 * learning-style assessment's entries carry its scores (AssessmentFields) for the analytics.
 */
export interface TimelineEntry extends AssessmentFields {
  /** Digest of the IFI's key: bounded, and no personal data in index keys. */
  ifi: string;
  statementId: string;
  stored: string;
  /**
   * The statement's timestamp in UTC (when the learning happened, as the institution says); absent
   * in entries indexed by passport 0.1.0, until `keiko plugins rebuild passport` makes them again.
   */
  timestamp?: string;
  position: string;
  role: TimelineRole;
  kind: TimelineKind;
  verb: { id: string; display?: LanguageMap };
  object: TimelineObject;
  /** Lower-cased names and descriptions of the object, in every language: what `q` searches. */
  text: string;
  result?: TimelineResult;
  /** The key of the authority's IFI: the institution that asserted the statement. */
  institution: string;
  institutionName?: string;
  parents: string[];
  groupings: string[];
}

export interface TimelineObject {
  objectType: 'Activity' | 'Agent' | 'Group' | 'StatementRef' | 'SubStatement';
  id?: string;
  name?: LanguageMap;
  description?: LanguageMap;
  type?: string;
}

export interface TimelineResult {
  score?: { scaled?: number; raw?: number; min?: number; max?: number };
  success?: boolean;
  completion?: boolean;
  duration?: string;
}

/**
 * The entries of a stored statement: one per distinct IFI it is about — its actor (an Agent, an
 * identified Group and the Group's members), its object when an Agent or a Group (and members),
 * and context.instructor (and its members). Not the agents inside a SubStatement object: a
 * SubStatement is what the outer actor says about someone, not a record of that person's learning.
 * Not context.team either (the "team member" is a member of a Group actor). Voiding
 * statements are no timeline items.
 */
export function timelineEntries(record: Pick<FeedStatement, 'id' | 'statement' | 'stored'>): TimelineEntry[] {
  const { statement } = record;
  if (statement.verb.id === VOIDED_VERB || recordedByThePassport(statement.authority)) return [];
  const stored = record.stored.toISOString();
  const shared = {
    statementId: record.id,
    stored,
    timestamp: timestampOf(statement, stored),
    position: `${stored}|${record.id}`,
    ...describedObject(statement),
    verb: statement.verb.display ? { id: statement.verb.id, display: statement.verb.display } : { id: statement.verb.id },
    ...resultOf(statement),
    ...institutionOf(statement.authority),
    parents: contextActivityIds(statement, 'parent'),
    groupings: contextActivityIds(statement, 'grouping'),
    ...assessmentFields(statement),
  };
  const entries = new Map<string, TimelineEntry>();
  for (const { ifi, role } of aboutWhom(statement)) {
    const digest = ifiDigest(ifi);
    if (digest !== undefined && !entries.has(digest)) entries.set(digest, { ifi: digest, role, ...shared });
  }
  return [...entries.values()];
}

/**
 * What the passport records itself (shares made and revoked, exports) is about the passport, not
 * the person's learning: no timeline item, so that a share never carries earlier shares. The LRS
 * writes every authority from the credential that stored the statement (Data 2.4.9), so only the
 * platform's PluginStatements.record stores this one.
 */
function recordedByThePassport(authority: Actor): boolean {
  return authority.objectType !== 'Group' && authority.account?.name === 'plugin/passport';
}

/** The LRS's key of an IFI (the domain of an mbox is case-insensitive), digested. */
export function ifiDigest(ifi: Ifi): string | undefined {
  const key = ifiKey(ifi);
  return key === undefined ? undefined : createHash('sha256').update(key).digest('hex');
}

function aboutWhom(statement: StoredStatement): Array<{ ifi: Ifi; role: TimelineRole }> {
  const about = [...agentsOf(statement.actor, 'actor')];
  const { object } = statement;
  if (object.objectType === 'Agent' || object.objectType === 'Group') about.push(...agentsOf(object, 'object'));
  if (statement.context?.instructor) about.push(...agentsOf(statement.context.instructor, 'instructor'));
  return about;
}

/** An Agent, or a Group itself (when identified) and its members (as `member`, unless the Group is the object or instructor). */
function agentsOf(actor: Actor, role: TimelineRole): Array<{ ifi: Ifi; role: TimelineRole }> {
  const self = [{ ifi: actor, role }];
  if (actor.objectType !== 'Group') return self;
  const memberRole: TimelineRole = role === 'actor' ? 'member' : role;
  return [...self, ...(actor.member ?? []).map((member) => ({ ifi: member, role: memberRole }))];
}

function describedObject(statement: StoredStatement): { kind: TimelineKind; object: TimelineObject; text: string } {
  const { object } = statement;
  if (object.objectType === undefined || object.objectType === 'Activity') {
    // An object without objectType is an Activity (Data §2.4.4.1).
    const activity = object as { id: string; definition?: { name?: LanguageMap; description?: LanguageMap; type?: string } };
    const definition = activity.definition ?? {};
    const described: TimelineObject = { objectType: 'Activity', id: activity.id };
    if (definition.name) described.name = definition.name;
    if (definition.description) described.description = definition.description;
    if (definition.type) described.type = definition.type;
    const text = [...Object.values(definition.name ?? {}), ...Object.values(definition.description ?? {})].join('\n').toLowerCase();
    return { kind: (definition.type && KIND_OF_ACTIVITY_TYPE[definition.type]) || 'interaction', object: described, text };
  }
  if (object.objectType === 'StatementRef') return { kind: 'interaction', object: { objectType: 'StatementRef', id: object.id }, text: '' };
  return { kind: 'interaction', object: { objectType: object.objectType }, text: '' };
}

/**
 * Normalised to UTC (a timestamp may carry any offset) so that it compares with `stored`; `stored`
 * if unreadable.
 */
function timestampOf(statement: StoredStatement, stored: string): string {
  const time = new Date(statement.timestamp).getTime();
  return Number.isNaN(time) ? stored : new Date(time).toISOString();
}

function resultOf(statement: StoredStatement): { result?: TimelineResult } {
  const given = statement.result;
  if (given === undefined) return {};
  const result: TimelineResult = {};
  if (given.score) result.score = given.score;
  if (given.success !== undefined) result.success = given.success;
  if (given.completion !== undefined) result.completion = given.completion;
  if (given.duration !== undefined) result.duration = given.duration;
  return Object.keys(result).length === 0 ? {} : { result };
}

/** The authority's IFI key names the institution (an OAuth Group authority: its first member with one). */
function institutionOf(authority: Actor): { institution: string; institutionName?: string } {
  const agent = authority.objectType === 'Group' ? (authority.member ?? []).find((member) => ifiKey(member) !== undefined) ?? authority : authority;
  const institution = ifiKey(agent) ?? '';
  return agent.name === undefined ? { institution } : { institution, institutionName: agent.name };
}

function contextActivityIds(statement: StoredStatement, kind: 'parent' | 'grouping'): string[] {
  const given = statement.context?.contextActivities?.[kind];
  if (given === undefined) return [];
  return (Array.isArray(given) ? given : [given]).map((activity) => activity.id);
}

/** An achievement entry's name and description in one language: English when there is one, else the first given (for its badge). */
export function achievementOf(entry: TimelineEntry): { name: string; description?: string } {
  const name = inOneLanguage(entry.object.name) ?? entry.object.id ?? entry.statementId;
  const description = inOneLanguage(entry.object.description);
  return description === undefined ? { name } : { name, description };
}

function inOneLanguage(map: Record<string, string> | undefined): string | undefined {
  if (map === undefined) return undefined;
  const english = Object.keys(map).find((language) => language.toLowerCase().split('-')[0] === 'en');
  return map[english ?? Object.keys(map)[0]!];
}
