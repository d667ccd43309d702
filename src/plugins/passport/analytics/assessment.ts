import type { StoredStatement } from '../../../plugin-api';

/**
 * What a learning-style assessment (the passport profile's, src/profiles/keiko/passport) adds to
 * its timeline entries, so that the analytics read it without the statement.
 */

export const LEARNING_STYLE_EXTENSION = 'https://w3id.org/keiko/profiles/passport/extensions/learning-style';
export const ASSESSMENT_TYPE_EXTENSION = 'https://w3id.org/keiko/profiles/passport/extensions/assessment-type';
export const COMPLETED_VERB = 'http://adlnet.gov/expapi/verbs/completed';
const ASSESSMENT_ACTIVITY_TYPES = new Set([
  'https://w3id.org/keiko/profiles/passport/activity-types/learning-style-assessment',
  'http://adlnet.gov/expapi/activities/assessment',
]);

export const LEARNING_STYLES = ['visual', 'auditory', 'kinesthetic', 'reading'] as const;
export type LearningStyle = (typeof LEARNING_STYLES)[number];
export type LearningStyleScores = Record<LearningStyle, number>;
export const ASSESSMENT_TYPES = ['initial', 'periodic', 'adaptive'] as const;
export type AssessmentType = (typeof ASSESSMENT_TYPES)[number];

export interface AssessmentFields {
  learningStyle?: LearningStyleScores;
  assessmentType?: AssessmentType;
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
