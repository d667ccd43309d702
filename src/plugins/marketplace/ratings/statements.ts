/**
 * The statements of the profile's space-rated and space-reported templates, as this plugin records
 * them, and what the ratings feature reads back from them.
 */
import { ifiKey, type Agent, type StoredStatement } from '../../../plugin-api';
import type { Space } from '../model';
import { ACTIVITY_TYPE, EXTENSION, PROFILE_CATEGORY, reservationIri, spaceIdOf, VERB, VERB_DISPLAY } from '../vocabulary';
import { REPORT_CATEGORIES, type ReportCategory, type Scores } from './records';

const SCORE_EXTENSION = { safety: EXTENSION.safetyScore, cleanliness: EXTENSION.cleanlinessScore, accessibility: EXTENSION.accessibilityScore } as const;

function spaceObject(space: Space) {
  return { objectType: 'Activity', id: space.iri, definition: { type: ACTIVITY_TYPE.space, name: space.name } };
}

export interface RatedFacts {
  id: string;
  actor: Agent;
  space: Space;
  reservationId: string;
  scores: Scores;
  review?: string;
  timestamp: string;
}

/** Template space-rated: overall in result.score, the other three in result extensions, the attended reservation in context. */
export function ratedStatement(facts: RatedFacts, publicUrl: string): object {
  const { scores } = facts;
  return {
    id: facts.id,
    actor: facts.actor,
    verb: { id: VERB.rated, display: { en: VERB_DISPLAY[VERB.rated] } },
    object: spaceObject(facts.space),
    result: {
      score: { raw: scores.overall, min: 1, max: 5 },
      ...(facts.review !== undefined && { response: facts.review }),
      extensions: {
        [SCORE_EXTENSION.safety]: scores.safety,
        [SCORE_EXTENSION.cleanliness]: scores.cleanliness,
        [SCORE_EXTENSION.accessibility]: scores.accessibility,
      },
    },
    context: {
      registration: facts.reservationId,
      contextActivities: {
        other: [{ objectType: 'Activity', id: reservationIri(publicUrl, facts.reservationId), definition: { type: ACTIVITY_TYPE.reservation } }],
        category: [PROFILE_CATEGORY],
      },
    },
    timestamp: facts.timestamp,
  };
}

export interface ReportedFacts {
  id: string;
  actor: Agent;
  space: Space;
  category: ReportCategory;
  description: string;
  timestamp: string;
}

/** Template space-reported: the category in a context extension, the description in result.response, no registration. */
export function reportedStatement(facts: ReportedFacts): object {
  return {
    id: facts.id,
    actor: facts.actor,
    verb: { id: VERB.reported, display: { en: VERB_DISPLAY[VERB.reported] } },
    object: spaceObject(facts.space),
    result: { response: facts.description },
    context: { extensions: { [EXTENSION.reportCategory]: facts.category }, contextActivities: { category: [PROFILE_CATEGORY] } },
    timestamp: facts.timestamp,
  };
}

/** Who made a statement: its actor's IFI key and name (undefined for a Group). */
function actorOf(statement: StoredStatement): { key: string; name?: string } | undefined {
  if (statement.actor.objectType === 'Group') return undefined;
  const key = ifiKey(statement.actor);
  if (key === undefined) return undefined;
  return statement.actor.name === undefined ? { key } : { key, name: statement.actor.name };
}

function spaceOf(statement: StoredStatement, publicUrl: string): string | undefined {
  const { object } = statement;
  if (object.objectType !== undefined && object.objectType !== 'Activity') return undefined;
  return spaceIdOf(publicUrl, (object as { id: string }).id);
}

const isScore = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 5;

export interface RatedStatement {
  spaceId: string;
  reservationId: string;
  rater: { key: string; name?: string };
  scores: Scores;
  review?: string;
}

/** A space-rated statement's facts, undefined when it is not one (the plugin records only whole ones). */
export function ratingIn(statement: StoredStatement, publicUrl: string): RatedStatement | undefined {
  if (statement.verb.id !== VERB.rated) return undefined;
  const spaceId = spaceOf(statement, publicUrl);
  const rater = actorOf(statement);
  const reservationId = statement.context?.registration;
  const extensions = statement.result?.extensions ?? {};
  const scores = {
    overall: statement.result?.score?.raw,
    safety: extensions[SCORE_EXTENSION.safety],
    cleanliness: extensions[SCORE_EXTENSION.cleanliness],
    accessibility: extensions[SCORE_EXTENSION.accessibility],
  };
  if (spaceId === undefined || rater === undefined || reservationId === undefined || !Object.values(scores).every(isScore)) return undefined;
  const review = statement.result?.response;
  return { spaceId, reservationId: reservationId.toLowerCase(), rater, scores: scores as Scores, ...(review !== undefined && { review }) };
}

export interface ReportedStatement {
  spaceId: string;
  reporter: { key: string; name?: string };
  category: ReportCategory;
  description: string;
}

/** A space-reported statement's facts, undefined when it is not one. */
export function reportIn(statement: StoredStatement, publicUrl: string): ReportedStatement | undefined {
  if (statement.verb.id !== VERB.reported) return undefined;
  const spaceId = spaceOf(statement, publicUrl);
  const reporter = actorOf(statement);
  const category = statement.context?.extensions?.[EXTENSION.reportCategory];
  const description = statement.result?.response;
  if (spaceId === undefined || reporter === undefined || description === undefined) return undefined;
  if (!(REPORT_CATEGORIES as readonly unknown[]).includes(category)) return undefined;
  return { spaceId, reporter, category: category as ReportCategory, description };
}
