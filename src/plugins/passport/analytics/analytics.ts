import { COMPLETED_VERB, type AssessmentType, type LearningStyleScores } from './assessment';
import { TIMELINE_KINDS, type TimelineEntry, type TimelineKind } from '../timeline-entries';

/**
 * The learner's profile and analytics (issue 11, domain brief §1.3/§1.4): pure functions over the
 * timeline entries of one person (all their IFIs), each one pass over the entries. See the
 * "Analytics" section of docs/passport.md for how each figure is derived.
 */

/** Verbs that say the learner finished the activity, whatever `result.completion` says. */
const FINISHING_VERBS = new Set([
  COMPLETED_VERB,
  'http://adlnet.gov/expapi/verbs/passed',
  'http://adlnet.gov/expapi/verbs/mastered',
  'http://id.tincanapi.com/verb/earned',
]);

export interface LearningStyleProfile {
  scores: LearningStyleScores;
  /** The assessment the scores come from: its statement is the profile's evidence. */
  statementId: string;
  /** When it was taken: the statement's timestamp (no later than stored). */
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
  /** UTC day of the statements' `occurredAt`, YYYY-MM-DD. */
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

/** Everything the analytics page shows, from the person's entries in any order. */
export function passportAnalytics(entries: Iterable<TimelineEntry>): PassportAnalytics {
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
 * The latest assessment wins (latest by when it was taken, then by `position`): each one measures
 * all four styles, and a re-take is the learner correcting or updating the last one; a mean would
 * keep a stale answer forever and give scores nobody gave. Voiding the latest brings the one
 * before back, since voiding removes its entries.
 */
export function learningStyleProfile(entries: Iterable<TimelineEntry>): LearningStyleProfile | undefined {
  let latest: TimelineEntry | undefined;
  let assessments = 0;
  for (const entry of entries) {
    if (entry.learningStyle === undefined) continue;
    assessments += 1;
    if (latest === undefined || isLater(entry, latest)) latest = entry;
  }
  if (latest?.learningStyle === undefined) return undefined;
  const profile: LearningStyleProfile = { scores: { ...latest.learningStyle }, statementId: latest.statementId, assessedAt: occurredAt(latest), assessments };
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
 * The mean score of each UTC day the scores were obtained (`occurredAt`), oldest first. A score is
 * `scaled` when given, else raw within [min, max] (min 0 when absent); a score with neither is
 * skipped.
 */
export function scoresOverTime(entries: Iterable<TimelineEntry>): ScorePoint[] {
  const days = new Map<string, { sum: number; count: number }>();
  for (const entry of entries) {
    const score = scaledScore(entry.result?.score);
    if (score === undefined) continue;
    const date = occurredAt(entry).slice(0, 10);
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

/**
 * When the learning happened: the statement's timestamp, so that grades an institution sends
 * years later land on their own days; never later than `stored` (a score cannot be obtained after
 * it was recorded, and a clock set in the future would otherwise draw tomorrow's point). Entries
 * indexed before timestamps were kept have `stored` only.
 */
export function occurredAt(entry: TimelineEntry): string {
  return entry.timestamp === undefined || entry.timestamp > entry.stored ? entry.stored : entry.timestamp;
}

function isLater(entry: TimelineEntry, than: TimelineEntry): boolean {
  const [at, thanAt] = [occurredAt(entry), occurredAt(than)];
  return at === thanAt ? entry.position > than.position : at > thanAt;
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
