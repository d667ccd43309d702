/**
 * compileProfile never throws on a malformed document: every mutation of a real profile (cmi5,
 * video) gives a profile or a list of problems with JSON Pointer paths. (An exception here would
 * be a 500 at the registry's upload route.) Nor does checking odd statements.
 */
import fs from 'node:fs';
import path from 'node:path';
import { cmi5Statement } from '../published/cmi5/statements';
import { profileDocument } from './document-builder';
import { checkStatement, compileProfile, registrationKey, statementRefsNeeded } from './index';

const profiles = ['cmi5/cmi5-v1.0-keiko.jsonld', 'video/video.jsonld'].map(
  (file) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'published', file), 'utf8')) as Record<string, unknown>,
);

const REPLACEMENTS: unknown[] = [null, 0, -1, 1.5, true, '', 'x', 'not an iri', 'https://example.org/x', [], [null], ['x'], {}, { a: 1 }, { en: 1 }, '$..a', '$.a[?(@)]'];

/** mulberry32: a seeded generator so a failure can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every container in the document with the keys/indexes it holds. */
function slots(document: unknown): Array<{ container: Record<string, unknown> | unknown[]; key: string | number }> {
  const found: Array<{ container: Record<string, unknown> | unknown[]; key: string | number }> = [];
  const stack: unknown[] = [document];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) value.forEach((member, index) => { found.push({ container: value, key: index }); stack.push(member); });
    else if (value !== null && typeof value === 'object') {
      for (const [key, member] of Object.entries(value)) {
        found.push({ container: value as Record<string, unknown>, key });
        stack.push(member);
      }
    }
  }
  return found;
}

/** Replaces or deletes 1–3 random members anywhere in `document`. */
function mutate(document: object, random: () => number): void {
  const mutations = 1 + Math.floor(random() * 3);
  for (let m = 0; m < mutations; m += 1) {
    const all = slots(document);
    if (all.length === 0) return;
    const { container, key } = all[Math.floor(random() * all.length)]!;
    const choice = Math.floor(random() * (REPLACEMENTS.length + 1));
    if (choice === REPLACEMENTS.length) {
      if (Array.isArray(container)) container.splice(key as number, 1);
      else delete container[key as string];
    } else (container as Record<string | number, unknown>)[key] = structuredClone(REPLACEMENTS[choice]);
  }
}

describe('compileProfile on mutated published profiles', () => {
  it.each([1, 2, 3])('never throws (seed %i, 150 documents of 1–3 mutations)', (seed) => {
    const random = seeded(seed);
    for (let run = 0; run < 150; run += 1) {
      const document = structuredClone(profiles[run % profiles.length]!);
      mutate(document, random);
      let result: ReturnType<typeof compileProfile> | undefined;
      expect(() => (result = compileProfile(document))).not.toThrow();
      if (result && 'problems' in result) {
        expect(result.problems.length).toBeGreaterThan(0);
        for (const problem of result.problems) {
          expect(problem.path === '' || problem.path.startsWith('/')).toBe(true);
          expect(typeof problem.message).toBe('string');
        }
      }
    }
  });
});

describe('checkStatement on mutated cmi5 statements', () => {
  const result = compileProfile(profiles[0]);
  const cmi5 = 'profile' in result ? result.profile : undefined;
  const verbs = ['launched', 'initialized', 'completed', 'passed', 'failed', 'terminated', 'abandoned', 'waived', 'satisfied'] as const;

  const ex = (name: string) => `https://example.org/profiles/example/${name}`;
  const built = compileProfile(
    profileDocument({
      templates: [
        { id: ex('t/a'), verb: ex('v/a'), objectActivityType: ex('types/x'), contextParentActivityType: [ex('types/p')], attachmentUsageType: [ex('u/s')] },
        { id: ex('t/ref'), objectStatementRefTemplate: [ex('t/a')], contextStatementRefTemplate: [ex('t/ref')], rules: [{ location: '$.context.contextActivities.*[*]', selector: 'definition.type', all: [ex('types/p')] }] },
      ],
    }),
  );
  const refs = 'profile' in built ? built.profile : undefined;
  const richStatement = () => ({
    verb: { id: ex('v/a') },
    object: { objectType: 'StatementRef', id: 's1' },
    attachments: [{ usageType: ex('u/s') }],
    context: { statement: { objectType: 'StatementRef', id: 's2' }, contextActivities: { parent: { id: ex('p'), definition: { type: ex('types/p') } } } },
  });

  it('never throws on StatementRef templates and determining properties either', () => {
    const random = seeded(12);
    for (let run = 0; run < 1000; run += 1) {
      const statement = richStatement();
      const other = richStatement();
      mutate(statement, random);
      mutate(other, random);
      expect(() => {
        statementRefsNeeded(refs!, statement);
        checkStatement(refs!, statement, () => other);
      }).not.toThrow();
    }
  });

  it('never throws, whatever the shape of the statement', () => {
    const random = seeded(11);
    for (let run = 0; run < 1000; run += 1) {
      const statement = cmi5Statement(verbs[run % verbs.length]!);
      mutate(statement, random);
      expect(() => {
        statementRefsNeeded(cmi5!, statement);
        checkStatement(cmi5!, statement, () => ({ verb: null, object: [] }));
        registrationKey(cmi5!, statement);
      }).not.toThrow();
    }
  });
});
