/**
 * compileProfile: Part Two's structure rules, each problem reported with a JSON Pointer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EXAMPLE_VERSION_ID, ProfileParts, profileDocument } from './document-builder';
import { ProfileProblem, compileProfile } from './index';

const published = (file: string) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'published', file), 'utf8')) as unknown;
const ex = (name: string) => `https://example.org/profiles/example/${name}`;

function problemsOf(document: unknown): ProfileProblem[] {
  const result = compileProfile(document);
  return 'problems' in result ? result.problems : [];
}

function expectProblem(document: unknown, path: string, message: RegExp): void {
  expect(problemsOf(document)).toEqual(expect.arrayContaining([{ path, message: expect.stringMatching(message) }]));
}

const verb = { id: ex('verbs/did'), type: 'Verb' };
const activityType = { id: ex('types/thing'), type: 'ActivityType' };
const template = (name: string, extra: Record<string, unknown> = {}) => ({ id: ex(`templates/${name}`), verb: verb.id, ...extra });
const parts = (more: ProfileParts = {}): ProfileParts => ({ concepts: [verb, activityType], templates: [template('a'), template('b')], ...more });

describe('compileProfile', () => {
  it('compiles a valid profile and describes it', () => {
    const result = compileProfile(
      profileDocument(parts({ patterns: [{ id: ex('patterns/main'), primary: true, sequence: [ex('templates/a'), ex('templates/b')] }] })),
    );
    expect('profile' in result).toBe(true);
    if (!('profile' in result)) return;
    expect(result.profile).toMatchObject({
      id: 'https://example.org/profiles/example',
      versionId: EXAMPLE_VERSION_ID,
      versions: [EXAMPLE_VERSION_ID],
      prefLabel: { en: 'Example profile' },
      templates: [{ id: ex('templates/a'), needsStatementRef: false }, { id: ex('templates/b') }],
      patterns: [{ id: ex('patterns/main'), primary: true }],
      concepts: [{ id: verb.id, type: 'Verb' }, { id: activityType.id, type: 'ActivityType' }],
    });
  });

  it('takes the newest version by generatedAtTime as the current one (§6.1)', () => {
    const document = profileDocument({
      top: {
        versions: [
          { id: ex('v1'), generatedAtTime: '2020-01-01T00:00:00Z' },
          { id: ex('v2'), generatedAtTime: '2021-01-01T00:00:00Z', wasRevisionOf: [ex('v1')] },
        ],
      },
    });
    const result = compileProfile(document);
    expect('profile' in result && result.profile.versionId).toBe(ex('v2'));
    expect('profile' in result && result.profile.versions).toEqual([ex('v1'), ex('v2')]);
  });

  describe('JSON-LD (§2.0, §4.0, §10.0): every @context resolved offline', () => {
    it('requires the profile context', () => {
      expectProblem(profileDocument({ top: { '@context': undefined } }), '/@context', /required/);
      expectProblem(profileDocument({ top: { '@context': 'https://w3id.org/xapi/profiles/activity-context' } }), '/@context', /must be "https:\/\/w3id.org\/xapi\/profiles\/context"/);
    });

    it('refuses an unknown remote context instead of fetching it', () => {
      const document = profileDocument({ top: { '@context': ['https://w3id.org/xapi/profiles/context', 'https://example.org/other-context'] } });
      expectProblem(document, '/@context/1', /unknown @context "https:\/\/example.org\/other-context".*offline/);
    });

    it('accepts inline contexts and the terms they define', () => {
      const document = profileDocument({ top: { '@context': ['https://w3id.org/xapi/profiles/context', { keiko: 'https://keiko.example/ns#', note: 'keiko:note' }], note: 'hi' } });
      expect(problemsOf(document)).toEqual([]);
    });

    it('wants properties that are not terms to be IRIs', () => {
      expectProblem(profileDocument({ top: { colour: 'blue' } }), '/colour', /not defined by the profile context/);
      expect(problemsOf(profileDocument({ top: { 'https://example.org/colour': 'blue', 'schemaorg:colour': 'blue' } }))).toEqual([]);
      expectProblem(profileDocument({ top: { verb: verb.id } }), '/verb', /not a property of a Profile/);
    });

    it('forbids empty and null values (§4.0)', () => {
      const document = profileDocument({ templates: [template('a', { rules: [] })], top: { seeAlso: '' } });
      expectProblem(document, '/templates/0/rules', /empty array/);
      expectProblem(document, '/seeAlso', /empty string/);
      expectProblem(profileDocument({ top: { definition: null } }), '/definition', /null/);
    });
  });

  describe('profile metadata (§6)', () => {
    it('checks required properties and their types', () => {
      expectProblem(profileDocument({ top: { type: 'Thing' } }), '/type', /"Profile"/);
      expectProblem(profileDocument({ top: { id: 'not an iri' } }), '/id', /absolute IRI/);
      expectProblem(profileDocument({ top: { author: undefined } }), '/author', /required/);
      expectProblem(profileDocument({ top: { author: { type: 'Team', name: 'x' } } }), '/author/type', /Organization/);
      expectProblem(profileDocument({ top: { prefLabel: { 'not a tag!': 'x' } } }), '/prefLabel/not a tag!', /language tag/);
      expectProblem(profileDocument({ top: { conformsTo: 'https://w3id.org/xapi/profiles#0.9' } }), '/conformsTo', /#1.0/);
      expectProblem(profileDocument({ top: { versions: [{ id: ex('v1'), generatedAtTime: 'yesterday' }] } }), '/versions/0/generatedAtTime', /ISO 8601/);
    });

    it('wants ids unique, versions distinct from the profile (§6.1)', () => {
      expectProblem(profileDocument({ top: { versions: [{ id: 'https://example.org/profiles/example', generatedAtTime: '2026-01-01T00:00:00Z' }] } }), '/versions/0/id', /already the id of the profile/);
      expectProblem(profileDocument(parts({ templates: [template('a'), template('a')] })), '/templates/1/id', /already the id of \/templates\/0/);
    });
  });

  describe('inScheme (§7, §8, §9)', () => {
    it('must be one of the profile versions', () => {
      expectProblem(profileDocument(parts({ templates: [template('a', { inScheme: ex('v9') })] })), '/templates/0/inScheme', /not one of the profile's versions/);
      expectProblem(profileDocument({ concepts: [{ ...verb, inScheme: ex('v9') }] }), '/concepts/0/inScheme', /not one of the profile's versions/);
      expectProblem(
        profileDocument(parts({ patterns: [{ id: ex('patterns/p'), inScheme: ex('v9'), alternates: [ex('templates/a'), ex('templates/b')] }] })),
        '/patterns/0/inScheme',
        /not one of the profile's versions/,
      );
    });
  });

  describe('concepts (§7)', () => {
    it('relates broader/narrower/related only to concepts of the same type in the profile (§7.1)', () => {
      expectProblem(profileDocument({ concepts: [{ ...verb, broader: [activityType.id] }, activityType] }), '/concepts/0/broader/0', /is a ActivityType of this profile.*not a Verb/);
      expectProblem(profileDocument({ concepts: [{ ...verb, narrower: [ex('verbs/elsewhere')] }] }), '/concepts/0/narrower/0', /not a Verb of this profile/);
      expectProblem(profileDocument({ concepts: [{ ...verb, related: [verb.id] }] }), '/concepts/0/related', /only be used on deprecated/);
      expect(problemsOf(profileDocument({ concepts: [{ ...verb, exactMatch: ['http://other.example/verbs/did'] }] }))).toEqual([]);
    });

    it('checks extensions and document resources (§7.2, §7.3)', () => {
      const extension = { id: ex('ext/e'), type: 'ContextExtension' };
      expectProblem(profileDocument({ concepts: [{ ...extension, recommendedActivityTypes: [activityType.id] }, activityType] }), '/concepts/0/recommendedActivityTypes', /only allowed on an ActivityExtension/);
      expectProblem(profileDocument({ concepts: [{ ...extension, schema: 'https://example.org/s.json', inlineSchema: '{}' }] }), '/concepts/0/inlineSchema', /at most one/);
      expectProblem(profileDocument({ concepts: [{ ...extension, inlineSchema: '{not json' }] }), '/concepts/0/inlineSchema', /JSON Schema/);
      expectProblem(profileDocument({ concepts: [{ id: ex('res/r'), type: 'StateResource' }] }), '/concepts/0/contentType', /required/);
      expectProblem(profileDocument({ concepts: [{ id: ex('c'), type: 'Widget' }] }), '/concepts/0/type', /must be one of/);
    });

    it('wants Activity concepts to carry the activity context (§7.4)', () => {
      const activity = { id: ex('activities/one'), type: 'Activity', activityDefinition: { name: { en: 'One' } } };
      expectProblem(profileDocument({ concepts: [activity] }), '/concepts/0/activityDefinition/@context', /required/);
      const withContext = { ...activity, activityDefinition: { '@context': 'https://w3id.org/xapi/profiles/activity-context', name: { en: 'One' }, extensions: { 'https://example.org/x': { a: 1 } } } };
      expectProblem(profileDocument({ concepts: [withContext] }), '/concepts/0/activityDefinition/extensions/https:~1~1example.org~1x', /@context/);
      const context = 'https://w3id.org/xapi/profiles/activity-context';
      const illegal = (definition: object) => profileDocument({ concepts: [{ ...activity, activityDefinition: { '@context': context, ...definition } }] });
      expectProblem(illegal({ interactionType: 'bogus' }), '/concepts/0/activityDefinition/interactionType', /legal xAPI Activity Definition.*must be one of true-false/);
      expectProblem(illegal({ interactionType: 'choice', choices: [{ description: { en: 'A' } }] }), '/concepts/0/activityDefinition/choices/0/id', /legal xAPI Activity Definition.*required/);
      expectProblem(illegal({ name: 'One' }), '/concepts/0/activityDefinition/name', /legal xAPI Activity Definition/);
      expect(problemsOf(illegal({ name: { en: 'One' }, type: 'https://example.org/types/thing', interactionType: 'choice', choices: [{ id: 'a', description: { en: 'A' } }] }))).toEqual([]);
    });
  });

  describe('Statement Templates (§8)', () => {
    it('wants determining properties to name concepts of the right type, or outside IRIs', () => {
      expectProblem(profileDocument(parts({ templates: [template('a', { verb: activityType.id })] })), '/templates/0/verb', /is a ActivityType of this profile.*not a Verb/);
      expectProblem(profileDocument(parts({ templates: [template('a', { contextParentActivityType: [verb.id] })] })), '/templates/0/contextParentActivityType/0', /not a ActivityType/);
      expect(problemsOf(profileDocument(parts({ templates: [template('a', { verb: 'http://adlnet.gov/expapi/verbs/launched' })] })))).toEqual([]);
    });

    it('wants StatementRef templates to be templates of the profile, and not both object properties', () => {
      expectProblem(profileDocument(parts({ templates: [template('a', { objectStatementRefTemplate: [ex('templates/nowhere')] })] })), '/templates/0/objectStatementRefTemplate/0', /not a StatementTemplate of this profile/);
      expectProblem(
        profileDocument(parts({ templates: [template('a', { objectStatementRefTemplate: [ex('templates/a')], objectActivityType: activityType.id })] })),
        '/templates/0/objectStatementRefTemplate',
        /not have both/,
      );
    });

    it('checks rules: a JSONPath of the subset, presence values, at least one requirement (§8.1)', () => {
      const withRules = (...rules: object[]) => profileDocument(parts({ templates: [template('a', { rules })] }));
      expectProblem(withRules({ location: '$.result[?(@.success)]', presence: 'included' }), '/templates/0/rules/0/location', /filter and script/);
      expectProblem(withRules({ location: '$..id', presence: 'included' }), '/templates/0/rules/0/location', /recursive descent/);
      expectProblem(withRules({ location: '$.context', selector: '$.a[', presence: 'included' }), '/templates/0/rules/0/selector', /JSONPath/);
      expectProblem(withRules({ location: '$.id', presence: 'sometimes' }), '/templates/0/rules/0/presence', /included/);
      expectProblem(withRules({ location: '$.id' }), '/templates/0/rules/0', /at least one of presence/);
      expectProblem(withRules({ location: '$.id', presence: 'included', any: 'x' }), '/templates/0/rules/0/any', /array/);
      expect(problemsOf(withRules({ location: "$.id | $.context.extensions['https://example.org/e']", presence: 'included' }))).toEqual([]);
    });
  });

  describe('Patterns (§9)', () => {
    const withPatterns = (...patterns: Array<Record<string, unknown>>) => profileDocument(parts({ patterns }));
    const p = (name: string) => ex(`patterns/${name}`);
    const t = (name: string) => ex(`templates/${name}`);

    it('wants exactly one of sequence, alternates, optional, oneOrMore and zeroOrMore', () => {
      expectProblem(withPatterns({ id: p('x'), optional: t('a'), oneOrMore: t('b') }), '/patterns/0', /exactly one of.*it has optional, oneOrMore/);
      expectProblem(withPatterns({ id: p('x') }), '/patterns/0', /it has none/);
    });

    it('refers only to templates and patterns of the profile', () => {
      expectProblem(withPatterns({ id: p('x'), sequence: [t('a'), t('missing')] }), '/patterns/0/sequence/1', /not a StatementTemplate or Pattern of this profile/);
      expectProblem(withPatterns({ id: p('x'), oneOrMore: verb.id }), '/patterns/0/oneOrMore', /is a Verb/);
    });

    it('refuses cycles, at any depth, naming them', () => {
      expectProblem(withPatterns({ id: p('x'), oneOrMore: p('x') }), '/patterns/0', /contain themselves.*patterns\/x → .*patterns\/x/);
      const problems = problemsOf(
        withPatterns(
          { id: p('x'), sequence: [t('a'), p('y')] },
          { id: p('y'), alternates: [t('b'), p('z')] },
          { id: p('z'), oneOrMore: p('x') },
        ),
      );
      expect(problems).toEqual([expect.objectContaining({ message: expect.stringMatching(/x → .*y → .*z → .*x/) })]);
    });

    it('handles long chains of patterns without recursion in the cycle check', () => {
      const chain = Array.from({ length: 5000 }, (_, i) => ({ id: p(`c${i}`), oneOrMore: i === 4999 ? p('c0') : p(`c${i + 1}`) }));
      expect(problemsOf(withPatterns(...chain))).toEqual([expect.objectContaining({ path: '/patterns/0', message: expect.stringMatching(/contain themselves/) })]);
    });

    it('applies the authoring rules: primary labels, two members, no optional/zeroOrMore directly in alternates', () => {
      expectProblem(profileDocument(parts({ patterns: [{ id: p('x'), primary: true, sequence: [t('a'), t('b')], definition: undefined }] })), '/patterns/0/definition', /primary Pattern must have definition/);
      expectProblem(withPatterns({ id: p('x'), alternates: [t('a')] }), '/patterns/0/alternates', /at least two/);
      expectProblem(withPatterns({ id: p('x'), sequence: [t('a')] }), '/patterns/0/sequence', /at least two members/);
      expect(problemsOf(withPatterns({ id: p('x'), primary: true, sequence: [t('a')] }))).toEqual([]);
      expectProblem(
        withPatterns({ id: p('x'), alternates: [t('a'), p('z')] }, { id: p('z'), zeroOrMore: t('b') }),
        '/patterns/0/alternates/1',
        /zeroOrMore Pattern: those must not be directly inside alternates/,
      );
    });

    it('bounds the work of building the automata of all primary patterns', () => {
      const many = Array.from({ length: 500 }, (_, i) => ({ id: t(`w${i}`), verb: verb.id }));
      const document = profileDocument({
        concepts: [verb],
        templates: many,
        patterns: [
          { id: p('any'), alternates: many.map((template) => template.id) },
          { id: p('loop'), zeroOrMore: p('any') },
          { id: p('first'), primary: true, sequence: [p('loop'), p('loop')] },
          { id: p('second'), primary: true, sequence: [p('loop'), p('loop')] },
        ],
      });
      const started = Date.now();
      expectProblem(document, '/patterns/3', /too large to match: more than 1000000 links/);
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('refuses primary patterns too large to match once expanded', () => {
      const doubling = Array.from({ length: 12 }, (_, i) => ({ id: p(`d${i}`), sequence: i === 0 ? [t('a'), t('b')] : [p(`d${i - 1}`), p(`d${i - 1}`)] }));
      const document = profileDocument(parts({ patterns: [...doubling, { id: p('top'), primary: true, sequence: [p('d11'), t('a')] }] }));
      expectProblem(document, '/patterns/12', /too large/);
    });
  });

  describe('published profiles (ADL xapi-authored-profiles)', () => {
    it('reports exactly the missing template definitions of cmi5 v1.0 as published', () => {
      const problems = problemsOf(published('cmi5/cmi5-v1.0.jsonld'));
      expect(problems).toHaveLength(10);
      expect(problems.every((problem) => /^\/templates\/\d+\/definition$/.test(problem.path) && /required/.test(problem.message))).toBe(true);
    });

    it('compiles cmi5 v1.0 with the definitions added, and the video profile', () => {
      const cmi5 = compileProfile(published('cmi5/cmi5-v1.0-keiko.jsonld'));
      expect('profile' in cmi5 && cmi5.profile).toMatchObject({ id: 'https://w3id.org/xapi/cmi5', versionId: 'https://w3id.org/xapi/cmi5/v1.0' });
      expect('profile' in cmi5 && cmi5.profile.templates).toHaveLength(10);
      expect('profile' in cmi5 && cmi5.profile.patterns.filter((pattern) => pattern.primary).map((pattern) => pattern.id)).toEqual(['https://w3id.org/xapi/cmi5#toplevel']);
      const video = compileProfile(published('video/video.jsonld'));
      expect('profile' in video && video.profile.templates).toHaveLength(9);
    });
  });

  it('refuses documents nested more than 100 levels deep, rule values included, without recursing', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 20_000; i += 1) deep = [deep];
    const document = profileDocument({ concepts: [verb], templates: [template('a', { rules: [{ location: '$.result.response', any: [deep] }] })] });
    const problems = problemsOf(document);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toMatch(/^\/templates\/0\/rules\/0\/any\/0(\/0)+$/);
    expect(problems[0]!.message).toBe('nested more than 100 levels deep');
  });

  it('accepts any JSON value in any/all/none, empty ones included (they are statement values)', () => {
    const rules = [{ location: '$.result.response', none: ['', {}, [], null, { a: [1, { b: '' }] }] }];
    expect(problemsOf(profileDocument({ concepts: [verb], templates: [template('a', { rules })] }))).toEqual([]);
  });

  it('lists the first 100 problems and counts the others', () => {
    const templates = Array.from({ length: 150 }, (_, i) => template(`t${i}`, { inScheme: ex('v9') }));
    const problems = problemsOf(profileDocument({ concepts: [verb], templates }));
    expect(problems).toHaveLength(101);
    expect(problems[100]).toEqual({ path: '', message: 'and 50 more problems' });
  });

  it('answers a non-object with one problem', () => {
    expect(compileProfile([])).toEqual({ problems: [{ path: '', message: 'a profile is a JSON object' }] });
    expect(compileProfile('profile')).toEqual({ problems: [{ path: '', message: 'a profile is a JSON object' }] });
  });
});
