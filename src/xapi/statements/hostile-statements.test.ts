import { canonicalize } from '../../plugins/anchoring/core/canonical-json';
import { agentsIn } from '../actors';
import type { Statement } from '../types';
import { ownFilterView } from './filter-view';
import { stableStringify, statementFingerprint } from './fingerprint';
import { createStatementValidator } from './validation/validate-statement';
import { assertWellFormedText } from './validation/well-formed';

/** Spec section references are to xAPI-Data.md (1.0.3) unless noted. */

const deepArray = (depth: number, inner: unknown = 1): unknown => {
  let value = inner;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

/** The recursive stableStringify this module had, as the reference for the iterative one. */
function recursiveStableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => recursiveStableStringify(item ?? null)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${recursiveStableStringify(v)}`).join(',')}}`;
}

/** Random JSON-like values (with undefined members, which are left out) from a seeded generator. */
function randomValue(random: (n: number) => number, depth: number): unknown {
  const kind = random(depth > 4 ? 6 : 9);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return random(2) === 0;
    case 2:
      return random(1000) / 7 - 50;
    case 3:
      return ['', 'a', 'é', '😀', '"\\', 'b\n', '\u2028', 'zz'][random(8)];
    case 4:
      return undefined;
    case 5:
      return random(100);
    case 6:
    case 7:
      return Array.from({ length: random(4) }, () => randomValue(random, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: random(5) }, () => [['a', 'B', 'b', '1', '10', '2', 'é', 'Z', '', '__proto__x'][random(10)]!, randomValue(random, depth + 1)]),
      );
  }
}

describe('stableStringify (the statement fingerprint, Data 2.3.1.s9)', () => {
  it('writes what the recursive version wrote, for 5,000 random values', () => {
    let seed = 11;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let i = 0; i < 5_000; i++) {
      const value = randomValue(random, 0);
      expect(stableStringify(value)).toBe(recursiveStableStringify(value));
    }
    expect(stableStringify({ b: [undefined, { d: 1, c: [] }], a: {}, u: undefined })).toBe('{"a":{},"b":[null,{"c":[],"d":1}]}');
  });

  it('handles 100,000 levels without recursion', () => {
    const text = stableStringify({ e: deepArray(100_000) });
    expect(text.length).toBe(6 + 200_001);
    expect(text.startsWith('{"e":[[[')).toBe(true);
  });
});

describe('walks over a statement never recurse on untrusted nesting', () => {
  it('agentsIn walks a chain of 100,000 SubStatements (which validation forbids, Data 2.4.4.3.s8.b4) with a loop', () => {
    let statement: Record<string, unknown> = { actor: { mbox: 'mailto:last@example.org' }, verb: { id: 'http://e.org/v' }, object: { id: 'http://e.org/a' } };
    for (let i = 0; i < 100_000; i++) {
      statement = { actor: { mbox: `mailto:a${i}@example.org` }, verb: { id: 'http://e.org/v' }, object: { objectType: 'SubStatement', ...statement } };
    }
    const agents = agentsIn(statement as unknown as Statement);
    expect(agents).toHaveLength(100_001);
    expect(agents[0]).toEqual({ mbox: 'mailto:a99999@example.org' });
    expect(agents.at(-1)).toEqual({ mbox: 'mailto:last@example.org' });
  });

  it('agentsIn lists actor, object, instructor and team, Group members included, then the SubStatement\'s', () => {
    const group = { objectType: 'Group', member: [{ mbox: 'mailto:m1@e.org' }, { mbox: 'mailto:m2@e.org' }] };
    const statement = {
      actor: { mbox: 'mailto:actor@e.org' },
      verb: { id: 'http://e.org/v' },
      object: { objectType: 'SubStatement', actor: group, verb: { id: 'http://e.org/v' }, object: { objectType: 'Agent', mbox: 'mailto:o@e.org' } },
      context: { instructor: { mbox: 'mailto:i@e.org' }, team: { objectType: 'Group', member: [{ mbox: 'mailto:t@e.org' }] } },
    };
    expect(agentsIn(statement as unknown as Statement).map((agent) => agent.mbox)).toEqual([
      'mailto:actor@e.org', 'mailto:i@e.org', 'mailto:t@e.org', 'mailto:m1@e.org', 'mailto:m2@e.org', 'mailto:o@e.org',
    ]);
  });
});

describe('ingest work is linear in the size of a statement', () => {
  const validator = createStatementValidator();
  const base = { verb: { id: 'http://example.org/verbs/did' }, object: { id: 'http://example.org/activities/1' } };
  const members = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `Member ${i}`, mbox: `mailto:member${i}@example.org` }));
  const shapes: Record<string, (n: number) => Record<string, unknown>> = {
    'an anonymous Group (Data 2.4.2.2)': (n) => ({ ...base, actor: { objectType: 'Group', member: members(n) } }),
    'extensions (Data 4.1)': (n) => ({
      ...base,
      actor: { mbox: 'mailto:ann@example.org' },
      result: {
        extensions: Object.fromEntries(
          Array.from({ length: n }, (_, i) => [`http://example.org/ext/${i}`, { a: [1, 2.5, 'x'.repeat(50)], b: { c: i } }]),
        ),
      },
    }),
    'context activities and a team (Data 2.4.6)': (n) => ({
      ...base,
      actor: { mbox: 'mailto:ann@example.org' },
      context: {
        team: { objectType: 'Group', member: members(n / 2) },
        contextActivities: { other: Array.from({ length: n / 2 }, (_, i) => ({ id: `http://example.org/activities/${i}` })) },
      },
    }),
  };

  /** Everything ingest computes from a statement before storing it, plus its canonical form for anchoring. */
  function work(statement: Record<string, unknown>): void {
    validator.validateStatement(statement);
    assertWellFormedText(statement, 'statement');
    statementFingerprint(statement as unknown as Statement);
    ownFilterView(statement as unknown as Statement);
    agentsIn(statement as unknown as Statement);
    canonicalize(statement);
  }

  function fastest(statement: Record<string, unknown>): number {
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      work(statement);
      best = Math.min(best, performance.now() - started);
    }
    return best;
  }

  it.each(Object.entries(shapes))('for %s: 10,000 and 20,000 items, time measured', (name, make) => {
    const small = make(10_000);
    const large = make(20_000);
    const smallMs = fastest(small);
    const largeMs = fastest(large);
    const mb = (value: unknown) => (JSON.stringify(value).length / 1e6).toFixed(2);
    console.log(`${name}: ${mb(small)} MB in ${smallMs.toFixed(1)} ms, ${mb(large)} MB in ${largeMs.toFixed(1)} ms`);
    // Loose bounds (shared machines are noisy); quadratic work took more than 10 s at 10,000 members.
    expect(smallMs).toBeLessThan(2000);
    expect(largeMs).toBeLessThan(4000);
  });

  it('the fingerprint still ignores the order of Group members (Data 2.3.1.s9)', () => {
    const statement = shapes['an anonymous Group (Data 2.4.2.2)']!(1_000);
    const actor = statement.actor as { member: unknown[] };
    const reversed = { ...statement, actor: { ...actor, member: [...actor.member].reverse() } };
    expect(statementFingerprint(reversed as unknown as Statement)).toBe(statementFingerprint(statement as unknown as Statement));
  });
});
