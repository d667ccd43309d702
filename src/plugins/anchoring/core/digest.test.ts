import { createHash, randomUUID } from 'node:crypto';
import { FIXED_STORED_STATEMENT, sampleStatement } from '../../../../test-support/statements';
import type { StoredStatement } from '../../../xapi/types';
import { canonicalize } from './canonical-json';
import { digestHalves, statementDigest } from './digest';
import { AnchoringError } from './errors';

function storedStatement(overrides: Record<string, unknown> = {}): StoredStatement {
  return {
    ...sampleStatement(),
    id: randomUUID(),
    stored: '2024-05-01T10:00:00.123Z',
    authority: { objectType: 'Agent', name: 'LRS client', account: { homePage: 'https://lrs.example.org', name: 'client-1' } },
    version: '1.0.3',
    ...overrides,
  } as unknown as StoredStatement;
}

describe('statementDigest', () => {
  it('is the SHA-256 of the canonical JSON of the whole stored statement', () => {
    const statement = storedStatement();
    const expected = createHash('sha256').update(canonicalize(statement), 'utf8').digest('hex');
    expect(statementDigest(statement)).toEqual({ algorithm: 'sha-256', canonicalization: 'jcs-rfc8785', hex: expected });
  });

  it('has a fixed value for a fixed statement', () => {
    const statement = FIXED_STORED_STATEMENT;
    const text =
      '{"actor":{"mbox":"mailto:ana@example.org","name":"Ana"},"authority":{"mbox":"mailto:lrs@example.org"},' +
      '"id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee","object":{"id":"http://example.org/courses/1"},' +
      '"stored":"2024-05-01T10:00:00.123Z","timestamp":"2024-05-01T10:00:00.000Z",' +
      '"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"version":"1.0.3"}';
    expect(canonicalize(statement)).toBe(text);
    expect(statementDigest(statement).hex).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('does not depend on member order or on how numbers were written', () => {
    const statement = storedStatement({ result: { score: { raw: 85, scaled: 0.85 } } });
    const reordered = Object.fromEntries(Object.entries(statement).reverse()) as unknown as StoredStatement;
    reordered.result = JSON.parse('{"score":{"scaled":8.5e-1,"raw":85.00}}');
    expect(statementDigest(reordered)).toEqual(statementDigest(statement));
  });

  it.each([
    ['stored', { stored: '2024-05-01T10:00:00.124Z' }],
    ['authority', { authority: { objectType: 'Agent', mbox: 'mailto:other@example.org' } }],
    ['id', { id: randomUUID() }],
    ['version', { version: '1.0.0' }],
    [
      'attachment metadata',
      {
        attachments: [
          { usageType: 'http://example.org/u', display: { en: 'a' }, contentType: 'text/plain', length: 1, sha2: 'ab' },
        ],
      },
    ],
  ])('covers what the LRS sets and stores: %s', (_, change) => {
    const statement = storedStatement();
    expect(statementDigest({ ...statement, ...change } as StoredStatement).hex).not.toBe(statementDigest(statement).hex);
  });

  it('changes with any one-character change of the statement', () => {
    const statement = storedStatement();
    const text = JSON.stringify(statement);
    const digest = statementDigest(statement).hex;
    for (const position of [text.indexOf('Learner') + 8, text.indexOf('PT25M') + 2, text.indexOf('0.85') + 3]) {
      const changed = text.slice(0, position) + (text[position] === '1' ? '2' : '1') + text.slice(position + 1);
      expect(statementDigest(JSON.parse(changed) as StoredStatement).hex).not.toBe(digest);
    }
  });
});

describe('digestHalves', () => {
  it('splits the digest into its big-endian high and low u128', () => {
    const hex = `${'00'.repeat(15)}01${'ff'.repeat(16)}`;
    expect(digestHalves(hex)).toEqual({ high: 1n, low: 2n ** 128n - 1n });
    const digest = statementDigest(storedStatement()).hex;
    const { high, low } = digestHalves(digest);
    expect((high << 128n) + low).toBe(BigInt(`0x${digest}`));
  });

  it.each(['', 'ab', 'A'.repeat(64), `0x${'0'.repeat(62)}`, `${'0'.repeat(63)}g`])('rejects %j', (hex) => {
    expect(() => digestHalves(hex)).toThrow(AnchoringError);
  });
});
