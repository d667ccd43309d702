import { randomUUID } from 'node:crypto';
import type { StoredStatement } from '../src/xapi/types';

/** A realistic statement (about 1.5 KB) for tests and benchmarks; override any part. */
export function sampleStatement(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const n = Math.floor(Math.random() * 1_000_000);
  return {
    actor: { objectType: 'Agent', name: `Learner ${n}`, mbox: `mailto:learner${n}@example.org` },
    verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-US': 'completed', 'es-ES': 'completó' } },
    object: {
      objectType: 'Activity',
      id: `http://example.org/courses/algebra/lessons/${n % 50}`,
      definition: {
        name: { 'en-US': 'Linear algebra, lesson 3', 'es-ES': 'Álgebra lineal, lección 3' },
        description: { 'en-US': 'Systems of linear equations, solved step by step with matrices.' },
        type: 'http://adlnet.gov/expapi/activities/lesson',
        extensions: { 'http://example.org/extensions/difficulty': { level: 3, tags: ['matrices', 'systems'] } },
      },
    },
    result: {
      score: { scaled: 0.85, raw: 85, min: 0, max: 100 },
      success: true,
      completion: true,
      duration: 'PT25M12S',
      extensions: { 'http://example.org/extensions/attempts': [[1, 2], [3]] },
    },
    context: {
      registration: randomUUID(),
      instructor: { objectType: 'Agent', name: 'Tutor', account: { homePage: 'http://tutors.example.org', name: 'tutor-7' } },
      contextActivities: {
        parent: [{ objectType: 'Activity', id: 'http://example.org/courses/algebra' }],
        grouping: [{ objectType: 'Activity', id: 'http://example.org/programs/math' }],
        category: [{ id: 'http://example.org/profiles/keiko' }],
      },
      platform: 'Keiko test suite',
      language: 'en-US',
      extensions: { 'http://example.org/extensions/session.id': 'session-42', 'http://example.org/x': { $gt: 'not an operator' } },
    },
    timestamp: new Date(Date.now() - 60_000).toISOString(),
    ...overrides,
  };
}

/** A sample statement with what the LRS sets (id, stored, authority, version), as it is stored. */
export function sampleStoredStatement(): StoredStatement {
  return {
    ...sampleStatement(),
    id: randomUUID(),
    stored: new Date().toISOString(),
    authority: { objectType: 'Agent', mbox: 'mailto:lrs@example.org' },
    version: '1.0.3',
  } as unknown as StoredStatement;
}

/** A fixed, minimal stored statement, for digests and vectors that must not change. */
export const FIXED_STORED_STATEMENT: StoredStatement = {
  id: '6690e6c9-3ef0-4ed3-8b37-7f3964730bee',
  actor: { mbox: 'mailto:ana@example.org', name: 'Ana' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
  object: { id: 'http://example.org/courses/1' },
  timestamp: '2024-05-01T10:00:00.000Z',
  stored: '2024-05-01T10:00:00.123Z',
  authority: { mbox: 'mailto:lrs@example.org' },
  version: '1.0.3',
};
