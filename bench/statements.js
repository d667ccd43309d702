'use strict';
/**
 * Realistic xAPI statements for the benchmark, drawn from a population:
 *   - AGENT_COUNT learners (mbox), Zipf-distributed activity (a few very active learners, a long tail);
 *   - COURSE_COUNT courses of LESSONS_PER_COURSE lessons (ACTIVITY_COUNT activities), each course
 *     in one of PROGRAMS: the lesson is the object, the course its contextActivities.parent, the
 *     program its grouping;
 *   - VERB_COUNT ADL verbs, Zipf-distributed (completed/experienced dominate);
 *   - TUTOR_COUNT tutors (account IFIs) as context.instructor;
 *   - one registration per (learner, course) enrolment, so a registration has several statements;
 *   - a result (score, success, duration, an extension with nested arrays) on ~60% of statements;
 *     the full activity definition on ~30% (clients often send only the id); dotted extension keys
 *     and a `$`-key in context extensions.
 * About 1.1–1.6 KB of JSON each. Plain CommonJS with no dependencies beyond node, so the
 * autocannon child (bench/load.js) can use it.
 */
const { createHash, randomUUID } = require('node:crypto');

const AGENT_COUNT = 5000;
const COURSE_COUNT = 20;
const LESSONS_PER_COURSE = 10;
const ACTIVITY_COUNT = COURSE_COUNT * LESSONS_PER_COURSE;
const TUTOR_COUNT = 30;

const VERBS = [
  'completed', 'experienced', 'attempted', 'answered', 'passed', 'failed', 'launched', 'initialized',
  'terminated', 'progressed', 'scored', 'commented', 'asked', 'interacted', 'mastered', 'preferred',
  'registered', 'shared', 'suspended', 'resumed',
].map((word) => ({ id: `http://adlnet.gov/expapi/verbs/${word}`, word }));
const VERB_COUNT = VERBS.length;

const SUBJECTS = [
  'algebra', 'geometry', 'calculus', 'statistics', 'physics', 'chemistry', 'biology', 'astronomy',
  'spanish', 'french', 'german', 'latin', 'history', 'geography', 'economics', 'philosophy',
  'drawing', 'music', 'theatre', 'photography',
];
const PROGRAMS = ['math', 'science', 'languages', 'humanities', 'arts'];

function courseId(course) {
  return `http://example.org/courses/${SUBJECTS[course]}`;
}
function programId(course) {
  return `http://example.org/programs/${PROGRAMS[Math.floor(course / 4)]}`;
}
/** Activity index 0..ACTIVITY_COUNT-1 → lesson IRI. */
function activityId(activity) {
  const course = Math.floor(activity / LESSONS_PER_COURSE);
  return `${courseId(course)}/lessons/${activity % LESSONS_PER_COURSE}`;
}
function agentMbox(agent) {
  return `mailto:learner${agent}@example.org`;
}
function tutorAccount(tutor) {
  return { homePage: 'http://tutors.example.org', name: `tutor-${tutor}` };
}
/** The registration of a learner's enrolment in a course: a stable UUID-shaped value. */
function registrationOf(agent, course) {
  const hex = createHash('sha256').update(`keiko-bench:${agent}:${course}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A sampler of 0..n-1 with P(k) ∝ 1/(k+1)^s (rank 0 the most frequent). */
function zipf(n, s) {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) {
    total += 1 / Math.pow(k + 1, s);
    cdf[k] = total;
  }
  for (let k = 0; k < n; k++) cdf[k] /= total;
  return (random = Math.random) => {
    const u = random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const pickAgent = zipf(AGENT_COUNT, 0.8);
const pickVerb = zipf(VERB_COUNT, 1.0);
const pickActivity = zipf(ACTIVITY_COUNT, 0.5);

/** A deterministic pseudo-random generator (mulberry32), so generated data sets are reproducible. */
function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One statement as a client sends it (no id, stored or authority). Returns the statement and the
 * population indexes it was drawn from.
 */
function makeStatement(options = {}) {
  const random = options.random ?? Math.random;
  const agent = options.agent ?? pickAgent(random);
  const verb = VERBS[options.verb ?? pickVerb(random)];
  const activity = options.activity ?? pickActivity(random);
  const course = Math.floor(activity / LESSONS_PER_COURSE);
  const lesson = activity % LESSONS_PER_COURSE;
  const subject = SUBJECTS[course];
  const tutor = Math.floor(random() * TUTOR_COUNT);
  const timestamp = options.timestamp ?? new Date(Date.now() - 60_000 - Math.floor(random() * 3_600_000));
  const object = { objectType: 'Activity', id: activityId(activity) };
  if (random() < 0.3) {
    object.definition = {
      name: { 'en-US': `${subject}, lesson ${lesson + 1}`, 'es-ES': `${subject}, lección ${lesson + 1}` },
      description: { 'en-US': `Lesson ${lesson + 1} of the ${subject} course, worked through step by step.` },
      type: 'http://adlnet.gov/expapi/activities/lesson',
      extensions: { 'http://example.org/extensions/difficulty': { level: 1 + (lesson % 5), tags: [subject, 'lesson'] } },
    };
  }
  const statement = {
    actor: { objectType: 'Agent', name: `Learner ${agent}`, mbox: agentMbox(agent) },
    verb: { id: verb.id, display: { 'en-US': verb.word, 'es-ES': `${verb.word} (es)` } },
    object,
  };
  if (random() < 0.6) {
    const raw = Math.floor(random() * 101);
    statement.result = {
      score: { scaled: raw / 100, raw, min: 0, max: 100 },
      success: raw >= 50,
      completion: true,
      duration: `PT${1 + Math.floor(random() * 59)}M${Math.floor(random() * 60)}S`,
      extensions: { 'http://example.org/extensions/attempts': [[1, 2], [3]] },
    };
  }
  statement.context = {
    registration: registrationOf(agent, course),
    instructor: { objectType: 'Agent', name: `Tutor ${tutor}`, account: tutorAccount(tutor) },
    contextActivities: {
      parent: [{ objectType: 'Activity', id: courseId(course) }],
      grouping: [{ objectType: 'Activity', id: programId(course) }],
      category: [{ id: 'http://example.org/profiles/keiko' }],
    },
    platform: 'Keiko benchmark',
    language: 'en-US',
    extensions: {
      'http://example.org/extensions/session.id': `session-${Math.floor(random() * 100_000)}`,
      'http://example.org/x': { $gt: 'not an operator' },
    },
  };
  statement.timestamp = timestamp.toISOString();
  return { statement, agent, verb: VERBS.indexOf(verb), activity, course, tutor };
}

/**
 * Request bodies of `batchSize` statements with fresh ids, built cheaply from a pool of
 * pre-serialised statements (only the ids are new), so the load generator spends its CPU on
 * sending rather than on building statements.
 */
function bodyFactory(batchSize, poolSize = 5000, seed = undefined) {
  const random = seed === undefined ? Math.random : seededRandom(seed);
  const pool = [];
  for (let i = 0; i < poolSize; i++) {
    const json = JSON.stringify(makeStatement({ random }).statement);
    pool.push(json.slice(1)); // without the opening brace: `"id":"…",` goes in front
  }
  let next = 0;
  return () => {
    const parts = new Array(batchSize);
    for (let i = 0; i < batchSize; i++) {
      parts[i] = `{"id":"${randomUUID()}",${pool[next]}`;
      next = (next + 1) % poolSize;
    }
    return `[${parts.join(',')}]`;
  };
}

module.exports = {
  AGENT_COUNT,
  ACTIVITY_COUNT,
  COURSE_COUNT,
  TUTOR_COUNT,
  VERB_COUNT,
  VERBS,
  PROGRAMS,
  activityId,
  courseId,
  programId,
  agentMbox,
  tutorAccount,
  registrationOf,
  makeStatement,
  bodyFactory,
  seededRandom,
};
