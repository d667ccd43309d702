import { randomUUID } from 'node:crypto';
import type { StoredStatement } from '../../../plugin-api';
import learningStyleExample from '../../../profiles/keiko/passport/examples/learning-style-assessed.valid.json';
import {
  activityTypeDistribution,
  learnerStatements,
  learningStyleProfile,
  passportAnalytics,
  progress,
  scoresOverTime,
} from './analytics';
import { ifiDigest, timelineEntries, type Ifi, type TimelineEntry } from '../timeline-entries';

/** The analytics over entries made by the timeline's own conversion of real-looking statements. */

const CAMPUS = { objectType: 'Agent' as const, name: 'Campus', account: { homePage: 'https://lrs.keiko.example/', name: 'campus-key' } };
const ANA = { objectType: 'Agent' as const, name: 'Ana García', account: { homePage: 'https://campus.uni.example', name: 'u-4187' } };
const ANA_MAIL = { objectType: 'Agent' as const, mbox: 'mailto:ana@uni.example' };
const TUTOR = { objectType: 'Agent' as const, name: 'Tutor', mbox: 'mailto:tutor@uni.example' };

const COURSE = 'http://adlnet.gov/expapi/activities/course';
const LESSON = 'http://adlnet.gov/expapi/activities/lesson';
const QUESTION = 'http://adlnet.gov/expapi/activities/cmi.interaction';
const BADGE = 'http://activitystrea.ms/schema/1.0/badge';
const verb = (name: string) => ({ id: `http://adlnet.gov/expapi/verbs/${name}`, display: { en: name } });
const activity = (id: string, type?: string) => ({
  objectType: 'Activity' as const,
  id: `https://campus.uni.example/${id}`,
  definition: { name: { en: id }, ...(type ? { type } : {}) },
});

const ANAS_IFIS = new Set([ifiDigest(ANA), ifiDigest(ANA_MAIL)]);

/**
 * A stored statement as the LRS keeps it, converted to entries as the index does, and those of
 * Ana's two IFIs kept: what the index's pages give for her.
 */
function entriesOf(at: string, fields: Partial<StoredStatement>): TimelineEntry[] {
  const id = randomUUID();
  const statement = { id, actor: ANA, verb: verb('experienced'), object: activity('home'), stored: at, timestamp: at, authority: CAMPUS, version: '1.0.3', ...fields } as StoredStatement;
  return timelineEntries({ id, statement, stored: new Date(at) })
    .filter((entry) => ANAS_IFIS.has(entry.ifi));
}

function assessment(at: string, scores: Record<string, unknown>, assessmentType = 'periodic', actor: Ifi = ANA, instructor?: Ifi): TimelineEntry[] {
  return entriesOf(at, assessmentStatement(scores, assessmentType, actor, instructor));
}

function assessmentStatement(scores: Record<string, unknown>, assessmentType = 'periodic', actor: Ifi = ANA, instructor?: Ifi): Partial<StoredStatement> {
  const example = structuredClone(learningStyleExample) as unknown as StoredStatement;
  return {
    actor: actor as StoredStatement['actor'],
    verb: example.verb,
    object: example.object,
    result: { completion: true, extensions: { 'https://w3id.org/keiko/profiles/passport/extensions/learning-style': scores } },
    context: { ...example.context, ...(instructor ? { instructor: instructor as StoredStatement['actor'] } : {}), extensions: { 'https://w3id.org/keiko/profiles/passport/extensions/assessment-type': assessmentType } },
  };
}

describe('the learning-style profile', () => {
  it("reads the profile's own example assessment", () => {
    const example = structuredClone(learningStyleExample) as unknown as StoredStatement;
    const entries = entriesOf('2026-01-20T09:30:01.000Z', { ...example, actor: ANA });
    expect(learningStyleProfile(entries)).toEqual({
      scores: { visual: 72, auditory: 35, kinesthetic: 58, reading: 64 },
      statementId: entries[0]!.statementId,
      // The example's timestamp (when it was taken), not the second later it was stored.
      assessedAt: '2026-01-20T09:30:00.000Z',
      assessmentType: 'initial',
      assessments: 1,
    });
  });

  it('takes the latest assessment, in any input order, counting each statement once across two IFIs', () => {
    const initial = assessment('2026-01-20T09:30:00.000Z', { visual: 72, auditory: 35, kinesthetic: 58, reading: 64 }, 'initial');
    const retake = assessment('2026-03-02T10:00:00.000Z', { visual: 40, auditory: 80, kinesthetic: 50, reading: 70 }, 'periodic', {
      objectType: 'Group',
      member: [ANA, ANA_MAIL],
    } as Ifi);
    expect(retake).toHaveLength(2);
    const profile = learningStyleProfile(learnerStatements([...retake, ...initial]));
    expect(profile).toMatchObject({ scores: { visual: 40, auditory: 80, kinesthetic: 50, reading: 70 }, assessmentType: 'periodic', assessments: 2 });
    expect(learningStyleProfile(learnerStatements([...initial, ...retake]))).toEqual(profile);
    // Voiding the re-take deletes its entries: the initial assessment is the profile again.
    expect(learningStyleProfile(learnerStatements(initial))?.scores).toEqual({ visual: 72, auditory: 35, kinesthetic: 58, reading: 64 });
  });

  it('ignores assessments whose scores are not four integers 0–100, and other statements carrying the extension', () => {
    const valid = assessment('2026-01-20T09:30:00.000Z', { visual: 10, auditory: 20, kinesthetic: 30, reading: 40 });
    const invalid = [
      { visual: 101, auditory: 20, kinesthetic: 30, reading: 40 },
      { visual: 10.5, auditory: 20, kinesthetic: 30, reading: 40 },
      { visual: 10, auditory: 20, kinesthetic: 30 },
      { visual: 10, auditory: 20, kinesthetic: 30, reading: 40, taste: 5 },
      { visual: '10', auditory: 20, kinesthetic: 30, reading: 40 },
    ].flatMap((scores, day) => assessment(`2026-02-0${day + 1}T00:00:00.000Z`, scores));
    const notAnAssessment = entriesOf('2026-02-10T00:00:00.000Z', {
      verb: verb('completed'),
      object: activity('quiz', QUESTION),
      result: { extensions: { 'https://w3id.org/keiko/profiles/passport/extensions/learning-style': { visual: 1, auditory: 2, kinesthetic: 3, reading: 4 } } },
    });
    const profile = learningStyleProfile([...valid, ...invalid, ...notAnAssessment]);
    expect(profile).toMatchObject({ scores: { visual: 10, auditory: 20, kinesthetic: 30, reading: 40 }, assessments: 1 });
    expect(learningStyleProfile(notAnAssessment)).toBeUndefined();
  });

  it("does not take an assessment where Ana is the instructor as hers: only the learner's statements count", () => {
    const anaInstructing = assessment('2026-03-05T00:00:00.000Z', { visual: 1, auditory: 2, kinesthetic: 3, reading: 4 }, 'periodic', TUTOR, ANA);
    expect(anaInstructing.map((entry) => entry.role)).toEqual(['instructor']);
    expect(passportAnalytics(anaInstructing).learningStyle).toBeUndefined();
  });
});

describe('progress', () => {
  it('counts distinct activities per kind, finished by completion or a finishing verb, and stays finished', () => {
    const entries = [
      ...entriesOf('2026-03-01T10:00:00.000Z', { verb: verb('launched'), object: activity('algebra', COURSE) }),
      ...entriesOf('2026-03-01T11:00:00.000Z', { verb: verb('attempted'), object: activity('vectors', LESSON) }),
      ...entriesOf('2026-03-01T12:00:00.000Z', { verb: verb('experienced'), object: activity('matrices', LESSON), result: { completion: true } }),
      ...entriesOf('2026-03-02T09:00:00.000Z', { verb: verb('passed'), object: activity('q1', QUESTION) }),
      ...entriesOf('2026-03-02T09:05:00.000Z', { verb: verb('attempted'), object: activity('q1', QUESTION), result: { completion: false } }),
      ...entriesOf('2026-03-02T09:10:00.000Z', { verb: verb('failed'), object: activity('q2', QUESTION), result: { success: false } }),
      ...entriesOf('2026-03-03T09:00:00.000Z', { verb: { id: 'http://id.tincanapi.com/verb/earned' }, object: activity('linear-algebra-i', BADGE) }),
      ...entriesOf('2026-03-03T09:30:00.000Z', { verb: verb('completed'), object: { objectType: 'StatementRef', id: randomUUID() } }),
      ...entriesOf('2026-03-04T09:00:00.000Z', { actor: TUTOR, verb: verb('completed'), object: activity('tutoring', COURSE), context: { instructor: ANA } }),
    ];
    expect(progress(learnerStatements(entries))).toEqual({
      completed: 3,
      total: 6,
      percent: 50,
      byKind: [
        { kind: 'course', completed: 0, total: 1 },
        { kind: 'class', completed: 1, total: 2 },
        { kind: 'session', completed: 0, total: 0 },
        { kind: 'achievement', completed: 1, total: 1 },
        { kind: 'interaction', completed: 1, total: 2 },
      ],
    });
    expect(progress([])).toMatchObject({ completed: 0, total: 0, percent: 0 });
  });
});

describe('the distribution of activity types', () => {
  it('counts statements per type, most frequent first, untyped Activities as null, other objects not at all', () => {
    const entries = [
      ...entriesOf('2026-03-01T10:00:00.000Z', { object: activity('q1', QUESTION) }),
      ...entriesOf('2026-03-01T10:01:00.000Z', { object: activity('q2', QUESTION), actor: { objectType: 'Group', member: [ANA, ANA_MAIL] } as StoredStatement['actor'] }),
      ...entriesOf('2026-03-01T10:02:00.000Z', { object: activity('vectors', LESSON) }),
      ...entriesOf('2026-03-01T10:03:00.000Z', { object: activity('untyped') }),
      ...entriesOf('2026-03-01T10:04:00.000Z', { object: activity('untyped-2') }),
      ...entriesOf('2026-03-01T10:05:00.000Z', { object: TUTOR }),
    ];
    expect(activityTypeDistribution(learnerStatements(entries))).toEqual([
      { activityType: QUESTION, kind: 'interaction', count: 2 },
      { activityType: null, kind: 'interaction', count: 2 },
      { activityType: LESSON, kind: 'class', count: 1 },
    ]);
  });
});

describe('scores over time', () => {
  it('averages the scaled scores of each day, oldest first, scaling raw scores within min and max', () => {
    const entries = [
      ...entriesOf('2026-03-02T23:59:00.000Z', { object: activity('q3', QUESTION), result: { score: { raw: 30, min: 10, max: 50 } } }),
      ...entriesOf('2026-03-02T08:00:00.000Z', { object: activity('q2', QUESTION), result: { score: { raw: 9, max: 10 } } }),
      ...entriesOf('2026-03-01T10:00:00.000Z', { object: activity('q1', QUESTION), result: { score: { scaled: 0.8, raw: 1, max: 100 } } }),
      ...entriesOf('2026-03-01T11:00:00.000Z', { object: activity('q1', QUESTION), result: { score: { raw: 7 } }, actor: { objectType: 'Group', member: [ANA, ANA_MAIL] } as StoredStatement['actor'] }),
      ...entriesOf('2026-03-01T12:00:00.000Z', { object: activity('q1', QUESTION), result: { score: { scaled: 0.4 } }, actor: { objectType: 'Group', member: [ANA, ANA_MAIL] } as StoredStatement['actor'] }),
      ...entriesOf('2026-03-03T12:00:00.000Z', { object: activity('q1', QUESTION), result: { success: true } }),
    ];
    const points = scoresOverTime(learnerStatements(entries));
    expect(points.map(({ date, count }) => ({ date, count }))).toEqual([
      { date: '2026-03-01', count: 2 },
      { date: '2026-03-02', count: 2 },
    ]);
    expect(points[0]!.mean).toBeCloseTo(0.6);
    expect(points[1]!.mean).toBeCloseTo(0.7);
  });
});

describe('when the learning happened: the timestamp, never after stored', () => {
  /** Entries of a statement with this timestamp (any offset); without one, as entries indexed before timestamps were kept. */
  const at = (stored: string, timestamp: string | undefined, fields: Partial<StoredStatement>) =>
    timestamp === undefined
      ? entriesOf(stored, fields).map(({ timestamp: _left, ...entry }) => entry)
      : entriesOf(stored, { ...fields, timestamp });

  it('puts a score sent later on the day it was obtained, a future timestamp on the stored day, and an entry without timestamp on its stored day', () => {
    const score = (scaled: number) => ({ object: activity('q', QUESTION), result: { score: { scaled } } });
    const entries = [
      ...at('2026-03-10T10:00:00.000Z', '2025-11-05T09:00:00+02:00', score(0.5)),
      ...at('2026-03-10T10:00:00.000Z', '2026-04-01T00:00:00Z', score(1)),
      ...at('2026-03-11T10:00:00.000Z', undefined, score(0.25)),
    ];
    expect(scoresOverTime(learnerStatements(entries))).toEqual([
      { date: '2025-11-05', mean: 0.5, count: 1 },
      { date: '2026-03-10', mean: 1, count: 1 },
      { date: '2026-03-11', mean: 0.25, count: 1 },
    ]);
  });

  it('takes the assessment taken last as the profile, even when an older one was sent after it', () => {
    const scores = (visual: number) => ({ visual, auditory: 1, kinesthetic: 1, reading: 1 });
    const taken = assessment('2026-03-01T00:00:00.000Z', scores(60));
    const backfilled = entriesOf('2026-03-05T00:00:00.000Z', { ...assessmentStatement(scores(20)), timestamp: '2025-09-01T00:00:00Z' });
    expect(learningStyleProfile([...taken, ...backfilled])).toMatchObject({ scores: scores(60), assessedAt: '2026-03-01T00:00:00.000Z', assessments: 2 });
  });
});

describe('all the analytics at once', () => {
  it('leaves out what Ana did not learn herself, and takes 10,000 entries in one pass', () => {
    const entries: TimelineEntry[] = [];
    for (let i = 0; i < 10_000; i += 1) {
      const at = new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString();
      entries.push(...entriesOf(at, { verb: verb(i % 4 === 0 ? 'completed' : 'attempted'), object: activity(`q${i % 100}`, QUESTION), result: { score: { scaled: (i % 10) / 10 } } }));
    }
    entries.push(...assessment('2027-01-01T00:00:00.000Z', { visual: 1, auditory: 2, kinesthetic: 3, reading: 4 }));
    entries.push(...entriesOf('2027-01-02T00:00:00.000Z', { actor: TUTOR, verb: verb('completed'), object: activity('other', LESSON), context: { instructor: ANA }, result: { score: { scaled: 1 } } }));
    const started = performance.now();
    const analytics = passportAnalytics(entries);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(analytics.learningStyle?.scores).toEqual({ visual: 1, auditory: 2, kinesthetic: 3, reading: 4 });
    expect(analytics.progress).toMatchObject({ completed: 26, total: 101, percent: 25 });
    expect(analytics.activityTypes[0]).toEqual({ activityType: QUESTION, kind: 'interaction', count: 10_000 });
    expect(analytics.scores).toHaveLength(417);
    expect(analytics.scores[0]).toEqual({ date: '2026-01-01', mean: (0 + 0.1 + 0.2 + 0.3 + 0.4 + 0.5 + 0.6 + 0.7 + 0.8 + 0.9 + 0 + 0.1 + 0.2 + 0.3 + 0.4 + 0.5 + 0.6 + 0.7 + 0.8 + 0.9 + 0 + 0.1 + 0.2 + 0.3) / 24, count: 24 });
    expect(analytics.scores.at(-1)).toMatchObject({ date: '2027-02-21', count: 16 });
  });
});
