import type { StoredStatement } from '../../../plugin-api';
import type { FraudSignal } from '../model';
import { EXTENSION, PLUGIN_AUTHORITY_ACCOUNT } from '../vocabulary';
import { nameBasedUuid } from '../../../plugin-api';
import { caseIdOf, flagStatementIdOf, flagStatements, parseFlagStatement } from './statements';

const signal: FraudSignal = {
  kind: 'reciprocal-pair',
  subjects: ['mbox:mailto:b@school.example', 'account:https://school.example|a'],
  confidence: 0.8,
  evidence: ['505c8c30-f7af-599d-8728-fc8d9195141d'],
  explanation: 'a and b rated each other 5 and 5 times.',
};
const options = { publicUrl: 'https://lrs.example', names: new Map([['account:https://school.example|a', 'Ana']]), now: new Date('2026-12-02T12:00:00Z') };
const pluginAuthority = { objectType: 'Agent', account: { homePage: 'https://lrs.example', name: PLUGIN_AUTHORITY_ACCOUNT } };
const stored = (statement: object, authority: object = pluginAuthority) => ({ ...statement, authority }) as unknown as StoredStatement;

describe('flagged statements', () => {
  it('have ids and a registration from kind and sorted subjects: the same signal, the same ids, whatever the order', () => {
    expect(nameBasedUuid('x')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const reversed = { ...signal, subjects: [...signal.subjects].reverse() };
    expect(caseIdOf(reversed)).toBe(caseIdOf(signal));
    expect(flagStatementIdOf(reversed, signal.subjects[0])).toBe(flagStatementIdOf(signal, signal.subjects[0]));
    expect(caseIdOf({ ...signal, kind: 'ring' })).not.toBe(caseIdOf(signal));
    expect(flagStatementIdOf(signal, signal.subjects[1])).not.toBe(flagStatementIdOf(signal, signal.subjects[0]));
  });

  it('are one per subject, sharing the case, and read back as they were written', () => {
    const statements = flagStatements(signal, options) as Array<Record<string, any>>;
    expect(statements.map((statement) => statement.object)).toEqual([
      { objectType: 'Agent', mbox: 'mailto:b@school.example' },
      { objectType: 'Agent', name: 'Ana', account: { homePage: 'https://school.example', name: 'a' } },
    ]);
    expect(new Set(statements.map((statement) => statement.context.registration))).toEqual(new Set([caseIdOf(signal)]));
    expect(statements.map((statement) => parseFlagStatement(stored(statement))?.subject)).toEqual(signal.subjects);
    expect(parseFlagStatement(stored(statements[0]))).toEqual({ registration: caseIdOf(signal), subject: signal.subjects[0], kind: signal.kind, confidence: 0.8, evidence: signal.evidence, explanation: signal.explanation });
  });

  it('count only when this plugin recorded them and their signal keeps the profile’s bounds', () => {
    const [statement] = flagStatements(signal, options) as Array<Record<string, any>>;
    const withSignal = (changes: object) => stored({ ...statement, result: { extensions: { [EXTENSION.fraudSignal]: { ...statement.result.extensions[EXTENSION.fraudSignal], ...changes } } } });
    expect(parseFlagStatement(stored(statement, { objectType: 'Agent', account: { homePage: 'https://lrs.example', name: 'someone' } }))).toBeUndefined();
    expect(parseFlagStatement(withSignal({ kind: 'gossip' }))).toBeUndefined();
    expect(parseFlagStatement(withSignal({ confidence: 1.5 }))).toBeUndefined();
    expect(parseFlagStatement(withSignal({ evidence: ['not-a-uuid'] }))).toBeUndefined();
    expect(parseFlagStatement(withSignal({ evidence: Array.from({ length: 1001 }, () => signal.evidence[0]) }))).toBeUndefined();
    expect(parseFlagStatement(withSignal({ explanation: 'x'.repeat(2001) }))).toBeUndefined();
    expect(parseFlagStatement(stored({ ...statement, context: {} }))).toBeUndefined();
    expect(parseFlagStatement(stored({ ...statement, object: { objectType: 'Group', member: [] } }))).toBeUndefined();
  });
});
