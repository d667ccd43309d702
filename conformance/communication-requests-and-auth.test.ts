import { createHash, randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../test-support/app';
import { sampleStatement } from '../test-support/statements';

let lrs: TestLrs;
beforeAll(async () => {
  lrs = await createTestLrs();
});
afterAll(async () => {
  await lrs.close();
});

const statements = () => request(lrs.app);
const postStatement = (body: unknown, auth = lrs.auth) =>
  statements().post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', auth).send(body as object);

describe('Communication 1.1 HEAD', () => {
  it('answers HEAD like GET, without a body', async () => {
    const [id] = (await postStatement(sampleStatement()).expect(200)).body as string[];
    const head = await statements()
      .head(`/xapi/statements?statementId=${id}`)
      .set(XAPI_VERSION_HEADER)
      .set('Authorization', lrs.auth)
      .expect(200);
    expect(head.text).toBeUndefined();
    expect(head.headers['x-experience-api-consistent-through']).toBeDefined();
    expect(head.headers['last-modified']).toBeDefined();
  });
});

describe('Communication 1.3 Alternate Request Syntax', () => {
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

  it('stores a statement sent as POST ?method=PUT with headers and content in the form', async () => {
    const id = randomUUID();
    await statements()
      .post('/xapi/statements?method=PUT')
      .type('form')
      .send(
        form({
          statementId: id,
          'X-Experience-API-Version': '1.0.3',
          Authorization: lrs.auth,
          'Content-Type': 'application/json',
          content: JSON.stringify(sampleStatement()),
        }),
      )
      .expect(204);
    await statements()
      .get(`/xapi/statements?statementId=${id}`)
      .set(XAPI_VERSION_HEADER)
      .set('Authorization', lrs.auth)
      .expect(200);
  });

  it('reads statements with POST ?method=GET and the parameters in the form', async () => {
    const [id] = (await postStatement(sampleStatement()).expect(200)).body as string[];
    const response = await statements()
      .post('/xapi/statements?method=GET')
      .set(XAPI_VERSION_HEADER)
      .set('Authorization', lrs.auth)
      .type('form')
      .send(form({ statementId: id! }))
      .expect(200);
    expect(response.body.id).toBe(id);
  });

  it('rejects other query parameters beside method (1.3.s3.b3)', async () => {
    await statements()
      .post(`/xapi/statements?method=GET&statementId=${randomUUID()}`)
      .set(XAPI_VERSION_HEADER)
      .set('Authorization', lrs.auth)
      .type('form')
      .send('')
      .expect(400);
  });

  it('rejects an unknown method', async () => {
    await statements()
      .post('/xapi/statements?method=PATCH')
      .set(XAPI_VERSION_HEADER)
      .set('Authorization', lrs.auth)
      .type('form')
      .send('')
      .expect(400);
  });
});

describe('Communication 1.5.2 multipart/mixed attachments', () => {
  const boundary = 'keiko-test-boundary';
  const multipart = (statement: unknown, content: Buffer, hash: string) =>
    Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(statement)}\r\n` +
          `--${boundary}\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n` +
          `X-Experience-API-Hash: ${hash}\r\n\r\n`,
      ),
      content,
      Buffer.from(`\r\n--${boundary}--`),
    ]);
  const attachmentOf = (content: Buffer) => ({
    usageType: 'http://example.org/attachments/evidence',
    display: { 'en-US': 'Evidence' },
    contentType: 'application/octet-stream',
    length: content.length,
    sha2: createHash('sha256').update(content).digest('hex'),
  });
  const send = (body: Buffer) =>
    statements()
      .post('/xapi/statements')
      .set(XAPI_VERSION_HEADER)
      .set('Authorization', lrs.auth)
      .set('Content-Type', `multipart/mixed; boundary=${boundary}`)
      .send(body);

  it('stores binary attachment content and returns it byte for byte with attachments=true', async () => {
    const content = Buffer.from([0, 13, 10, 45, 45, 255, 1, 2, 3]);
    const attachment = attachmentOf(content);
    const [id] = (await send(multipart(sampleStatement({ attachments: [attachment] }), content, attachment.sha2)).expect(200))
      .body as string[];
    const response = await statements()
      .get(`/xapi/statements?statementId=${id}&attachments=true`)
      .set(XAPI_VERSION_HEADER)
      .set('Authorization', lrs.auth)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(response.headers['content-type']).toMatch(/^multipart\/mixed; boundary=[^;]+$/);
    expect((response.body as Buffer).includes(content)).toBe(true);
    expect((response.body as Buffer).includes(Buffer.from(`X-Experience-API-Hash: ${attachment.sha2}`))).toBe(true);
  });

  it('rejects a part whose content does not match its hash, storing nothing', async () => {
    const content = Buffer.from('real content');
    const attachment = attachmentOf(content);
    const id = randomUUID();
    const response = await send(
      multipart(sampleStatement({ id, attachments: [attachment] }), Buffer.from('other content'), attachment.sha2),
    ).expect(400);
    expect(response.body.code).toBe('ATTACHMENT_MISMATCH');
    await statements().get(`/xapi/statements?statementId=${id}`).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth).expect(404);
  });

  it('rejects an attachment without fileUrl sent as plain JSON (1.5.1)', async () => {
    await postStatement(sampleStatement({ attachments: [attachmentOf(Buffer.from('x'))] })).expect(400);
  });

  it('rejects a broken multipart body', async () => {
    const response = await send(Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n{}`)).expect(400);
    expect(response.body.code).toBe('INVALID_MULTIPART');
  });
});

describe('Communication 3.3 Versioning', () => {
  it('rejects a request without X-Experience-API-Version', async () => {
    const response = await statements().get('/xapi/statements').set('Authorization', lrs.auth).expect(400);
    expect(response.body.code).toBe('MISSING_VERSION_HEADER');
  });

  it('rejects an unsupported version', async () => {
    await statements()
      .get('/xapi/statements')
      .set('X-Experience-API-Version', '2.0.0')
      .set('Authorization', lrs.auth)
      .expect(400);
  });

  it('sends X-Experience-API-Version 1.0.3 on every response, errors included', async () => {
    for (const response of [
      await statements().get('/xapi/about').expect(200),
      await statements().get('/xapi/statements').expect(400),
      await statements().get('/xapi/statements').set(XAPI_VERSION_HEADER).expect(401),
    ]) {
      expect(response.headers['x-experience-api-version']).toBe('1.0.3');
    }
  });
});

describe('Communication 2.8 About', () => {
  it('answers without credentials or version header', async () => {
    const response = await statements().get('/xapi/about').expect(200);
    expect(response.body.version).toEqual(expect.arrayContaining(['1.0.3', '1.0.0']));
  });
});

describe('Communication 4 Authentication and scopes', () => {
  it('answers 401 with a Basic challenge without credentials', async () => {
    const response = await statements().get('/xapi/statements').set(XAPI_VERSION_HEADER).expect(401);
    expect(response.headers['www-authenticate']).toMatch(/^Basic realm=/);
  });

  it('answers 401 for a wrong secret', async () => {
    const key = Buffer.from(lrs.auth.slice(6), 'base64').toString().split(':')[0];
    await statements()
      .get('/xapi/statements')
      .set(XAPI_VERSION_HEADER)
      .set('Authorization', `Basic ${Buffer.from(`${key}:wrong-secret`).toString('base64')}`)
      .expect(401);
  });

  it('answers 403 when the credential lacks the scope', async () => {
    const readOnly = await lrs.credential(['statements/read']);
    const response = await postStatement(sampleStatement(), readOnly).expect(403);
    expect(response.body.message).toMatch(/statements\/write/);
  });

  it('statements/read/mine sees only the statements its credential stored', async () => {
    const mine = await lrs.credential(['statements/write', 'statements/read/mine']);
    const verb = { id: `http://example.org/verbs/${randomUUID()}` };
    const [own] = (await postStatement(sampleStatement({ verb }), mine).expect(200)).body as string[];
    const [other] = (await postStatement(sampleStatement({ verb })).expect(200)).body as string[];
    const list = await statements()
      .get(`/xapi/statements?verb=${encodeURIComponent(verb.id)}`)
      .set(XAPI_VERSION_HEADER)
      .set('Authorization', mine)
      .expect(200);
    expect(list.body.statements.map((s: { id: string }) => s.id)).toEqual([own]);
    await statements()
      .get(`/xapi/statements?statementId=${other}`)
      .set(XAPI_VERSION_HEADER)
      .set('Authorization', mine)
      .expect(404);
  });

  it('uses the credential as the authority of stored statements (Data 2.4.9.s3.b2)', async () => {
    const writer = await lrs.credential(['statements/write', 'statements/read'], 'Moodle');
    const [id] = (await postStatement(sampleStatement(), writer).expect(200)).body as string[];
    const stored = await statements()
      .get(`/xapi/statements?statementId=${id}`)
      .set(XAPI_VERSION_HEADER)
      .set('Authorization', writer)
      .expect(200);
    expect(stored.body.authority).toMatchObject({ objectType: 'Agent', name: 'Moodle' });
  });
});

describe('bad input never causes a 5xx', () => {
  it.each([
    ['a JSON string', '"statement"'],
    ['a number', '42'],
    ['null', 'null'],
    ['an array of nulls', '[null]'],
    ['deeply nested arrays', `${'['.repeat(500)}${']'.repeat(500)}`],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
    ['a lone UTF-16 surrogate (Communication 1.4)', JSON.stringify(sampleStatement()).replace('"Keiko test suite"', '"\\ud800"')],
  ])('rejects %s with 400', async (_name, body) => {
    await statements()
      .post('/xapi/statements')
      .set(XAPI_VERSION_HEADER)
      .set('Authorization', lrs.auth)
      .set('Content-Type', 'application/json')
      .send(body)
      .expect(400);
  });

  it('rejects a body over the size limit with 413', async () => {
    const small = await createTestLrs({ JSON_BODY_LIMIT_BYTES: '2048', MULTIPART_BODY_LIMIT_BYTES: '4096' });
    try {
      await request(small.app)
        .post('/xapi/statements')
        .set(XAPI_VERSION_HEADER)
        .set('Authorization', small.auth)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(sampleStatement({ result: { response: 'x'.repeat(10_000) } })))
        .expect(413);
    } finally {
      await small.close();
    }
  });

  it('rejects a content type that is neither JSON nor multipart', async () => {
    await statements()
      .post('/xapi/statements')
      .set(XAPI_VERSION_HEADER)
      .set('Authorization', lrs.auth)
      .set('Content-Type', 'text/plain')
      .send('hello')
      .expect(400);
  });
});
