import type { Statement } from '@xapi/xapi';
import { SCHOOL } from './passport-journey';

/**
 * A made-up learner's year at School LMS, as an LMS would send it: a course, a tutoring session
 * with two questions, two quizzes, a badge, a learning-style questionnaire (the passport profile's)
 * and a failed exam (the item the journey hides). Names and places are invented.
 */
export const SAMPLE_NAMES = {
  course: 'Linear algebra',
  session: 'Tutoring: matrices',
  question: 'Question: multiply two matrices',
  quiz: 'Matrices quiz',
  badge: 'Algebra badge',
  hidden: 'Chemistry exam (first attempt)',
} as const;

const ADL = 'http://adlnet.gov/expapi';
const verb = (id: string, en: string, es: string) => ({ id, display: { en, es } });
const COMPLETED = verb(`${ADL}/verbs/completed`, 'completed', 'completó');
const ANSWERED = verb(`${ADL}/verbs/answered`, 'answered', 'respondió');
const PASSED = verb(`${ADL}/verbs/passed`, 'passed', 'aprobó');
const FAILED = verb(`${ADL}/verbs/failed`, 'failed', 'suspendió');
const EARNED = verb('http://id.tincanapi.com/verb/earned', 'earned', 'obtuvo');

const activity = (path: string, name: string, type: string) => ({
  objectType: 'Activity' as const,
  id: `${SCHOOL}/${path}`,
  definition: { name: { en: name }, type },
});

const PASSPORT_PROFILE = {
  objectType: 'Activity' as const,
  id: 'https://w3id.org/keiko/profiles/passport/v1.0',
  definition: { type: `${ADL}/activities/profile`, name: { en: 'Keiko Life Learning Passport' } },
};

/** `actor`'s statements, oldest first, their timestamps days apart and ending `endingOn`. */
export function sampleStatements(actor: Statement['actor'], endingOn = new Date()): Statement[] {
  const session = activity('sessions/matrices-tutoring', SAMPLE_NAMES.session, 'http://id.tincanapi.com/activitytype/tutor-session');
  const inSession = { contextActivities: { parent: [{ id: session.id }] } };
  const statements: Array<Omit<Statement, 'actor' | 'timestamp'>> = [
    {
      verb: COMPLETED,
      object: activity('assessments/learning-style', 'Learning-style questionnaire', 'https://w3id.org/keiko/profiles/passport/activity-types/learning-style-assessment'),
      result: {
        completion: true,
        extensions: { 'https://w3id.org/keiko/profiles/passport/extensions/learning-style': { visual: 72, auditory: 35, kinesthetic: 58, reading: 64 } },
      },
      context: { contextActivities: { category: [PASSPORT_PROFILE] } },
    },
    { verb: PASSED, object: activity('quizzes/vectors', 'Vectors quiz', `${ADL}/activities/assessment`), result: { success: true, score: { scaled: 0.62 } } },
    { verb: FAILED, object: activity('exams/chemistry-1', SAMPLE_NAMES.hidden, `${ADL}/activities/assessment`), result: { success: false, score: { scaled: 0.35 } } },
    { verb: COMPLETED, object: session },
    { verb: ANSWERED, object: activity('questions/matrix-product', SAMPLE_NAMES.question, `${ADL}/activities/cmi.interaction`), context: inSession, result: { success: true } },
    { verb: PASSED, object: activity('quizzes/matrices', SAMPLE_NAMES.quiz, `${ADL}/activities/assessment`), result: { success: true, score: { scaled: 0.85 } } },
    { verb: COMPLETED, object: activity('courses/linear-algebra', SAMPLE_NAMES.course, `${ADL}/activities/course`), result: { completion: true, success: true } },
    { verb: EARNED, object: activity('badges/algebra', SAMPLE_NAMES.badge, 'http://activitystrea.ms/schema/1.0/badge') },
  ];
  const day = 24 * 3600 * 1000;
  return statements.map((statement, index) => ({
    ...statement,
    actor,
    timestamp: new Date(endingOn.getTime() - (statements.length - 1 - index) * 9 * day).toISOString(),
  })) as Statement[];
}
