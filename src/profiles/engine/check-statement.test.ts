/**
 * checkStatement and statementRefsNeeded: determining properties, subjects, StatementRef
 * templates and rules (Part Two §5.0, §8; Part Three §2.1), on built profiles and on cmi5.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CMI5_CATEGORY, cmi5Statement } from '../published/cmi5/statements';
import { EXAMPLE_VERSION_ID, ProfileParts, profileDocument } from './document-builder';
import { CompiledProfile, MAX_REFERENCE_DEPTH, checkStatement, compileProfile, statementRefsNeeded } from './index';

const ex = (name: string) => `https://example.org/profiles/example/${name}`;
const none = () => undefined;

function compiled(document: unknown): CompiledProfile {
  const result = compileProfile(document);
  if ('problems' in result) throw new Error(JSON.stringify(result.problems));
  return result.profile;
}

const build = (parts: ProfileParts) => compiled(profileDocument(parts));

const statement = (verb: string, extra: Record<string, unknown> = {}) => ({
  id: 'd0d1e9b6-7f8e-4d2b-9d43-000000000001',
  actor: { mbox: 'mailto:learner@example.org' },
  verb: { id: ex(`verbs/${verb}`) },
  object: { id: ex('activities/one'), definition: { type: ex('types/lesson') } },
  ...extra,
});

describe('determining properties (Part Two §8.0)', () => {
  const profile = build({
    templates: [
      { id: ex('templates/by-verb'), verb: ex('verbs/did') },
      { id: ex('templates/by-type'), verb: ex('verbs/did'), objectActivityType: ex('types/lesson') },
      { id: ex('templates/grouped'), verb: ex('verbs/did'), contextGroupingActivityType: [ex('types/course'), ex('types/unit')] },
      { id: ex('templates/attached'), attachmentUsageType: [ex('usage/signature')] },
    ],
  });

  it('selects templates by verb and object activity type', () => {
    expect(checkStatement(profile, statement('did'), none)).toEqual({
      profileId: profile.id,
      subject: true,
      matched: [ex('templates/by-verb'), ex('templates/by-type')],
      failures: [],
    });
    expect(checkStatement(profile, statement('did', { object: { id: ex('activities/x'), definition: { type: ex('types/other') } } }), none).matched).toEqual([ex('templates/by-verb')]);
    expect(checkStatement(profile, statement('did', { object: { objectType: 'Agent', mbox: 'mailto:x@example.org' } }), none).matched).toEqual([ex('templates/by-verb')]);
  });

  it('wants context activity types to be a superset of the listed ones, a single activity counting as an array of one', () => {
    const grouping = (...types: string[]) => ({ context: { contextActivities: { grouping: types.map((type, i) => ({ id: ex(`activities/g${i}`), definition: { type } })) } } });
    expect(checkStatement(profile, statement('did', grouping(ex('types/course'), ex('types/unit'), ex('types/other'))), none).matched).toContain(ex('templates/grouped'));
    expect(checkStatement(profile, statement('did', grouping(ex('types/course'))), none).matched).not.toContain(ex('templates/grouped'));
    const single = { context: { contextActivities: { grouping: { id: ex('activities/g'), definition: { type: ex('types/course') } } } } };
    const both = build({ templates: [{ id: ex('templates/g'), contextGroupingActivityType: [ex('types/course')], rules: [{ location: '$.context.contextActivities.grouping[0].id', presence: 'included' }] }] });
    expect(checkStatement(both, statement('did', single), none).matched).toEqual([ex('templates/g')]);
  });

  it('finds templates without a verb by their object activity type', () => {
    const byType = build({ templates: [{ id: ex('templates/lesson'), objectActivityType: ex('types/lesson') }, { id: ex('templates/quiz'), objectActivityType: ex('types/quiz') }] });
    expect(checkStatement(byType, statement('anything'), none).matched).toEqual([ex('templates/lesson')]);
    expect(checkStatement(byType, statement('anything', { object: { id: ex('activities/x') } }), none).subject).toBe(false);
  });

  it('normalises the context activities of a SubStatement object too', () => {
    const sub = build({ templates: [{ id: ex('templates/sub'), verb: ex('verbs/did'), rules: [{ location: '$.object.context.contextActivities.parent[0].id', presence: 'included' }] }] });
    const object = { objectType: 'SubStatement', actor: { mbox: 'mailto:b@example.org' }, verb: { id: ex('verbs/will') }, object: { id: ex('activities/one') }, context: { contextActivities: { parent: { id: ex('activities/course') } } } };
    expect(checkStatement(sub, statement('did', { object }), none).matched).toEqual([ex('templates/sub')]);
  });

  it('matches attachment usage types', () => {
    const attachments = [{ usageType: ex('usage/signature'), display: { en: 's' }, contentType: 'application/octet-stream', length: 1, sha2: 'ab' }];
    expect(checkStatement(profile, statement('other', { attachments }), none).matched).toEqual([ex('templates/attached')]);
  });
});

describe('subjects (Part Two §5.0)', () => {
  const profile = build({
    templates: [
      { id: ex('templates/everything'), rules: [{ location: '$.timestamp', presence: 'included' }] },
      { id: ex('templates/did'), verb: ex('verbs/did') },
    ],
  });

  it('a statement with no template\'s determining properties and no version in category is not a subject', () => {
    expect(checkStatement(profile, statement('other'), none)).toEqual({ profileId: profile.id, subject: false, matched: [], failures: [] });
  });

  it('a version of the profile in category makes a subject, checked against the templates without determining properties', () => {
    const withCategory = statement('other', { context: { contextActivities: { category: [{ id: EXAMPLE_VERSION_ID }] } } });
    expect(checkStatement(profile, withCategory, none)).toEqual({
      profileId: profile.id,
      subject: true,
      matched: [],
      failures: [{ templateId: ex('templates/everything'), location: '$.timestamp', expected: 'included', actual: undefined }],
    });
  });

  it('lists every applicable template that fails, with the first rule it breaks', () => {
    const strict = build({
      templates: [
        { id: ex('templates/one'), verb: ex('verbs/did'), rules: [{ location: '$.result.success', presence: 'included' }] },
        { id: ex('templates/two'), verb: ex('verbs/did'), rules: [{ location: '$.result.score.scaled', presence: 'included' }, { location: '$.timestamp', presence: 'included' }] },
        { id: ex('templates/three'), verb: ex('verbs/did') },
      ],
    });
    expect(checkStatement(strict, statement('did', { result: { success: true } }), none)).toEqual({
      profileId: strict.id,
      subject: true,
      matched: [ex('templates/one'), ex('templates/three')],
      failures: [{ templateId: ex('templates/two'), location: '$.result.score.scaled', expected: 'included', actual: undefined }],
    });
  });
});

describe('StatementRef templates (Part Two §8.0, Part Three §2.1 follows_rules)', () => {
  const profile = build({
    templates: [
      { id: ex('templates/answer'), verb: ex('verbs/answered') },
      { id: ex('templates/comment'), verb: ex('verbs/commented'), objectStatementRefTemplate: [ex('templates/answer')] },
      { id: ex('templates/reply'), verb: ex('verbs/replied'), contextStatementRefTemplate: [ex('templates/comment')] },
      { id: ex('templates/chain'), verb: ex('verbs/chained'), objectStatementRefTemplate: [ex('templates/chain'), ex('templates/answer')] },
    ],
  });
  const stored = new Map<string, object>([
    ['a1', { ...statement('answered'), id: 'a1' }],
    ['c1', { ...statement('commented'), id: 'c1', object: { objectType: 'StatementRef', id: 'a1' } }],
  ]);
  const lookup = (id: string) => stored.get(id);
  const ref = (id: string) => ({ objectType: 'StatementRef', id });

  it('names the statements to look up first', () => {
    expect(statementRefsNeeded(profile, statement('commented', { object: ref('a1') }))).toEqual(['a1']);
    expect(statementRefsNeeded(profile, statement('replied', { object: ref('a1'), context: { statement: ref('c1') } }))).toEqual(['c1']);
    expect(statementRefsNeeded(profile, statement('answered'))).toEqual([]);
    const anyRef = build({ templates: [{ id: ex('templates/t'), verb: ex('verbs/x') }, { id: ex('templates/any-ref'), objectStatementRefTemplate: [ex('templates/t')] }] });
    expect(statementRefsNeeded(anyRef, statement('unrelated', { object: ref('a1') }))).toEqual([]);
    expect(statementRefsNeeded(anyRef, statement('x', { object: ref('a1') }))).toEqual(['a1']);
  });

  it('matches when the referenced statement matches one of the listed templates', () => {
    expect(checkStatement(profile, statement('commented', { object: ref('a1') }), lookup).matched).toEqual([ex('templates/comment')]);
    expect(checkStatement(profile, statement('replied', { context: { statement: ref('c1') } }), lookup).matched).toEqual([ex('templates/reply')]);
  });

  it('fails, saying why, when the object is no StatementRef, the statement is unknown or matches other templates', () => {
    const failure = (object: unknown) => checkStatement(profile, statement('commented', { object }), lookup).failures;
    const expected = `a StatementRef to a statement matching one of ["${ex('templates/answer')}"]`;
    expect(failure({ id: ex('activities/one') })).toEqual([{ templateId: ex('templates/comment'), location: 'objectStatementRefTemplate', expected, actual: 'an Activity' }]);
    expect(failure(ref('missing'))).toEqual([{ templateId: ex('templates/comment'), location: 'objectStatementRefTemplate', expected, actual: 'statement missing, not found' }]);
    expect(failure(ref('c1'))).toEqual([{ templateId: ex('templates/comment'), location: 'objectStatementRefTemplate', expected, actual: `statement c1, matching ["${ex('templates/comment')}"]` }]);
  });

  it(`follows chains of references at most ${MAX_REFERENCE_DEPTH} deep`, () => {
    const chain = new Map<string, object>([['s0', { ...statement('answered'), id: 's0' }]]);
    for (let i = 1; i <= 6; i += 1) chain.set(`s${i}`, { ...statement('chained'), id: `s${i}`, object: ref(`s${i - 1}`) });
    const check = (id: string) => checkStatement(profile, chain.get(id)!, (other) => chain.get(other));
    expect(check(`s${MAX_REFERENCE_DEPTH}`).matched).toEqual([ex('templates/chain')]);
    expect(check(`s${MAX_REFERENCE_DEPTH + 1}`).matched).toEqual([]);
    expect(check(`s${MAX_REFERENCE_DEPTH + 1}`).failures).toHaveLength(1);
  });
});

describe('the cmi5 profile (ADL, v1.0 with template definitions added)', () => {
  const cmi5 = compiled(JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'published', 'cmi5', 'cmi5-v1.0-keiko.jsonld'), 'utf8')));
  const t = (name: string) => `https://w3id.org/xapi/cmi5#${name}`;
  const check = (s: object) => checkStatement(cmi5, s, none);

  it.each([
    ['launched', 'launched'],
    ['initialized', 'initialized'],
    ['completed', 'completed'],
    ['passed', 'passed'],
    ['failed', 'failed'],
    ['terminated', 'terminated'],
    ['abandoned', 'abandoned'],
  ] as const)('a %s statement matches the general restrictions and the %s template', (verb, template) => {
    expect(check(cmi5Statement(verb))).toEqual({ profileId: 'https://w3id.org/xapi/cmi5', subject: true, matched: [t(template), t('generalrestrictions')], failures: [] });
  });

  it('a completed statement that also reports success breaks the completed template at $.result.success', () => {
    const statement = cmi5Statement('completed');
    (statement.result as Record<string, unknown>).success = true;
    expect(check(statement)).toEqual({
      profileId: 'https://w3id.org/xapi/cmi5',
      subject: true,
      matched: [t('generalrestrictions')],
      failures: [{ templateId: t('completed'), location: '$.result.success', expected: 'excluded', actual: [true] }],
    });
  });

  it('a passed statement without the moveOn category breaks the passed template', () => {
    const statement = cmi5Statement('passed');
    ((statement.context as { contextActivities: { category: unknown[] } }).contextActivities.category) = [{ id: CMI5_CATEGORY }];
    expect(check(statement).failures).toEqual([
      { templateId: t('passed'), location: '$.context.contextActivities.category[*].id', expected: 'any of ["https://w3id.org/xapi/cmi5/context/categories/moveon"]', actual: [CMI5_CATEGORY] },
    ]);
  });

  it('a launched statement with an unknown launch mode and no session id breaks both templates', () => {
    const statement = cmi5Statement('launched');
    const extensions = (statement.context as { extensions: Record<string, unknown> }).extensions;
    extensions['https://w3id.org/xapi/cmi5/context/extensions/launchmode'] = 'Sideways';
    delete extensions['https://w3id.org/xapi/cmi5/context/extensions/sessionid'];
    expect(check(statement)).toMatchObject({
      matched: [],
      failures: [
        { templateId: t('launched'), location: "$.context.extensions['https://w3id.org/xapi/cmi5/context/extensions/launchmode']", expected: 'only values from ["Normal","Browse","Review"]', actual: ['Sideways'] },
        { templateId: t('generalrestrictions'), location: "$.context.extensions['https://w3id.org/xapi/cmi5/context/extensions/sessionid']", expected: 'included' },
      ],
    });
  });

  it('the published waived template looks for the reason at $.result[…], not $.result.extensions[…], so real waived statements break it', () => {
    expect(check(cmi5Statement('waived')).failures).toEqual([
      { templateId: t('waived'), location: "$.result['https://w3id.org/xapi/cmi5/result/extensions/reason']", expected: 'included', actual: undefined },
    ]);
  });

  it('a statement of another profile is not a cmi5 subject', () => {
    expect(check(statement('did'))).toEqual({ profileId: 'https://w3id.org/xapi/cmi5', subject: false, matched: [], failures: [] });
  });
});

describe('wide statements', () => {
  it('checks a statement of 100,000 grouping activities in linear time, listing 10 values of a failure', () => {
    const profile = build({
      templates: [
        {
          id: ex('templates/wide'),
          verb: ex('verbs/did'),
          rules: [
            { location: '$.context.contextActivities.grouping[*]', selector: '$.definition.extensions', any: [{ level: 3, tags: ['a'] }] },
            { location: '$.context.contextActivities.grouping[*].id', all: [ex('activities/allowed')] },
          ],
        },
      ],
    });
    const grouping = Array.from({ length: 100_000 }, (_, i) => ({ id: ex(`activities/g${i}`), definition: { extensions: { level: i % 5, tags: ['a'] } } }));
    const started = Date.now();
    const check = checkStatement(profile, statement('did', { context: { contextActivities: { grouping } } }), none);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(check.failures).toHaveLength(1);
    const failure = check.failures[0]!;
    expect(failure.location).toBe('$.context.contextActivities.grouping[*].id');
    expect(failure.actual).toHaveLength(11);
    expect((failure.actual as unknown[])[10]).toBe('… and 99990 more');
  });
});
