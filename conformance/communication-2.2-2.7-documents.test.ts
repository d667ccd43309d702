import { createHash, randomBytes, randomUUID } from 'node:crypto';
import request, { type Response } from 'supertest';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../test-support/app';

let lrs: TestLrs;
beforeAll(async () => {
  lrs = await createTestLrs();
});
afterAll(async () => {
  await lrs.close();
});

const STATE = '/xapi/activities/state';
const ACTIVITY_PROFILE = '/xapi/activities/profile';
const AGENT_PROFILE = '/xapi/agents/profile';

type Method = 'get' | 'head' | 'put' | 'post' | 'delete';
type Params = Record<string, string | object | undefined>;

function urlOf(path: string, params: Params): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) search.append(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return `${path}?${search.toString()}`;
}

function call(method: Method, path: string, params: Params, auth = lrs.auth, app = lrs.app) {
  return request(app)[method](urlOf(path, params)).set(XAPI_VERSION_HEADER).set('Authorization', auth);
}

/** GET with the response body read as bytes, whatever its Content-Type. */
const getBytes = (path: string, params: Params) =>
  call('get', path, params)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
const sha1 = (content: Buffer | string) => createHash('sha1').update(content).digest('hex');

/** A fresh Activity and Agent, so that no two tests share documents. */
function freshContext() {
  return {
    activityId: `http://example.org/activities/${randomUUID()}`,
    agent: { objectType: 'Agent', mbox: `mailto:${randomUUID()}@example.org` },
  };
}
const stateParams = (overrides: Params = {}): Params => ({ ...freshContext(), stateId: randomUUID(), ...overrides });
const activityProfileParams = (): Params => ({ activityId: freshContext().activityId, profileId: randomUUID() });
const agentProfileParams = (): Params => ({ agent: freshContext().agent, profileId: randomUUID() });

/** PUT or POST a JSON document; Profile PUTs need a concurrency header, If-None-Match: * unless given. */
function send(method: 'put' | 'post', path: string, params: Params, body: unknown, headers: Record<string, string> = {}) {
  const test = call(method, path, params).set(headers);
  if (method === 'put' && path !== STATE && headers['If-Match'] === undefined && headers['If-None-Match'] === undefined) {
    test.set('If-None-Match', '*');
  }
  return test.send(body as object);
}

const RESOURCES = [
  { name: 'State', path: STATE, params: stateParams },
  { name: 'Activity Profile', path: ACTIVITY_PROFILE, params: activityProfileParams },
  { name: 'Agent Profile', path: AGENT_PROFILE, params: agentProfileParams },
];

type ChangeParams = (where: Params) => Params;

function itStoresReadsAndDeletesOneDocument(section: string, name: string, path: string, params: () => Params): void {
  it(`Communication ${section}.s3 — PUT, GET and DELETE a single ${name} document`, async () => {
    const where = params();
    await send('put', path, where, { progress: 0.5 }).expect(204);
    expect((await call('get', path, where).expect(200)).body).toEqual({ progress: 0.5 });
    await call('delete', path, where).expect(204);
    await call('get', path, where).expect(404);
  });
}

function itListsProfileIdsSince(section: string, name: string, path: string, params: () => Params): void {
  it(`Communication ${section}.s4 — returns the profileIds of the ${name}, limited by since`, async () => {
    const { profileId: _omit, ...context } = params();
    await call('post', path, { ...context, profileId: 'first' }).send({}).expect(204);
    const since = await pauseForTimestamp();
    await call('post', path, { ...context, profileId: 'second' }).send({}).expect(204);
    expect(((await call('get', path, context).expect(200)).body as string[]).sort()).toEqual(['first', 'second']);
    expect((await call('get', path, { ...context, since }).expect(200)).body).toEqual(['second']);
  });
}

function itRejectsBadParameters(section: string, path: string, params: () => Params, cases: [string, ChangeParams][]): void {
  it.each(cases)(`Communication ${section}.s3 — POST and DELETE with %s are 400 and change nothing`, async (_label, change) => {
    const where = params();
    await call('post', path, where).send({ a: 1 }).expect(204);
    await call('post', path, change(where)).send({ b: 2 }).expect(400);
    await call('delete', path, change(where)).expect(400);
    expect((await call('get', path, where)).body).toEqual({ a: 1 });
  });
}

/** A Timestamp strictly between what was stored before and what is stored after the call. */
async function pauseForTimestamp(): Promise<string> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  const timestamp = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 20));
  return timestamp;
}

describe('Communication 2.2 Document Resources', () => {
  it.each(RESOURCES)('Communication 2.2.s3 — $name stores a document with PUT and returns it with GET', async ({ path, params }) => {
    const where = params();
    await send('put', path, where, { x: 'foo', y: 'bar' }).expect(204);
    const response = await call('get', path, where).expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toEqual({ x: 'foo', y: 'bar' });
  });

  it('Communication 2.2.s4.b2 — accepts documents for Activities and Agents the LRS has never seen', async () => {
    await call('post', STATE, stateParams()).send({ first: true }).expect(204);
    await call('post', ACTIVITY_PROFILE, activityProfileParams()).send({ first: true }).expect(204);
    await call('post', AGENT_PROFILE, agentProfileParams()).send({ first: true }).expect(204);
  });

  it('Communication 2.2.s2 — keeps arbitrary binary contents and its Content-Type byte for byte', async () => {
    const where = stateParams();
    const bytes = Buffer.from(Array.from({ length: 512 }, (_, index) => (index * 7) % 256));
    await call('put', STATE, where).set('Content-Type', 'image/png').send(bytes).expect(204);
    const response = await getBytes(STATE, where).expect(200);
    expect(response.headers['content-type']).toBe('image/png');
    expect((response.body as Buffer).equals(bytes)).toBe(true);
  });

  it('Communication 2.2.s2 — keeps a large document (over the inline limit, stored as a blob) intact', async () => {
    const where = agentProfileParams();
    const bytes = randomBytes(1024 * 1024 + 3);
    await call('put', AGENT_PROFILE, where).set('If-None-Match', '*').set('Content-Type', 'application/octet-stream').send(bytes).expect(204);
    const response = await getBytes(AGENT_PROFILE, where).expect(200);
    expect((response.body as Buffer).equals(bytes)).toBe(true);
    expect(response.headers.etag).toBe(`"${sha1(bytes)}"`);
  });

  it('Communication 2.2.s2 — keeps text documents exactly as sent, with their charset', async () => {
    const where = activityProfileParams();
    const text = 'Grüße — 你好\r\n  trailing spaces  ';
    await call('put', ACTIVITY_PROFILE, where).set('If-None-Match', '*').set('Content-Type', 'text/plain; charset=utf-8').send(text).expect(204);
    const response = await getBytes(ACTIVITY_PROFILE, where).expect(200);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect((response.body as Buffer).toString('utf8')).toBe(text);
  });

  it('Communication 2.2.s2 — stores a document sent without a Content-Type as application/octet-stream', async () => {
    const where = stateParams();
    await request(lrs.app).put(urlOf(STATE, where)).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth).send(Buffer.from('raw')).expect(204);
    const response = await getBytes(STATE, where).expect(200);
    expect(response.headers['content-type']).toBe('application/octet-stream');
  });

  it('answers 404 for a document that does not exist', async () => {
    const response = await call('get', STATE, stateParams()).expect(404);
    expect(response.body.code).toBe('DOCUMENT_NOT_FOUND');
  });

  it('answers 413 for a document larger than DOCUMENT_BODY_LIMIT_BYTES and stores nothing', async () => {
    const small = await createTestLrs({ DOCUMENT_BODY_LIMIT_BYTES: '2048' });
    try {
      const where = stateParams();
      await call('put', STATE, where, small.auth, small.app).set('Content-Type', 'text/plain').send('x'.repeat(2049)).expect(413);
      await call('put', STATE, where, small.auth, small.app).set('Content-Type', 'text/plain').send('x'.repeat(2048)).expect(204);
      const response = await call('get', STATE, where, small.auth, small.app).expect(200);
      expect(response.text).toHaveLength(2048);
    } finally {
      await small.close();
    }
  });

  it.each([
    ['PUT', 'a malformed Content-Type', 'not a media type', 'x', 'INVALID_CONTENT_TYPE'],
    ['PUT', 'Content-Type application/json with a body that is not JSON', 'application/json', '{"unclosed": ', 'INVALID_JSON'],
    ['POST', 'Content-Type application/json with a body that is not JSON (Communication 2.2.s8.b1)', 'application/json', '{"a": 1}[', 'INVALID_JSON'],
  ] as const)('rejects a %s with %s with 400 and stores nothing', async (method, _label, contentType, body, code) => {
    const where = activityProfileParams();
    const test = call(method === 'PUT' ? 'put' : 'post', ACTIVITY_PROFILE, where).set('If-None-Match', '*');
    const response = await test.set('Content-Type', contentType).send(body).expect(400);
    expect(response.body.code).toBe(code);
    await call('get', ACTIVITY_PROFILE, where).expect(404);
  });

  it('Communication 2.2.s6.b1 — sends Last-Modified with a single document', async () => {
    const where = stateParams();
    const before = Math.floor(Date.now() / 1000) * 1000;
    await send('put', STATE, where, { a: 1 }).expect(204);
    const response = await call('get', STATE, where).expect(200);
    const lastModified = Date.parse(response.headers['last-modified']!);
    expect(lastModified).toBeGreaterThanOrEqual(before);
    expect(lastModified).toBeLessThanOrEqual(Date.now());
  });

  it('Communication 2.2.s6.b2 — sends Last-Modified of the most recent document with a list of ids', async () => {
    const where = stateParams();
    await send('put', STATE, where, { a: 1 }).expect(204);
    const { stateId: _omit, ...context } = where;
    const response = await call('get', STATE, context).expect(200);
    expect(response.headers['last-modified']).toBe((await call('get', STATE, where)).headers['last-modified']);
  });

  describe('Communication 2.2.s7 JSON merge', () => {
    it.each(RESOURCES)('Communication 2.2.s7 — POST merges JSON objects one level deep on $name', async ({ path, params }) => {
      const where = params();
      await call('post', path, where).send({ x: 'foo', y: 'bar', nested: { keep: 1, drop: 2 } }).expect(204);
      await call('post', path, where).send({ x: 'bash', z: 'faz', nested: { only: 3 } }).expect(204);
      const response = await call('get', path, where).expect(200);
      expect(response.body).toEqual({ x: 'bash', y: 'bar', z: 'faz', nested: { only: 3 } });
    });

    it('Communication 2.2.s7 — POST without an existing document stores it as sent', async () => {
      const where = stateParams();
      const text = '{ "spaced" :  true }';
      await call('post', STATE, where).set('Content-Type', 'application/json').send(text).expect(204);
      expect((await getBytes(STATE, where).expect(200)).body.toString()).toBe(text);
    });

    it('Communication 2.2.s7 — POST of a non-JSON document without an existing one stores it', async () => {
      const where = stateParams();
      await call('post', STATE, where).set('Content-Type', 'text/plain').send('plain').expect(204);
      expect((await getBytes(STATE, where).expect(200)).body.toString()).toBe('plain');
    });

    it('Communication 2.2.s8.b2 — a merge changes the ETag to that of the merged document', async () => {
      const where = stateParams();
      await call('post', STATE, where).send({ a: 1 }).expect(204);
      await call('post', STATE, where).send({ b: 2 }).expect(204);
      const response = await getBytes(STATE, where).expect(200);
      expect(response.headers.etag).toBe(`"${sha1(response.body as Buffer)}"`);
    });

    const json = (body: string) => ({ type: 'application/json', body });
    const octets = (body: string) => ({ type: 'application/octet-stream', body });
    const unmergeable: [string, string, () => Params, { type: string; body: string }, { type: string; body: string }, string][] = [
      ['a non-JSON document onto a JSON one', STATE, stateParams, json('{"kept":true}'), octets('abc'), 'DOCUMENT_NOT_MERGEABLE'],
      ['JSON onto a non-JSON document', ACTIVITY_PROFILE, activityProfileParams, octets('/ asdf / undefined'), json('{"a":1}'), 'DOCUMENT_NOT_MERGEABLE'],
      ['malformed JSON', AGENT_PROFILE, agentProfileParams, json('{"kept":true}'), json('{"a": 1}{'), 'INVALID_JSON'],
      ['a JSON array', STATE, stateParams, json('{"kept":true}'), json('[1, 2]'), 'DOCUMENT_NOT_MERGEABLE'],
      ['a JSON string', STATE, stateParams, json('{"kept":true}'), json('"text"'), 'DOCUMENT_NOT_MERGEABLE'],
      ['a JSON Object onto a stored JSON array', STATE, stateParams, json('[1, 2]'), json('{"a":1}'), 'DOCUMENT_NOT_MERGEABLE'],
    ];

    it.each(unmergeable)('Communication 2.2.s8.b1 — POST of %s is 400 and changes nothing', async (_label, path, params, stored, posted, code) => {
      const where = params();
      await call('put', path, where).set('If-None-Match', '*').set('Content-Type', stored.type).send(stored.body).expect(204);
      const response = await call('post', path, where).set('Content-Type', posted.type).send(posted.body).expect(400);
      expect(response.body.code).toBe(code);
      expect((await getBytes(path, where).expect(200)).body.toString()).toBe(stored.body);
    });

    it('keeps concurrent merges: every one of many parallel POSTs is applied', async () => {
      const where = stateParams();
      await call('post', STATE, where).send({ start: true }).expect(204);
      const keys = Array.from({ length: 8 }, (_, index) => `k${index}`);
      await Promise.all(keys.map((key) => call('post', STATE, where).send({ [key]: key }).expect(204)));
      const response = await call('get', STATE, where).expect(200);
      expect(Object.keys(response.body).sort()).toEqual(['start', ...keys].sort());
    });
  });

  describe('Communication 1.1 HEAD and 1.3 alternate request syntax', () => {
    it('Communication 1.1.s3.b1 — HEAD answers like GET without the body', async () => {
      const where = stateParams();
      await send('put', STATE, where, { a: 1 }).expect(204);
      const got = await call('get', STATE, where).expect(200);
      const head = await call('head', STATE, where).expect(200);
      expect(head.text).toBeUndefined();
      expect(head.headers.etag).toBe(got.headers.etag);
      expect(head.headers['last-modified']).toBe(got.headers['last-modified']);
    });

    it('Communication 1.3.s3 — a document can be stored and read with the alternate request syntax', async () => {
      const where = { ...freshContext(), stateId: 'alternate' };
      const form = new URLSearchParams({
        activityId: where.activityId,
        agent: JSON.stringify(where.agent),
        stateId: where.stateId,
        'Content-Type': 'application/json',
        content: '{"via":"form"}',
        'X-Experience-API-Version': '1.0.3',
        Authorization: lrs.auth,
      });
      await request(lrs.app).post(`${STATE}?method=PUT`).type('form').send(form.toString()).expect(204);
      const response = await call('get', STATE, where).expect(200);
      expect(response.body).toEqual({ via: 'form' });
    });
  });
});

describe('Communication 2.3 State Resource', () => {
  itStoresReadsAndDeletesOneDocument('2.3', 'State', STATE, stateParams);

  it('Communication 3.1.s3 — the State resource accepts PUT, POST and DELETE without concurrency headers', async () => {
    const where = stateParams();
    await call('put', STATE, where).send({ v: 1 }).expect(204);
    await call('put', STATE, where).send({ v: 2 }).expect(204);
    await call('post', STATE, where).send({ w: 3 }).expect(204);
    expect((await call('get', STATE, where)).body).toEqual({ v: 2, w: 3 });
    await call('delete', STATE, where).expect(204);
    await call('delete', STATE, where).expect(204);
  });

  it('Communication 2.3.s3.table1.row3 — documents with and without a registration, or with different ones, are separate', async () => {
    const where = stateParams();
    const first = randomUUID();
    const second = randomUUID();
    await call('put', STATE, where).send({ registration: 'none' }).expect(204);
    await call('put', STATE, { ...where, registration: first }).send({ registration: 'first' }).expect(204);
    await call('put', STATE, { ...where, registration: second }).send({ registration: 'second' }).expect(204);
    expect((await call('get', STATE, where)).body).toEqual({ registration: 'none' });
    expect((await call('get', STATE, { ...where, registration: first })).body).toEqual({ registration: 'first' });
    expect((await call('get', STATE, { ...where, registration: second.toUpperCase() })).body).toEqual({ registration: 'second' });
    await call('get', STATE, { ...where, registration: randomUUID() }).expect(404);
  });

  it('Communication 2.3.s3.table1.row2 — matches the Agent by its identifier, not by its other properties', async () => {
    const where = stateParams();
    const agent = where.agent as { mbox: string };
    await call('put', STATE, where).send({ a: 1 }).expect(204);
    const [local, domain] = agent.mbox.split('@');
    const sameAgent = { name: 'Another name', mbox: `${local}@${domain!.toUpperCase()}` };
    expect((await call('get', STATE, { ...where, agent: sameAgent }).expect(200)).body).toEqual({ a: 1 });
    await call('get', STATE, { ...where, agent: { mbox: `mailto:${randomUUID()}@example.org` } }).expect(404);
  });

  describe('Communication 2.3.s4 Multiple Document GET', () => {
    it('Communication 2.3.s4 — returns the stateIds of the Activity and Agent as a JSON array', async () => {
      const { stateId: _omit, ...context } = stateParams();
      await call('put', STATE, { ...context, stateId: 'a' }).send({}).expect(204);
      await call('put', STATE, { ...context, stateId: 'b' }).send({}).expect(204);
      await call('put', STATE, { ...context, activityId: `${context.activityId as string}/other`, stateId: 'c' }).send({}).expect(204);
      const response = await call('get', STATE, context).expect(200);
      expect((response.body as string[]).sort()).toEqual(['a', 'b']);
    });

    it('Communication 2.3.s4 — returns an empty array when there are no documents', async () => {
      const { stateId: _omit, ...context } = stateParams();
      expect((await call('get', STATE, context).expect(200)).body).toEqual([]);
    });

    it('Communication 2.3.s4.table1.row3 — with a registration lists that registration only; without, every registration once', async () => {
      const { stateId: _omit, ...context } = stateParams();
      const registration = randomUUID();
      await call('put', STATE, { ...context, stateId: 'plain' }).send({}).expect(204);
      await call('put', STATE, { ...context, stateId: 'both' }).send({}).expect(204);
      await call('put', STATE, { ...context, registration, stateId: 'both' }).send({}).expect(204);
      await call('put', STATE, { ...context, registration, stateId: 'registered' }).send({}).expect(204);
      expect(((await call('get', STATE, { ...context, registration })).body as string[]).sort()).toEqual(['both', 'registered']);
      expect(((await call('get', STATE, context)).body as string[]).sort()).toEqual(['both', 'plain', 'registered']);
    });

    it('Communication 2.3.s4.table1.row4 — since lists only documents stored or updated after it (exclusive)', async () => {
      const { stateId: _omit, ...context } = stateParams();
      await call('put', STATE, { ...context, stateId: 'old' }).send({}).expect(204);
      await call('put', STATE, { ...context, stateId: 'updated' }).send({}).expect(204);
      const since = await pauseForTimestamp();
      await call('put', STATE, { ...context, stateId: 'new' }).send({}).expect(204);
      await call('post', STATE, { ...context, stateId: 'updated' }).send({ more: true }).expect(204);
      expect(((await call('get', STATE, { ...context, since })).body as string[]).sort()).toEqual(['new', 'updated']);
      expect((await call('get', STATE, { ...context, since: new Date(Date.now() + 60_000).toISOString() })).body).toEqual([]);
      const lastMinute = new Date(Date.now() - 60_000).toISOString();
      expect(((await call('get', STATE, { ...context, since: lastMinute })).body as string[]).sort()).toEqual(['new', 'old', 'updated']);
    });
  });

  describe('Communication 2.3.s5 Multiple Document DELETE', () => {
    it('Communication 2.3.s5 — deletes every state of the Activity and Agent, in every registration, and nothing else', async () => {
      const { stateId: _omit, ...context } = stateParams();
      const otherAgent = { ...context, agent: { mbox: `mailto:${randomUUID()}@example.org` }, stateId: 'kept' };
      await call('put', STATE, { ...context, stateId: 'a' }).send({}).expect(204);
      await call('put', STATE, { ...context, registration: randomUUID(), stateId: 'b' }).send({}).expect(204);
      await call('put', STATE, otherAgent).send({}).expect(204);
      await call('delete', STATE, context).expect(204);
      expect((await call('get', STATE, context)).body).toEqual([]);
      await call('get', STATE, otherAgent).expect(200);
    });

    it('Communication 2.3.s5.table1.row3 — with a registration deletes the states of that registration only', async () => {
      const { stateId: _omit, ...context } = stateParams();
      const registration = randomUUID();
      await call('put', STATE, { ...context, stateId: 'a' }).send({}).expect(204);
      await call('put', STATE, { ...context, registration, stateId: 'a' }).send({}).expect(204);
      await call('delete', STATE, { ...context, registration }).expect(204);
      expect((await call('get', STATE, { ...context, registration })).body).toEqual([]);
      await call('get', STATE, { ...context, stateId: 'a' }).expect(200);
    });
  });

  describe('Communication 2.3.s3 parameters: bad input is 400 and changes nothing', () => {
    const badStateRequests: [string, (where: Params) => Params, RegExp][] = [
      ['activityId missing', ({ activityId: _omit, ...rest }) => rest, /activityId/],
      ['agent missing', ({ agent: _omit, ...rest }) => rest, /agent/],
      ['stateId missing', ({ stateId: _omit, ...rest }) => rest, /stateId/],
      ['activityId not an IRI', (where) => ({ ...where, activityId: 'not an iri' }), /activityId/],
      ['agent not JSON', (where) => ({ ...where, agent: 'not JSON' }), /agent/],
      ['agent JSON but not an object', (where) => ({ ...where, agent: 'true' }), /agent/],
      ['agent without an identifier', (where) => ({ ...where, agent: { name: 'Nobody' } }), /agent/],
      ['agent with two identifiers', (where) => ({ ...where, agent: { mbox: 'mailto:a@example.org', openid: 'http://a.example.org' } }), /agent/],
      ['agent an identified Group', (where) => ({ ...where, agent: { objectType: 'Group', mbox: 'mailto:g@example.org' } }), /Group/],
      ['registration not a UUID', (where) => ({ ...where, registration: 'true' }), /registration/],
      ['stateId empty', (where) => ({ ...where, stateId: '' }), /stateId/],
      ['an unknown parameter', (where) => ({ ...where, foo: 'bar' }), /Unknown parameter "foo"/],
      ['a wrongly cased parameter', ({ stateId, ...rest }) => ({ ...rest, StateId: stateId }), /did you mean "stateId"/],
      ['profileId instead of stateId', ({ stateId, ...rest }) => ({ ...rest, profileId: stateId }), /profileId/],
      ['since with PUT', (where) => ({ ...where, since: new Date().toISOString() }), /since/],
    ];

    it.each(badStateRequests)('Communication 2.3.s3 — PUT with %s is 400', async (_label, change, message) => {
      const where = stateParams();
      const response = await call('put', STATE, change(where)).send({ a: 1 }).expect(400);
      expect(response.body.message).toMatch(message);
      expect(response.body.code).toMatch(/^(MISSING_PARAMETER|INVALID_PARAMETER|UNKNOWN_PARAMETER)$/);
      await call('get', STATE, where).expect(404);
    });

    it.each(badStateRequests.filter(([label]) => label !== 'since with PUT'))(
      'Communication 2.3.s3 — POST and DELETE with %s are 400 and change nothing',
      async (_label, change) => {
        const where = stateParams();
        await call('put', STATE, where).send({ a: 1 }).expect(204);
        await call('post', STATE, change(where)).send({ b: 2 }).expect(400);
        if (!['stateId missing', 'since with PUT'].includes(_label)) await call('delete', STATE, change(where)).expect(400);
        expect((await call('get', STATE, where)).body).toEqual({ a: 1 });
      },
    );

    it('Communication 2.3.s3 — GET with a parameter given twice is 400', async () => {
      const where = stateParams();
      const url = `${urlOf(STATE, where)}&stateId=${randomUUID()}`;
      const response = await request(lrs.app).get(url).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth).expect(400);
      expect(response.body.message).toMatch(/once/);
    });

    it('Communication 2.3.s4.table1.row4 — since that is not a Timestamp is 400', async () => {
      const { stateId: _omit, ...context } = stateParams();
      for (const since of ['not a timestamp', 'true', '2024-02-30T00:00:00Z', '2024-01-01']) {
        await call('get', STATE, { ...context, since }).expect(400);
      }
    });

    it('Communication 2.3.s3 — since together with stateId is 400 (since applies to id lists)', async () => {
      await call('get', STATE, stateParams({ since: new Date().toISOString() })).expect(400);
    });

    it('Communication 2.3.s5 — DELETE takes no since parameter', async () => {
      const { stateId: _omit, ...context } = stateParams();
      await call('delete', STATE, { ...context, since: new Date().toISOString() }).expect(400);
    });
  });
});

describe('Communication 2.6 Agent Profile Resource', () => {
  itStoresReadsAndDeletesOneDocument('2.6', 'Agent Profile', AGENT_PROFILE, agentProfileParams);
  itListsProfileIdsSince('2.6', 'Agent', AGENT_PROFILE, agentProfileParams);

  it('Communication 2.6.s3 — agent must be an Agent: a Group, even identified, is 400', async () => {
    const where = { ...agentProfileParams(), agent: { objectType: 'Group', mbox: 'mailto:team@example.org' } };
    const response = await call('post', AGENT_PROFILE, where).send({ a: 1 }).expect(400);
    expect(response.body.message).toMatch(/Agent object/);
  });

  itRejectsBadParameters('2.6', AGENT_PROFILE, agentProfileParams, [
    ['agent missing', ({ agent: _omit, ...rest }) => rest],
    ['profileId missing', ({ profileId: _omit, ...rest }) => rest],
    ['agent not JSON', (where) => ({ ...where, agent: 'true' })],
    ['a registration', (where) => ({ ...where, registration: randomUUID() })],
    ['an activityId', (where) => ({ ...where, activityId: 'http://example.org/a' })],
  ]);

  it('Communication 2.6.s4 — GET without agent, or with since that is not a Timestamp, is 400', async () => {
    const { profileId: _omit, ...context } = agentProfileParams();
    await call('get', AGENT_PROFILE, {}).expect(400);
    await call('get', AGENT_PROFILE, { ...context, since: 'true' }).expect(400);
  });
});

describe('Communication 2.7 Activity Profile Resource', () => {
  itStoresReadsAndDeletesOneDocument('2.7', 'Activity Profile', ACTIVITY_PROFILE, activityProfileParams);
  itListsProfileIdsSince('2.7', 'Activity', ACTIVITY_PROFILE, activityProfileParams);

  it('Communication 2.7.s3 — DELETE of a document that does not exist is 204', async () => {
    await call('delete', ACTIVITY_PROFILE, activityProfileParams()).expect(204);
  });

  itRejectsBadParameters('2.7', ACTIVITY_PROFILE, activityProfileParams, [
    ['activityId missing', ({ activityId: _omit, ...rest }) => rest],
    ['profileId missing', ({ profileId: _omit, ...rest }) => rest],
    ['activityId not an IRI', (where) => ({ ...where, activityId: 'nope' })],
    ['an agent', (where) => ({ ...where, agent: { mbox: 'mailto:a@example.org' } })],
    ['ProfileId wrongly cased', ({ profileId, ...rest }) => ({ ...rest, ProfileId: profileId })],
  ]);
});

describe('Communication 3.1 Concurrency', () => {
  const etagOf = async (path: string, where: Params) => (await call('get', path, where).expect(200)).headers.etag as string;

  it('Communication 3.1.s4.b1-b4 — GET and HEAD send the quoted, lower-case SHA-1 of the content as ETag', async () => {
    const where = agentProfileParams();
    const text = '{"a":1}';
    await call('put', AGENT_PROFILE, where).set('If-None-Match', '*').set('Content-Type', 'application/json').send(text).expect(204);
    expect(await etagOf(AGENT_PROFILE, where)).toBe(`"${sha1(text)}"`);
    expect((await call('head', AGENT_PROFILE, where).expect(200)).headers.etag).toBe(`"${sha1(text)}"`);
  });

  it('Communication 3.1.s4.b5 — PUT with If-Match of the current ETag replaces the document', async () => {
    const where = activityProfileParams();
    await send('put', ACTIVITY_PROFILE, where, { v: 1 }).expect(204);
    await send('put', ACTIVITY_PROFILE, where, { v: 2 }, { 'If-Match': await etagOf(ACTIVITY_PROFILE, where) }).expect(204);
    expect((await call('get', ACTIVITY_PROFILE, where)).body).toEqual({ v: 2 });
  });

  it('Communication 3.1.s4.b9-b10 — PUT with a stale If-Match is 412 and changes nothing', async () => {
    const where = agentProfileParams();
    await send('put', AGENT_PROFILE, where, { v: 1 }).expect(204);
    const stale = await etagOf(AGENT_PROFILE, where);
    await send('put', AGENT_PROFILE, where, { v: 2 }, { 'If-Match': stale }).expect(204);
    const response = await send('put', AGENT_PROFILE, where, { v: 3 }, { 'If-Match': stale }).expect(412);
    expect(response.body.code).toBe('PRECONDITION_FAILED');
    await send('put', AGENT_PROFILE, where, { v: 4 }, { 'If-Match': '"1111111111111111111111111111111111111111"' }).expect(412);
    expect((await call('get', AGENT_PROFILE, where)).body).toEqual({ v: 2 });
  });

  it('Communication 3.1.s4.b5 — If-Match accepts a list of ETags and *, and compares strongly', async () => {
    const where = activityProfileParams();
    await send('put', ACTIVITY_PROFILE, where, { v: 1 }).expect(204);
    const current = await etagOf(ACTIVITY_PROFILE, where);
    await send('put', ACTIVITY_PROFILE, where, { v: 2 }, { 'If-Match': `W/${current}` }).expect(412);
    await send('put', ACTIVITY_PROFILE, where, { v: 2 }, { 'If-Match': `"abc", ${current}` }).expect(204);
    await send('put', ACTIVITY_PROFILE, where, { v: 3 }, { 'If-Match': '*' }).expect(204);
    expect((await call('get', ACTIVITY_PROFILE, where)).body).toEqual({ v: 3 });
  });

  it('Communication 3.1.s4.b5 — If-Match on a document that does not exist is 412 and creates nothing', async () => {
    const where = activityProfileParams();
    await send('put', ACTIVITY_PROFILE, where, { v: 1 }, { 'If-Match': '*' }).expect(412);
    await call('get', ACTIVITY_PROFILE, where).expect(404);
  });

  it('Communication 3.1.s4.b6 — PUT with If-None-Match: * creates, and is 412 when the document exists', async () => {
    const where = activityProfileParams();
    await send('put', ACTIVITY_PROFILE, where, { v: 1 }, { 'If-None-Match': '*' }).expect(204);
    await send('put', ACTIVITY_PROFILE, where, { v: 2 }, { 'If-None-Match': '*' }).expect(412);
    expect((await call('get', ACTIVITY_PROFILE, where)).body).toEqual({ v: 1 });
  });

  const PROFILES = [
    ['Activity Profile', ACTIVITY_PROFILE, activityProfileParams],
    ['Agent Profile', AGENT_PROFILE, agentProfileParams],
  ] as const;

  it.each(PROFILES)('Communication 3.1.s4.b13-b15 — %s PUT without either header to an existing document is 409 with advice, unchanged', async (_name, path, params) => {
    const where = params();
    await call('post', path, where).send({ v: 1 }).expect(204);
    const response = await call('put', path, where).send({ v: 2 }).expect(409);
    expect(response.body.code).toBe('DOCUMENT_EXISTS');
    expect(response.body.message).toMatch(/current state/);
    expect(response.body.message).toMatch(/If-Match/);
    expect((await call('get', path, where)).body).toEqual({ v: 1 });
  });

  it.each(PROFILES)('Communication 3.1.s3.b1 — %s PUT without either header to a new document is 400 and creates nothing', async (_name, path, params) => {
    const where = params();
    const response = await call('put', path, where).send({ v: 1 }).expect(400);
    expect(response.body.code).toBe('PRECONDITION_REQUIRED');
    await call('get', path, where).expect(404);
  });

  it('Communication 3.1.s4.b7-b8, b11-b12 — POST honours If-Match and If-None-Match', async () => {
    const where = agentProfileParams();
    await call('post', AGENT_PROFILE, where).set('If-None-Match', '*').send({ a: 1 }).expect(204);
    await call('post', AGENT_PROFILE, where).set('If-None-Match', '*').send({ b: 2 }).expect(412);
    const current = await etagOf(AGENT_PROFILE, where);
    await call('post', AGENT_PROFILE, where).set('If-Match', '"0000000000000000000000000000000000000000"').send({ c: 3 }).expect(412);
    await call('post', AGENT_PROFILE, where).set('If-Match', current).send({ d: 4 }).expect(204);
    expect((await call('get', AGENT_PROFILE, where)).body).toEqual({ a: 1, d: 4 });
  });

  it('Communication 3.1.s4.b7, b11-b12 — DELETE honours If-Match', async () => {
    const where = activityProfileParams();
    await call('post', ACTIVITY_PROFILE, where).send({ a: 1 }).expect(204);
    await call('delete', ACTIVITY_PROFILE, where).set('If-Match', '"0000000000000000000000000000000000000000"').expect(412);
    await call('get', ACTIVITY_PROFILE, where).expect(200);
    await call('delete', ACTIVITY_PROFILE, where).set('If-Match', await etagOf(ACTIVITY_PROFILE, where)).expect(204);
    await call('get', ACTIVITY_PROFILE, where).expect(404);
    await call('delete', ACTIVITY_PROFILE, where).set('If-Match', '*').expect(412);
  });

  it('Communication 3.1.s2.b1 — the State resource honours the headers when they are sent', async () => {
    const where = stateParams();
    await call('put', STATE, where).set('If-None-Match', '*').send({ a: 1 }).expect(204);
    await call('put', STATE, where).set('If-None-Match', '*').send({ a: 2 }).expect(412);
    await call('put', STATE, where).set('If-Match', '"0000000000000000000000000000000000000000"').send({ a: 3 }).expect(412);
    expect((await call('get', STATE, where)).body).toEqual({ a: 1 });
  });

  it('answers 304 Not Modified to a GET whose If-None-Match has the current ETag', async () => {
    const where = stateParams();
    await call('put', STATE, where).send({ a: 1 }).expect(204);
    await call('get', STATE, where).set('If-None-Match', await etagOf(STATE, where)).expect(304);
  });
});

describe('Communication 4.2 Scopes of the Document Resources', () => {
  const status = (response: Response) => response.status;

  it('"state" allows the State resource only; "profile" both Profile resources only', async () => {
    const stateOnly = await lrs.credential(['state']);
    const profileOnly = await lrs.credential(['profile']);
    expect(status(await call('post', STATE, stateParams(), stateOnly).send({}))).toBe(204);
    expect(status(await call('post', ACTIVITY_PROFILE, activityProfileParams(), stateOnly).send({}))).toBe(403);
    expect(status(await call('post', AGENT_PROFILE, agentProfileParams(), profileOnly).send({}))).toBe(204);
    expect(status(await call('post', ACTIVITY_PROFILE, activityProfileParams(), profileOnly).send({}))).toBe(204);
    expect(status(await call('get', STATE, stateParams(), profileOnly))).toBe(403);
  });

  it('"all/read" reads documents but may not write them; statement scopes reach no document', async () => {
    const reader = await lrs.credential(['all/read']);
    const statements = await lrs.credential(['statements/write', 'statements/read']);
    const where = stateParams();
    await call('post', STATE, where).send({ a: 1 }).expect(204);
    expect((await call('get', STATE, where, reader).expect(200)).body).toEqual({ a: 1 });
    await call('delete', STATE, where, reader).expect(403);
    await call('get', STATE, where, statements).expect(403);
    await call('get', STATE, where).expect(200);
  });
});
