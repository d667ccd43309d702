import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { BadRequestCode, BadRequestError } from '../../../errors';
import { SIGNATURE_USAGE_TYPE, type Statement } from '../../types';
import { verifyStatementSignature } from './signature';

/** Spec section references are to xAPI-Data.md (1.0.3). */

let key: KeyObject;
beforeAll(() => {
  key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
});

function signCompact(header: Record<string, unknown> | string, payload: string): string {
  const headerText = typeof header === 'string' ? header : JSON.stringify(header);
  const signingInput = `${Buffer.from(headerText).toString('base64url')}.${Buffer.from(payload).toString('base64url')}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), key).toString('base64url')}`;
}

function withSignature(statement: Statement, jws: string): Statement {
  const attachment = {
    usageType: SIGNATURE_USAGE_TYPE,
    display: { 'en-US': 'signature' },
    contentType: 'application/octet-stream',
    length: jws.length,
    sha2: createHash('sha256').update(jws).digest('hex'),
  };
  return { ...statement, attachments: [attachment] };
}

const statement = (): Statement => ({
  actor: { mbox: 'mailto:ann@example.org' },
  verb: { id: 'http://example.org/verbs/did' },
  object: { id: 'http://example.org/activities/1' },
});

async function rejection(promise: Promise<void>): Promise<BadRequestError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(BadRequestError);
  expect(error).toMatchObject({ status: 400, code: BadRequestCode.InvalidSignature });
  return error as BadRequestError;
}

describe('signed statements with hostile JWS content (Data 2.6)', () => {
  it('Data 2.6.s5.b3.b2: rejects a payload of 100,000 nested SubStatements with 400, not a stack overflow', async () => {
    const depth = 100_000;
    const payload = '{"object":{"objectType":"SubStatement","object":'.repeat(depth) + '{}' + '}}'.repeat(depth);
    const jws = signCompact({ alg: 'RS256' }, payload);
    const error = await rejection(verifyStatementSignature(withSignature(statement(), jws), jws));
    expect(error.message).toMatch(/the JWS payload: \$\.object\.object.*more than 100 levels/);
  });

  it('rejects a protected header nesting thousands of levels (quoted in its error message) with 400', async () => {
    const header = `{"alg":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const jws = signCompact(header, JSON.stringify(statement()));
    const error = await rejection(verifyStatementSignature(withSignature(statement(), jws), jws));
    expect(error.message).toMatch(/the JWS protected header: \$\.alg/);
  });

  it('rejects a payload whose numbers a double cannot hold, as they would compare equal to rounded ones', async () => {
    const received = { ...statement(), result: { score: { raw: 1 } } };
    const payload = JSON.stringify(received).replace('"raw":1', '"raw":1.00000000000000000001');
    const jws = signCompact({ alg: 'RS256' }, payload);
    const error = await rejection(verifyStatementSignature(withSignature(received, jws), jws));
    expect(error.message).toMatch(/\$\.result\.score\.raw: the number 1\.00000000000000000001/);
  });

  it('Data 2.3.1.s9 (member order ignored): verifies a statement whose Group of 10,000 members is signed in another order', async () => {
    const members = Array.from({ length: 10_000 }, (_, i) => ({ objectType: 'Agent' as const, mbox: `mailto:m${i}@example.org` }));
    const received: Statement = { ...statement(), actor: { objectType: 'Group', member: members } };
    const signed = { ...received, actor: { objectType: 'Group', member: [...members].reverse() } };
    const jws = signCompact({ alg: 'RS256' }, JSON.stringify(signed));
    const started = performance.now();
    await expect(verifyStatementSignature(withSignature(received, jws), jws)).resolves.toBeUndefined();
    const ms = performance.now() - started;
    console.log(`a signed statement with a Group of 10,000 members verified in ${ms.toFixed(1)} ms`);
    expect(ms).toBeLessThan(5000);
  });

  it('still tells a missing property from a null one', async () => {
    const jws = signCompact({ alg: 'RS256' }, JSON.stringify({ ...statement(), result: null }));
    const error = await rejection(verifyStatementSignature(withSignature(statement(), jws), jws));
    expect(error.message).toMatch(/differs from the statement received in: result/);
  });
});
