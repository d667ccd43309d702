import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../../test-support/app';

/**
 * Hostile input through the whole app: every class gets a 4xx in the `{"code","message"}` format
 * or is accepted exactly, never a 500 and never silently changed. Spec references are to
 * xAPI-Communication.md (1.0.3) unless they name xAPI-Data.md.
 */

let lrs: TestLrs;
beforeAll(async () => {
  lrs = await createTestLrs();
});
afterAll(async () => {
  await lrs?.close();
});

const EXTENSION = 'http://example.org/extensions/value';

/** A statement whose result extension is the JSON text `valueText`, verbatim. */
function statementText(valueText: string, id = randomUUID()): string {
  return (
    `{"id":"${id}","actor":{"mbox":"mailto:ann@example.org"},"verb":{"id":"http://example.org/verbs/did"},` +
    `"object":{"id":"http://example.org/activities/1"},"result":{"extensions":{"${EXTENSION}":${valueText}}}}`
  );
}

/** POST /xapi/statements with the body sent byte for byte. */
function postStatements(body: string | Buffer, headers: Record<string, string> = {}) {
  return request(lrs.app)
    .post('/xapi/statements')
    .set(XAPI_VERSION_HEADER)
    .set('Authorization', lrs.auth)
    .set({ 'Content-Type': 'application/json', ...headers })
    .serialize((bytes: unknown) => bytes as string)
    .send(body as string);
}

function getStatement(id: string) {
  return request(lrs.app).get(`/xapi/statements?statementId=${id}`).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth);
}

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

function expectError(response: request.Response, status: number, code: string, message?: RegExp): void {
  expect({ status: response.status, code: response.body?.code }).toEqual({ status, code });
  expect(Object.keys(response.body).sort()).toEqual(['code', 'message']);
  if (message !== undefined) expect(response.body.message).toMatch(message);
}

describe('deep nesting', () => {
  it('POST statements: an extension value 100,000 arrays deep is 400 JSON_TOO_DEEP, not a stack overflow (3.2.s3.b12: the LRS may set limits)', async () => {
    const response = await postStatements(statementText(nested(100_000)));
    expectError(response, 400, 'JSON_TOO_DEEP', /^The request body: \$\.result\.extensions\["http:\/\/example\.org\/extensions\/value"\]\[0\]/);
  });

  it('Data 4.1.s2: an extension value 90 levels deep is stored and read back as sent', async () => {
    const id = randomUUID();
    expect((await postStatements(statementText(nested(90), id))).status).toBe(200);
    const stored = await getStatement(id);
    expect(stored.status).toBe(200);
    expect(JSON.stringify(stored.body.result.extensions[EXTENSION])).toBe(nested(90));
  });

  it('2.1.1 PUT statements and the statement part of a multipart/mixed request (1.5.2) are limited alike', async () => {
    const id = randomUUID();
    const put = await request(lrs.app)
      .put(`/xapi/statements?statementId=${id}`)
      .set(XAPI_VERSION_HEADER)
      .set('Authorization', lrs.auth)
      .set('Content-Type', 'application/json')
      .send(statementText(nested(10_000), id));
    expectError(put, 400, 'JSON_TOO_DEEP');
    const boundary = 'hostile-boundary';
    const multipart =
      `--${boundary}\r\nContent-Type: application/json\r\n\r\n${statementText(nested(10_000))}\r\n--${boundary}--\r\n`;
    const response = await request(lrs.app)
      .post('/xapi/statements')
      .set(XAPI_VERSION_HEADER)
      .set('Authorization', lrs.auth)
      .set('Content-Type', `multipart/mixed; boundary=${boundary}`)
      .send(multipart);
    expectError(response, 400, 'JSON_TOO_DEEP', /^The statement part: /);
  });

  it('2.2.s7 POST (merge) of a JSON document 100,000 levels deep is 400 JSON_TOO_DEEP', async () => {
    const agent = encodeURIComponent(JSON.stringify({ mbox: 'mailto:ann@example.org' }));
    const url = `/xapi/activities/state?activityId=${encodeURIComponent('http://example.org/activities/1')}&agent=${agent}&stateId=deep`;
    const send = (method: 'post' | 'put', body: string) =>
      request(lrs.app)[method](url).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth).set('Content-Type', 'application/json').send(body);
    expect((await send('put', '{"a":1}')).status).toBe(204);
    expectError(await send('post', `{"b":${nested(100_000)}}`), 400, 'JSON_TOO_DEEP', /^The posted document: \$\.b\[0\]/);
    const stored = await request(lrs.app).get(url).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth);
    expect(stored.body).toEqual({ a: 1 }); // 2.2.s8.b1: not updated
  });
});

describe('numbers a double cannot hold', () => {
  it.each([
    ['1e400', 'Infinity'],
    ['-1e400', '-Infinity'],
    ['12345678901234567890', '12345678901234567000'],
    ['0.123456789012345678901', '0.12345678901234568'],
  ])('POST statements with the extension value %s is 400 UNREPRESENTABLE_NUMBER, not stored as %s', async (number, becomes) => {
    const id = randomUUID();
    const response = await postStatements(statementText(`{"n":[${number}]}`, id));
    expectError(response, 400, 'UNREPRESENTABLE_NUMBER');
    expect(response.body.message).toContain(`$.result.extensions["${EXTENSION}"].n[0]: the number ${number}`);
    expect(response.body.message).toContain(`read back as ${becomes}`);
    expect((await getStatement(id)).status).toBe(404);
  });

  it('numbers that are the same double are accepted: 1.0, 1e2, 0.1, -0 (Data 2.3.1: numbers compare by value)', async () => {
    const id = randomUUID();
    expect((await postStatements(statementText('[1.0,1e2,0.1,-0,9007199254740992]', id))).status).toBe(200);
    expect((await getStatement(id)).body.result.extensions[EXTENSION]).toEqual([1, 100, 0.1, 0, 9007199254740992]);
  });

  it('2.2.s7.b3: a JSON document merge keeps a stored 1e400 as it was sent', async () => {
    const agent = encodeURIComponent(JSON.stringify({ mbox: 'mailto:ann@example.org' }));
    const url = `/xapi/activities/state?activityId=${encodeURIComponent('http://example.org/activities/1')}&agent=${agent}&stateId=numbers`;
    const send = (method: 'post' | 'put', body: string) =>
      request(lrs.app)[method](url).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth).set('Content-Type', 'application/json').send(body);
    expect((await send('put', '{"a":1e400,"b":12345678901234567890}')).status).toBe(204);
    expect((await send('post', '{"c":1}')).status).toBe(204);
    const stored = await request(lrs.app).get(url).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth).buffer(true).parse((res, done) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      res.on('end', () => done(null, text));
    });
    expect(stored.body).toBe('{"a":1e400,"b":12345678901234567890,"c":1}');
  });
});

describe('bodies that do not match their Content-Encoding (3.2.s3.b6)', () => {
  it('Content-Encoding: gzip with plain bytes is 400 INVALID_BODY in our format, not 500', async () => {
    const response = await postStatements(statementText('1'), { 'Content-Encoding': 'gzip' });
    expectError(response, 400, 'INVALID_BODY', /does not match its Content-Encoding "gzip"/);
  });

  it('an unsupported Content-Encoding is 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    expectError(await postStatements(statementText('1'), { 'Content-Encoding': 'compress' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('a gzip body that is gzip is accepted', async () => {
    const id = randomUUID();
    expect((await postStatements(gzipSync(statementText('"zipped"', id)), { 'Content-Encoding': 'gzip' })).status).toBe(200);
    expect((await getStatement(id)).body.result.extensions[EXTENSION]).toBe('zipped');
  });

  it('1.4.s1.b1: a body that is not UTF-8 is 400 INVALID_JSON, not stored with U+FFFD', async () => {
    const text = statementText('"?"');
    const bytes = Buffer.from(text.replace('"?"', '"\u0000"'), 'utf8');
    bytes[bytes.indexOf(0)] = 0xff;
    expectError(await postStatements(bytes), 400, 'INVALID_JSON', /not valid UTF-8 JSON/);
  });
});

describe('badly percent-encoded URLs', () => {
  it('a query parameter is 400 INVALID_PARAMETER, not a changed value', async () => {
    const agent = encodeURIComponent(JSON.stringify({ mbox: 'mailto:ann@example.org' }));
    for (const url of [
      `/xapi/activities/state?activityId=%E0%A4%A&agent=${agent}&stateId=x`,
      `/xapi/activities/state?activityId=http%3A%2F%2Fexample.org%2Fa&agent=${agent}&stateId=%FF`,
      '/xapi/statements?statementId=%ZZ',
    ]) {
      const response = await request(lrs.app).get(url).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth);
      expectError(response, 400, 'INVALID_PARAMETER', /not valid percent-encoded UTF-8/);
    }
  });

  it('a path parameter is 400 INVALID_PARAMETER, not 500', async () => {
    const response = await request(lrs.app).get('/plugins/anchoring/receipts/%ZZ').set('Authorization', lrs.auth);
    expectError(response, 400, 'INVALID_PARAMETER', /not valid percent-encoded UTF-8/);
  });
});

describe('large statements are handled in time linear in their size', () => {
  async function timedPost(body: string): Promise<{ status: number; ms: number }> {
    const started = performance.now();
    const response = await postStatements(body);
    return { status: response.status, ms: performance.now() - started };
  }

  it('Data 2.4.2.2: a statement whose anonymous Group has 10,000 members is stored', async () => {
    const members = Array.from({ length: 10_000 }, (_, i) => ({ name: `Member ${i}`, mbox: `mailto:member${i}@example.org` }));
    const id = randomUUID();
    const body = JSON.stringify({
      id,
      actor: { objectType: 'Group', member: members },
      verb: { id: 'http://example.org/verbs/did' },
      object: { id: 'http://example.org/activities/1' },
    });
    const { status, ms } = await timedPost(body);
    console.log(`POST of a Group of 10,000 members (${(body.length / 1e6).toFixed(2)} MB): ${status} in ${ms.toFixed(0)} ms`);
    expect(status).toBe(200);
    expect((await getStatement(id)).body.actor.member).toHaveLength(10_000);
  }, 120_000);

  it('Data 4.1: a statement of about 1 MB of extensions is stored', async () => {
    const extensions = Object.fromEntries(
      Array.from({ length: 10_000 }, (_, i) => [`http://example.org/ext/${i}`, { a: [1, 2.5, 'x'.repeat(50)], b: { c: i } }]),
    );
    const id = randomUUID();
    const body = JSON.stringify({
      id,
      actor: { mbox: 'mailto:ann@example.org' },
      verb: { id: 'http://example.org/verbs/did' },
      object: { id: 'http://example.org/activities/1' },
      result: { extensions },
    });
    const { status, ms } = await timedPost(body);
    console.log(`POST of a statement with ${(body.length / 1e6).toFixed(2)} MB of extensions: ${status} in ${ms.toFixed(0)} ms`);
    expect(status).toBe(200);
  }, 120_000);
});
