import languageTags from 'language-tags';
import { BadRequestError } from '../../../errors';
import { createStatementValidator, isLanguageTag } from './validate-statement';
import { assertWellFormedText } from './well-formed';

/** Spec section references are to xAPI-Data.md (1.0.3) unless noted. */

const validator = createStatementValidator();

const deepArray = (depth: number, inner: unknown = 1): unknown => {
  let value = inner;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

const base = () => ({
  actor: { mbox: 'mailto:ann@example.org' },
  verb: { id: 'http://example.org/verbs/did' },
  object: { id: 'http://example.org/activities/1' },
});

/** Runs `action` `runs` times and returns the fastest time in ms (the first runs warm the JIT). */
function fastest(action: () => void, runs = 5): number {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    action();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

describe('validateStatement does not walk extension values (Data 4.1.s2: any JSON value)', () => {
  it('validates a statement whose extension value is 100,000 arrays deep without overflowing the stack', () => {
    // The LRS refuses such JSON when parsing the request (JSON_TOO_DEEP, src/http/body.ts); the
    // validator must not be the thing that breaks on it.
    const statement = { ...base(), result: { extensions: { 'http://example.org/e': deepArray(100_000) } } };
    expect(() => validator.validateStatement(statement)).not.toThrow();
  });
});

describe('assertWellFormedText (Communication 1.4.s1.b1: strings are UTF-8)', () => {
  it('walks 100,000 levels without recursion', () => {
    expect(() => assertWellFormedText({ extensions: deepArray(100_000, 'fine') }, 'statement')).not.toThrow();
    const error = (() => {
      try {
        assertWellFormedText({ a: deepArray(100_000, '\ud800') }, 'statement');
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as Error).message).toMatch(/^statement\.a(\[0\]){100000}: contains a lone UTF-16 surrogate/);
  });

  it('reports the first culprit in document order, in values and in names', () => {
    const message = (value: unknown) => {
      try {
        assertWellFormedText(value, 'statements[2]');
      } catch (caught) {
        return (caught as Error).message;
      }
      return 'no error';
    };
    expect(message({ a: ['ok', { b: '\udc00' }], c: '\ud800' })).toMatch(/^statements\[2\]\.a\[1\]\.b:/);
    expect(message({ a: { 'x\ud800': 1 } })).toMatch(/^statements\[2\]\.a:/);
    expect(message('\ud800')).toMatch(/^statements\[2\]:/);
    expect(message({ a: ['😀', { b: 'ok' }] })).toBe('no error');
  });
});

describe('isLanguageTag (Data 2.2.s4.b2, 4.2: RFC 5646 tags)', () => {
  const TOLERATED = new Set([1, 10, 11]); // deprecated, suppress-script, deprecated subtag
  const SHAPE = /^[A-Za-z0-9]{1,8}(?:-[A-Za-z0-9]{1,8})*$/;
  const PRIVATE_USE = /^x(?:-[A-Za-z0-9]{1,8})+$/i;
  /** The check as it was, with the language-tags package. */
  const reference = (tag: string) =>
    SHAPE.test(tag) && (PRIVATE_USE.test(tag) || languageTags(tag).errors().every((error) => TOLERATED.has(error.code)));

  it('gives the answers of the language-tags package on every registry entry and 100,000 generated tags', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const index = require('language-subtag-registry/data/json/index.json') as Record<string, unknown>;
    const codes = Object.keys(index);
    const singles = codes.filter((code) => !code.includes('-'));
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const tags = [...codes, 'x-klingon', 'i-klingon', 'i-foo', 'en-a-bbb-x-a', 'en--us', 'EN-us', 'sl-rozaj-biske', 'en-GB-oed-x-a', 'a', '', 'en-u-co-phonebk'];
    for (let i = 0; i < 100_000; i++) {
      const parts = Array.from({ length: 1 + random(4) }, () => {
        const kind = random(10);
        const part = kind < 8 ? singles[random(singles.length)]! : kind === 8 ? 'x' : 'qzab'.slice(0, 1 + random(4));
        return random(3) === 0 ? part.toUpperCase() : part;
      });
      tags.push(parts.join('-'));
    }
    const differing = tags.filter((tag) => isLanguageTag(tag) !== reference(tag));
    expect(differing).toEqual([]);
    expect(tags.filter((tag) => isLanguageTag(tag)).length).toBeGreaterThan(10_000);
  });

  it('is quick on a 900 kB tag of 100,000 unknown subtags (a second with language-tags)', () => {
    const tag = `en-${'a1b2c3d4-'.repeat(100_000)}x`;
    expect(fastest(() => expect(isLanguageTag(tag)).toBe(false), 3)).toBeLessThan(500);
  });
});

describe('validation time is linear in the size of the statement', () => {
  const shapes: Record<string, () => Record<string, unknown>> = {
    'an anonymous Group of 10,000 members (Data 2.4.2.2)': () => ({
      ...base(),
      actor: {
        objectType: 'Group',
        member: Array.from({ length: 10_000 }, (_, i) => ({ name: `Member ${i}`, mbox: `mailto:member${i}@example.org` })),
      },
    }),
    '1 MB of extensions (Data 4.1)': () => ({
      ...base(),
      result: {
        extensions: Object.fromEntries(
          Array.from({ length: 10_000 }, (_, i) => [`http://example.org/ext/${i}`, { a: [1, 2.5, 'x'.repeat(50)], b: { c: i } }]),
        ),
      },
    }),
    'a Language Map of 70,000 distinct tags (Data 4.2)': () => ({
      ...base(),
      verb: {
        id: 'http://example.org/verbs/did',
        display: Object.fromEntries(
          ['en', 'fr', 'de', 'zh', 'es', 'ja', 'pt', 'it', 'ru', 'ar'].flatMap((language) =>
            ['US', 'GB', 'FR', 'DE', 'CN', 'ES', 'JP'].flatMap((region) =>
              Array.from({ length: 1_000 }, (_, i) => [`${language}-${region}-x-${i.toString(36)}`, 'did']),
            ),
          ),
        ),
      },
    }),
    '10,000 interaction components (Data 2.4.4.1)': () => ({
      ...base(),
      object: {
        id: 'http://example.org/activities/1',
        definition: {
          interactionType: 'choice',
          correctResponsesPattern: ['c1'],
          choices: Array.from({ length: 10_000 }, (_, i) => ({ id: `c${i}`, description: { 'en-US': `Choice ${i}` } })),
        },
      },
    }),
  };

  it.each(Object.entries(shapes))('validates %s well within a second', (_name, make) => {
    const statement = make();
    const bytes = JSON.stringify(statement).length;
    const ms = fastest(() => {
      validator.validateStatement(statement);
      assertWellFormedText(statement, 'statement');
    });
    console.log(`${_name}: ${(bytes / 1e6).toFixed(2)} MB validated in ${ms.toFixed(1)} ms`);
    expect(ms).toBeLessThan(2000);
  });
});
