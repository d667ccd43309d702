/**
 * Keiko's four profiles and their example statements: each profile compiles without problems, each template has a
 * valid and an invalid example, every example is a statement the LRS accepts, each valid example matches exactly its
 * template, and each invalid example is a subject of the profile that fails exactly its template on the rule
 * documented in examples/index.json.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../../../test-support/app';
import { advancePatterns, checkStatement, compileProfile, initialPatternStates, type CompiledProfile } from '../engine';
import { createStatementValidator } from '../../xapi/statements/validation/validate-statement';

interface ExampleEntry {
  valid: string;
  invalid: string;
  brokenRule: string;
  why: string;
}

interface Statement {
  id: string;
  context?: { extensions?: Record<string, unknown> };
  result?: { extensions?: Record<string, unknown> };
  object: { definition?: { extensions?: Record<string, unknown> } };
}

interface ProfileDocument {
  id: string;
  concepts: { id: string; type: string; inlineSchema?: string }[];
  templates: { id: string }[];
}

const PROFILES = ['passport', 'reputation', 'marketplace', 'governance'];

/**
 * Registrations as the templates their statements match, in order, and the primary pattern each one completes
 * (null: it completes none — out of order, or unfinished).
 */
const LIFECYCLES: Record<string, [string[], string | null][]> = {
  passport: [
    [['share-created', 'share-revoked'], 'share-lifecycle'],
    [['share-created'], 'share-lifecycle'],
    [['share-revoked'], null],
    [['share-created', 'share-revoked', 'share-revoked'], null],
    [['item-hidden', 'visibility-restored'], 'hiding-lifecycle'],
    [['category-hidden'], 'hiding-lifecycle'],
    [['credential-issued', 'credential-revoked'], 'credential-lifecycle'],
    [['achievement-earned', 'learning-style-assessed', 'preference-stated', 'achievement-earned'], 'learning-records'],
  ],
  reputation: [
    [['person-rated', 'person-rated', 'rating-replied', 'person-rated'], 'session-feedback'],
    [['rating-replied', 'person-rated'], null],
    [['appeal-filed', 'appeal-under-review', 'appeal-upheld'], 'appeal'],
    [['appeal-filed', 'appeal-rejected'], 'appeal'],
    [['appeal-filed', 'appeal-under-review'], null],
    [['appeal-filed', 'appeal-upheld', 'appeal-rejected'], null],
    [['fraud-flagged', 'fraud-flagged', 'penalty-applied', 'penalty-lifted'], 'moderation-case'],
    [['penalty-applied'], null],
  ],
  marketplace: [
    [['space-registered', 'availability-published', 'space-verified', 'verification-withdrawn', 'space-updated'], 'space-lifecycle'],
    [['space-verified'], null],
    [
      [
        'reservation-held',
        'reservation-confirmed',
        'reservation-modified',
        'reservation-confirmed',
        'reservation-attended',
        'reservation-attended',
        'space-rated',
        'space-rated',
      ],
      'reservation-lifecycle',
    ],
    [['reservation-held', 'reservation-confirmed', 'reservation-modified', 'reservation-rejected', 'reservation-cancelled'], 'reservation-lifecycle'],
    [['reservation-held', 'hold-expired'], 'reservation-lifecycle'],
    [['reservation-held', 'reservation-rejected'], 'reservation-lifecycle'],
    [['reservation-held', 'reservation-attended'], null],
    [['reservation-held', 'reservation-confirmed', 'space-rated'], null],
    [['reservation-held', 'hold-expired', 'reservation-confirmed'], null],
  ],
  governance: [
    [
      [
        'proposal-submitted',
        'ballot-cast',
        'ballot-committed',
        'ballot-cast',
        'ballot-revealed',
        'proposal-adopted',
        'rule-adopted',
        'recognition-granted',
      ],
      'proposal-process',
    ],
    [['proposal-submitted', 'proposal-rejected'], 'proposal-process'],
    [['proposal-submitted', 'ballot-cast'], null],
    [['proposal-submitted', 'proposal-rejected', 'rule-adopted'], null],
    [['proposal-submitted', 'ballot-revealed', 'ballot-cast', 'proposal-adopted'], null],
    [['member-joined', 'member-left'], 'membership'],
    [['member-left'], null],
    [['delegation-granted', 'delegation-revoked'], 'delegation'],
  ],
};

function readJson<T>(...path: string[]): T {
  return JSON.parse(readFileSync(join(__dirname, ...path), 'utf8')) as T;
}

function loadProfile(name: string) {
  const document = readJson<ProfileDocument>(name, 'profile.jsonld');
  const index = readJson<Record<string, ExampleEntry>>(name, 'examples', 'index.json');
  const example = (file: string) => readJson<Statement>(name, 'examples', file);
  const validById = new Map(Object.values(index).map((entry) => [example(entry.valid).id, example(entry.valid)]));
  return { document, index, example, referenced: (id: string) => validById.get(id) };
}

function compiled(document: unknown): CompiledProfile {
  const result = compileProfile(document);
  if ('problems' in result) throw new Error(`profile does not compile: ${JSON.stringify(result.problems, null, 2)}`);
  return result.profile;
}

/** Each extension of a statement paired with where it sits, so it can be checked against its concept. */
function extensionsOf(statement: Statement): { where: string; key: string; value: unknown }[] {
  const places: [string, Record<string, unknown> | undefined][] = [
    ['ContextExtension', statement.context?.extensions],
    ['ResultExtension', statement.result?.extensions],
    ['ActivityExtension', statement.object.definition?.extensions],
  ];
  return places.flatMap(([where, extensions]) =>
    Object.entries(extensions ?? {}).map(([key, value]) => ({ where, key, value })),
  );
}

describe.each(PROFILES)('Keiko %s profile', (name) => {
  const { document, index, example, referenced } = loadProfile(name);
  const templateIds = document.templates.map((template) => template.id);
  const entries = Object.entries(index);

  it('compiles with no problems', () => {
    expect(compileProfile(document)).toEqual({ profile: expect.objectContaining({ id: document.id }) });
  });

  it('has a valid and an invalid example for every template, and none for anything else', () => {
    expect(Object.keys(index).sort()).toEqual([...templateIds].sort());
  });

  it('has only examples the LRS accepts as xAPI 1.0.3 statements', () => {
    const validator = createStatementValidator();
    for (const [, entry] of entries) {
      for (const file of [entry.valid, entry.invalid]) {
        expect(() => validator.validateStatement(example(file), file)).not.toThrow();
      }
    }
  });

  it('uses its own extensions only where their type allows, with values their inline schemas accept (valid examples)', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const concepts = new Map(document.concepts.map((concept) => [concept.id, concept]));
    for (const [, entry] of entries) {
      for (const { where, key, value } of extensionsOf(example(entry.valid))) {
        const concept = concepts.get(key);
        if (!concept) continue; // an extension of another vocabulary
        expect({ file: entry.valid, key, type: concept.type }).toEqual({ file: entry.valid, key, type: where });
        if (concept.inlineSchema) {
          const validate = ajv.compile(JSON.parse(concept.inlineSchema) as object);
          expect({ file: entry.valid, key, valid: validate(value), errors: validate.errors ?? null }).toEqual({
            file: entry.valid,
            key,
            valid: true,
            errors: null,
          });
        }
      }
    }
  });

  describe('posted to the LRS (no plugins, so no profile is enforced)', () => {
    let lrs: TestLrs;
    beforeAll(async () => {
      lrs = await createTestLrs({}, []);
    });
    afterAll(() => lrs.close());

    it('accepts every example, valid and invalid, with the ids they carry', async () => {
      const statements = entries.flatMap(([, entry]) => [example(entry.valid), example(entry.invalid)]);
      const posted = await request(lrs.app).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth).send(statements);
      expect({ status: posted.status, body: posted.body as unknown }).toEqual({ status: 200, body: statements.map((statement) => statement.id) });
    });
  });

  describe('against the profile engine', () => {
    let profile: CompiledProfile;
    beforeAll(() => {
      profile = compiled(document);
    });

    it.each(entries)('the valid example of %s matches exactly that template', (templateId, entry) => {
      const check = checkStatement(profile, example(entry.valid), referenced);
      expect(check).toEqual(expect.objectContaining({ subject: true, matched: [templateId], failures: [] }));
    });

    it.each(entries)('the invalid example of %s fails that template on its documented rule', (templateId, entry) => {
      const check = checkStatement(profile, example(entry.invalid), referenced);
      expect(check.subject).toBe(true);
      expect(check.matched).toEqual([]);
      expect(check.failures.map((failure) => failure.templateId)).toEqual(
        check.failures.map(() => templateId),
      );
      expect(check.failures.map((failure) => failure.location)).toContain(entry.brokenRule);
    });

    it.each(LIFECYCLES[name]!)('registration %j completes primary pattern %s', (slugs, pattern) => {
      let state = initialPatternStates(profile);
      let completed: string[] = [];
      for (const slug of slugs) {
        const step = advancePatterns(profile, state, [`${document.id}/templates/${slug}`]);
        state = step.state;
        completed = step.results.filter((result) => result.status === 'matched').map((result) => result.patternId);
      }
      expect(completed).toEqual(pattern ? [`${document.id}/patterns/${pattern}`] : []);
    });
  });
});

/** Statements other systems send, with verbs and activity types the Keiko profiles also use. */
function foreignStatements(): object[] {
  const learner = { objectType: 'Agent', account: { homePage: 'https://lms.example', name: 'learner-1' } };
  const tutor = { objectType: 'Agent', account: { homePage: 'https://lms.example', name: 'tutor-1' } };
  const activity = (id: string, type: string) => ({ objectType: 'Activity', id: `https://lms.example/${id}`, definition: { type } });
  const statement = (verb: string, object: object, extra: object = {}) => ({
    actor: learner,
    verb: { id: verb, display: { en: verb.split('/').pop() } },
    object,
    timestamp: '2026-03-01T10:00:00Z',
    ...extra,
  });
  const session = activity('sessions/1', 'http://id.tincanapi.com/activitytype/tutor-session');
  return [
    statement('http://adlnet.gov/expapi/verbs/completed', activity('courses/algebra', 'http://adlnet.gov/expapi/activities/course'), {
      context: { registration: 'a1b2c3d4-0000-4000-8000-000000000001' },
    }),
    statement('http://adlnet.gov/expapi/verbs/completed', activity('quizzes/1', 'http://adlnet.gov/expapi/activities/assessment')),
    statement('http://adlnet.gov/expapi/verbs/shared', activity('files/notes', 'http://adlnet.gov/expapi/activities/file')),
    statement('http://adlnet.gov/expapi/verbs/attended', session),
    statement('http://activitystrea.ms/schema/1.0/create', activity('groups/1', 'http://activitystrea.ms/schema/1.0/group')),
    statement('http://activitystrea.ms/schema/1.0/join', activity('groups/1', 'http://activitystrea.ms/schema/1.0/group')),
    statement('http://activitystrea.ms/schema/1.0/approve', { objectType: 'StatementRef', id: 'a1b2c3d4-0000-4000-8000-000000000002' }),
    statement('http://activitystrea.ms/schema/1.0/cancel', activity('events/1', 'http://activitystrea.ms/schema/1.0/event')),
    statement('http://id.tincanapi.com/verb/earned', activity('badges/1', 'http://activitystrea.ms/schema/1.0/badge')),
    statement('http://id.tincanapi.com/verb/rated', activity('courses/algebra', 'http://adlnet.gov/expapi/activities/course'), {
      result: { score: { raw: 9, min: 0, max: 10 } },
    }),
    statement('http://id.tincanapi.com/verb/replied', activity('discussions/1', 'http://id.tincanapi.com/activitytype/discussion'), {
      context: { contextActivities: { parent: [session] } },
    }),
    statement('http://adlnet.gov/expapi/verbs/voided', { objectType: 'StatementRef', id: 'a1b2c3d4-0000-4000-8000-000000000003' }, {
      actor: tutor,
    }),
  ];
}

describe('the four Keiko profiles side by side', () => {
  const profiles = PROFILES.map((name) => ({ name, profile: compiled(loadProfile(name).document) }));
  const nothing = () => undefined;

  it.each(PROFILES)('leave statements of other systems alone: none is a subject of the %s profile', (name) => {
    const { profile } = profiles.find((entry) => entry.name === name)!;
    for (const statement of foreignStatements()) {
      expect({ statement, check: checkStatement(profile, statement, nothing) }).toEqual({
        statement,
        check: expect.objectContaining({ subject: false, matched: [], failures: [] }),
      });
    }
  });

  it.each(PROFILES)('claim none of the %s examples for another profile', (name) => {
    const { index, example } = loadProfile(name);
    for (const other of profiles.filter((entry) => entry.name !== name)) {
      for (const [, entry] of Object.entries(index)) {
        const check = checkStatement(other.profile, example(entry.valid), nothing);
        expect({ file: entry.valid, profile: other.name, subject: check.subject }).toEqual({ file: entry.valid, profile: other.name, subject: false });
      }
    }
  });
});
