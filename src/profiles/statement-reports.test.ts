import { useTestSqliteDatabase } from '../../test-support/sqlite';
import { SqliteCollectionStore } from '../storage/collections/sqlite-collection-store';
import { checkStatement, compileProfile, type CompiledProfile } from './engine';
import { describeNonConformance, nonConformance, StatementReportStore } from './statement-reports';
import quizProfile from './test-fixtures/quiz-profile.json';

const database = useTestSqliteDatabase();

function profile(): CompiledProfile {
  const compiled = compileProfile(quizProfile);
  if ('problems' in compiled) throw new Error(JSON.stringify(compiled.problems));
  return compiled.profile;
}

const statement = (extra: Record<string, unknown>) => ({
  actor: { mbox: 'mailto:ana@example.org' },
  verb: { id: 'https://keiko.test/verbs/answered' },
  object: { id: 'https://keiko.test/quizzes/1/q1', definition: { type: 'https://keiko.test/activity-types/question' } },
  ...extra,
});

describe('nonConformance', () => {
  it('is undefined for a statement matching a template, and for one that is no subject of the profile', () => {
    const quiz = profile();
    expect(nonConformance(quiz, checkStatement(quiz, statement({ result: { response: 'A', success: true } }), () => undefined))).toBeUndefined();
    const other = { ...statement({}), verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' }, object: { id: 'https://keiko.test/x' } };
    expect(nonConformance(quiz, checkStatement(quiz, other, () => undefined))).toBeUndefined();
  });

  it("names each failing template with its prefLabel, and says so when a subject has no template's determining properties", () => {
    const quiz = profile();
    const failing = nonConformance(quiz, checkStatement(quiz, statement({ result: { success: true } }), () => undefined))!;
    expect(failing.failures).toEqual([
      expect.objectContaining({ templateId: `${quiz.id}/templates/question-answered`, templatePrefLabel: { en: 'Question answered' }, location: '$.result.response' }),
    ]);
    expect(describeNonConformance(failing)).toBe(
      `the xAPI Profile ${quiz.id} ("Quiz (Keiko test profile)") (version ${quiz.versionId}): template ${quiz.id}/templates/question-answered ("Question answered"): at $.result.response expected included, found nothing`,
    );

    const claimsOnly = { ...statement({}), verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' }, context: { contextActivities: { category: [{ id: quiz.versionId }] } } };
    const none = nonConformance(quiz, checkStatement(quiz, claimsOnly, () => undefined))!;
    expect(none.failures).toEqual([expect.objectContaining({ templateId: null, location: '$' })]);
  });
});

describe('StatementReportStore', () => {
  it('keeps a report as it was, values with dotted keys included, and cuts a large actual value short (saying so)', async () => {
    const reports = new StatementReportStore(new SqliteCollectionStore(database()));
    const failure = { templateId: 't', location: '$.result.extensions', expected: 'included', actual: [{ 'http://example.org/ext.with.dots': 1 }] };
    const large = { ...failure, actual: ['x'.repeat(5_000)] };
    const report = { statementId: 'b3c4c1c0-5a3e-4c59-9a6a-0d1b2c3d4e5f', recordedAt: '2026-12-02T08:00:00.000Z', profiles: [{ profileId: 'p', versionId: 'v', prefLabel: { en: 'P' }, failures: [failure, large] }] };
    await reports.put(report);
    const [kept, cut] = (await reports.get(report.statementId))!.profiles[0]!.failures as unknown as Array<Record<string, unknown>>;
    expect(kept).toEqual(failure);
    expect(cut).toMatchObject({ actualTruncated: true });
    expect((cut!.actual as string).length).toBe(2_000);
    expect(await reports.get('00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });
});
