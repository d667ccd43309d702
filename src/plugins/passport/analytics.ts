import type { StoredStatement } from '../../plugin-api';
import { TIMELINE_KINDS, type TimelineEntry, type TimelineKind } from './timeline-entries';

/**
 * The learner's profile and analytics (issue 11, domain brief §1.3/§1.4): pure functions over the
 * timeline entries of one person (all their IFIs), each one pass over the entries. See the
 * "Analytics" section of docs/passport.md for how each figure is derived.
 */

export const LEARNING_STYLE_EXTENSION = 'https://w3id.org/keiko/profiles/passport/extensions/learning-style';
export const ASSESSMENT_TYPE_EXTENSION = 'https://w3id.org/keiko/profiles/passport/extensions/assessment-type';
const ASSESSMENT_ACTIVITY_TYPES = new Set([
  'https://w3id.org/keiko/profiles/passport/activity-types/learning-style-assessment',
  'http://adlnet.gov/expapi/activities/assessment',
]);
const COMPLETED_VERB = 'http://adlnet.gov/expapi/verbs/completed';
/** Verbs that say the learner finished the activity, whatever `result.completion` says. */
const FINISHING_VERBS = new Set([
  COMPLETED_VERB,
  'http://adlnet.gov/expapi/verbs/passed',
  'http://adlnet.gov/expapi/verbs/mastered',
  'http://id.tincanapi.com/verb/earned',
]);

export const LEARNING_STYLES = ['visual', 'auditory', 'kinesthetic', 'reading'] as const;
export type LearningStyleScores = Record<(typeof LEARNING_STYLES)[number], number>;
export const ASSESSMENT_TYPES = ['initial', 'periodic', 'adaptive'] as const;
export type AssessmentType = (typeof ASSESSMENT_TYPES)[number];

/**
 * What a learning-style assessment adds to its timeline entries. TimelineEntry does not carry
 * result or context extensions yet; `assessmentFields` is what it would spread into them.
 */
export interface AssessmentFields {
  learningStyle?: LearningStyleScores;
  assessmentType?: AssessmentType;
}
export type AnalyticsEntry = TimelineEntry & AssessmentFields;

export interface LearningStyleProfile {
  scores: LearningStyleScores;
  /** The assessment the scores come from: its statement is the profile's evidence. */
  statementId: string;
  assessedAt: string;
  assessmentType?: AssessmentType;
  /** How many assessments the learner has taken (re-takes included). */
  assessments: number;
}

export interface KindProgress {
  kind: TimelineKind;
  completed: number;
  total: number;
}
export interface Progress {
  /** Distinct activities finished / distinct activities with any statement, over every kind. */
  completed: number;
  total: number;
  /** 0–100, rounded down; 0 when there is nothing yet. */
  percent: number;
  byKind: KindProgress[];
}

export interface ActivityTypeCount {
  /** The activity type IRI; null for Activities without a type. */
  activityType: string | null;
  kind: TimelineKind;
  count: number;
}

export interface ScorePoint {
  /** UTC day of the entry's `stored` time, YYYY-MM-DD. */
  date: string;
  /** Mean of the day's scores, each scaled to 0–1 (xAPI allows down to -1). */
  mean: number;
  count: number;
}

export interface PassportAnalytics {
  learningStyle?: LearningStyleProfile;
  progress: Progress;
  activityTypes: ActivityTypeCount[];
  scores: ScorePoint[];
}

/**
 * The learning-style scores and assessment type of a completed learning-style assessment, or
 * nothing: a statement whose extension is not four integers 0–100 (stored while the profile's
 * validation was off) is no evidence of a learning style.
 */
export function assessmentFields(statement: StoredStatement): AssessmentFields {
  const { object } = statement;
  if (statement.verb.id !== COMPLETED_VERB || (object.objectType !== undefined && object.objectType !== 'Activity')) return {};
  const type = (object as { definition?: { type?: string } }).definition?.type;
  if (type === undefined || !ASSESSMENT_ACTIVITY_TYPES.has(type)) return {};
  const scores = learningStyleScores(statement.result?.extensions?.[LEARNING_STYLE_EXTENSION]);
  if (scores === undefined) return {};
  const assessmentType = statement.context?.extensions?.[ASSESSMENT_TYPE_EXTENSION];
  return isAssessmentType(assessmentType) ? { learningStyle: scores, assessmentType } : { learningStyle: scores };
}

function learningStyleScores(given: unknown): LearningStyleScores | undefined {
  if (typeof given !== 'object' || given === null || Array.isArray(given)) return undefined;
  const record = given as Record<string, unknown>;
  if (Object.keys(record).length !== LEARNING_STYLES.length) return undefined;
  const valid = LEARNING_STYLES.every((style) => {
    const score = record[style];
    return typeof score === 'number' && Number.isInteger(score) && score >= 0 && score <= 100;
  });
  return valid ? (record as LearningStyleScores) : undefined;
}

function isAssessmentType(value: unknown): value is AssessmentType {
  return (ASSESSMENT_TYPES as readonly unknown[]).includes(value);
}

/** Everything the analytics page shows, from the person's entries in any order. */
export function passportAnalytics(entries: Iterable<AnalyticsEntry>): PassportAnalytics {
  const own = [...learnerStatements(entries)];
  const learningStyle = learningStyleProfile(own);
  return {
    ...(learningStyle ? { learningStyle } : {}),
    progress: progress(own),
    activityTypes: activityTypeDistribution(own),
    scores: scoresOverTime(own),
  };
}

/**
 * One entry per statement in which the person is the learner (actor, or member of the actor
 * Group). A statement about two of their IFIs has two entries; as instructor or as an Agent object
 * it records someone else's learning, which the timeline shows but the analytics do not count.
 */
export function* learnerStatements<T extends TimelineEntry>(entries: Iterable<T>): Generator<T> {
  const seen = new Set<string>();
  for (const entry of entries) {
    if ((entry.role === 'actor' || entry.role === 'member') && !seen.has(entry.statementId)) {
      seen.add(entry.statementId);
      yield entry;
    }
  }
}

/**
 * The latest assessment wins (latest by `position`: stored time, then statement id): each one
 * measures all four styles, and a re-take is the learner correcting or updating the last one; a
 * mean would keep a stale answer forever and give scores nobody gave. Voiding the latest brings
 * the one before back, since voiding removes its entries.
 */
export function learningStyleProfile(entries: Iterable<AnalyticsEntry>): LearningStyleProfile | undefined {
  let latest: AnalyticsEntry | undefined;
  let assessments = 0;
  for (const entry of entries) {
    if (entry.learningStyle === undefined) continue;
    assessments += 1;
    if (latest === undefined || entry.position > latest.position) latest = entry;
  }
  if (latest?.learningStyle === undefined) return undefined;
  const profile: LearningStyleProfile = { scores: { ...latest.learningStyle }, statementId: latest.statementId, assessedAt: latest.stored, assessments };
  if (latest.assessmentType) profile.assessmentType = latest.assessmentType;
  return profile;
}

/**
 * Per kind, the distinct activities the learner has a statement about (total) and those finished
 * (completed): any statement with `result.completion: true` or a finishing verb (completed,
 * passed, mastered, earned). Finished stays finished: a later attempt does not undo it.
 */
export function progress(entries: Iterable<TimelineEntry>): Progress {
  const kindOf = new Map<string, TimelineKind>();
  const finished = new Set<string>();
  for (const entry of entries) {
    const activity = activityIdOf(entry);
    if (activity === undefined) continue;
    if (!kindOf.has(activity)) kindOf.set(activity, entry.kind);
    if (entry.result?.completion === true || FINISHING_VERBS.has(entry.verb.id)) finished.add(activity);
  }
  const byKind = new Map(TIMELINE_KINDS.map((kind) => [kind, { kind, completed: 0, total: 0 }]));
  for (const [activity, kind] of kindOf) {
    const counts = byKind.get(kind)!;
    counts.total += 1;
    if (finished.has(activity)) counts.completed += 1;
  }
  const total = kindOf.size;
  const completed = finished.size;
  return { completed, total, percent: total === 0 ? 0 : Math.floor((completed * 100) / total), byKind: [...byKind.values()] };
}

/**
 * Statements per activity type, most frequent first (ties: by type IRI, untyped last); objects that
 * are no Activity are not counted.
 */
export function activityTypeDistribution(entries: Iterable<TimelineEntry>): ActivityTypeCount[] {
  const counts = new Map<string | null, ActivityTypeCount>();
  for (const entry of entries) {
    if (activityIdOf(entry) === undefined) continue;
    const activityType = entry.object.type ?? null;
    const count = counts.get(activityType);
    if (count) count.count += 1;
    else counts.set(activityType, { activityType, kind: entry.kind, count: 1 });
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || byTypeUntypedLast(a.activityType, b.activityType));
}

/**
 * The mean score of each UTC day, oldest first. A score is `scaled` when given, else raw within
 * [min, max] (min 0 when absent); a score with neither is skipped. The day is the `stored` day:
 * entries carry no statement timestamp.
 */
export function scoresOverTime(entries: Iterable<TimelineEntry>): ScorePoint[] {
  const days = new Map<string, { sum: number; count: number }>();
  for (const entry of entries) {
    const score = scaledScore(entry.result?.score);
    if (score === undefined) continue;
    const date = entry.stored.slice(0, 10);
    const day = days.get(date) ?? { sum: 0, count: 0 };
    day.sum += score;
    day.count += 1;
    days.set(date, day);
  }
  // Sorting the distinct days, not the entries: at most one per day.
  return [...days]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([date, { sum, count }]) => ({ date, mean: sum / count, count }));
}

function byTypeUntypedLast(a: string | null, b: string | null): number {
  if (a === null || b === null) return Number(a === null) - Number(b === null);
  return a < b ? -1 : a > b ? 1 : 0;
}

function scaledScore(score: NonNullable<TimelineEntry['result']>['score']): number | undefined {
  if (score === undefined) return undefined;
  if (score.scaled !== undefined) return score.scaled;
  if (score.raw === undefined || score.max === undefined) return undefined;
  const min = score.min ?? 0;
  return score.max > min ? (score.raw - min) / (score.max - min) : undefined;
}

function activityIdOf(entry: TimelineEntry): string | undefined {
  return entry.object.objectType === 'Activity' ? entry.object.id : undefined;
}
