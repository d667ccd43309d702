/**
 * Statements a plugin receives from elsewhere (PluginStatements.receive, PluginHttp.statementsBody,
 * StatementReader.attachment): stored as POST /xapi/statements stores them, with their ids and
 * content, and the authority kept only where the plugin says so (Data 2.4.9). A stand-in plugin
 * defined here, over HTTP on the whole LRS.
 */
import { createHash, randomUUID } from 'node:crypto';
import os from 'node:os';
import { Router } from 'express';
import request from 'supertest';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../../../test-support/app';
import { buildStatementsBody, definePlugin, parseStatementsBody, sameStatement, type Agent, type StatementsBody } from '../../plugin-api';

const PEER_AUTHORITY: Agent = { objectType: 'Agent', name: 'Peer', account: { homePage: 'https://lrs.test', name: 'federation/peer' } };
const ORIGIN_AUTHORITY = { objectType: 'Agent', name: 'Origin', account: { homePage: 'https://origin.example', name: 'origin' } };

/** POST /receive?keep=<indexes> receives the body's statements; GET /attachment/:sha2 reads one. */
const receiver = {
  plugin: definePlugin({
    manifest: { name: 'receiver', version: '1.0.0', description: 'receives statements (a test plugin)', profiles: [], scopes: {}, stores: {}, jobs: [] },
    setup: (context) => {
      const routes = Router();
      routes.post('/receive', context.http.statementsBody(), async (req, res) => {
        const { json, attachments } = req.body as StatementsBody;
        const keep = new Set(String(req.query.keep ?? '').split(',').filter(Boolean).map(Number));
        const items = (json as object[]).map((statement, index) => ({ statement, keepAuthority: keep.has(index) }));
        res.json(await context.statements.receive(items, { authority: PEER_AUTHORITY, attachments }));
      });
      routes.get('/attachment/:sha2', async (req, res) => {
        const part = await context.statements.attachment(req.params.sha2!);
        res.json(part === undefined ? null : { contentType: part.contentType, content: part.content.toString('utf8') });
      });
      return { routes };
    },
  }),
  folder: os.tmpdir(),
  settings: undefined,
};

function statement(overrides: Record<string, unknown> = {}) {
  return {
    id: randomUUID(),
    actor: { mbox: 'mailto:ana@example.org' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
    object: { id: 'https://example.org/activities/received' },
    authority: ORIGIN_AUTHORITY,
    stored: '2020-01-01T00:00:00.000Z',
    ...overrides,
  };
}

describe('statements a plugin receives', () => {
  let lrs: TestLrs;
  beforeAll(async () => {
    lrs = await createTestLrs({}, [receiver]);
  });
  afterAll(() => lrs.close());

  const receive = (body: unknown, keep = '') => request(lrs.app).post(`/plugins/receiver/receive?keep=${keep}`).send(body as object);
  const stored = async (id: string) =>
    (await request(lrs.app).get('/xapi/statements').query({ statementId: id }).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth)).body;

  it('keep their id and content; the authority carried is kept only where asked, else the receiver\'s is written (Data 2.4.9)', async () => {
    const kept = statement();
    const overwritten = statement();
    const response = await receive([kept, overwritten], '0');
    expect(response.status).toBe(200);
    expect(response.body).toEqual([kept.id, overwritten.id]);
    expect((await stored(kept.id)).authority).toEqual(ORIGIN_AUTHORITY);
    expect((await stored(overwritten.id)).authority).toEqual(PEER_AUTHORITY);
    expect((await stored(kept.id)).stored).not.toBe(kept.stored);
  });

  it('are accepted again unchanged when the same content comes twice, and refused with 409 when other content comes under the id', async () => {
    const first = statement();
    expect((await receive([first])).status).toBe(200);
    const before = await stored(first.id);
    expect((await receive([first])).body).toEqual([first.id]);
    const conflict = await receive([{ ...first, result: { success: true } }]);
    expect(conflict.status).toBe(409);
    expect(await stored(first.id)).toEqual(before);
  });

  it('are refused all or nothing, the invalid one named', async () => {
    const good = statement();
    const response = await receive([good, statement({ verb: { id: 'not an IRI' } })]);
    expect(response.status).toBe(400);
    expect(response.body.message).toContain('statements[1]');
    expect((await request(lrs.app).get('/xapi/statements').query({ statementId: good.id }).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth)).status).toBe(404);
  });

  it('travel with their attachments (Communication 1.5.2), which the plugin then reads back', async () => {
    const content = Buffer.from('a certificate, as text');
    const sha2 = createHash('sha256').update(content).digest('hex');
    const withAttachment = statement({
      attachments: [{ usageType: 'https://example.org/usage/certificate', display: { en: 'certificate' }, contentType: 'text/plain', length: content.length, sha2 }],
    });
    const body = buildStatementsBody([withAttachment], [{ sha2, contentType: 'text/plain', content }]);
    expect(body.contentType).toMatch(/^multipart\/mixed; boundary=/);
    const response = await request(lrs.app).post('/plugins/receiver/receive').set('Content-Type', body.contentType).send(body.body);
    expect(response.body).toEqual([withAttachment.id]);
    expect((await request(lrs.app).get(`/plugins/receiver/attachment/${sha2}`)).body).toEqual({ contentType: 'text/plain', content: 'a certificate, as text' });
    expect((await request(lrs.app).get(`/plugins/receiver/attachment/${'0'.repeat(64)}`)).body).toBeNull();
  });

  it('are refused with 400 when the body is neither JSON nor multipart/mixed', async () => {
    const response = await request(lrs.app).post('/plugins/receiver/receive').set('Content-Type', 'text/plain').send('hello');
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('INVALID_CONTENT_TYPE');
  });
});

describe('statements bodies and sameness, as plugins see them', () => {
  it('round-trip: JSON alone without attachments, multipart/mixed with them', () => {
    const content = Buffer.from('bytes');
    const sha2 = createHash('sha256').update(content).digest('hex');
    const json = buildStatementsBody({ statements: [] }, []);
    expect(json.contentType).toBe('application/json');
    expect(parseStatementsBody(json.contentType, json.body)).toEqual({ json: { statements: [] }, attachments: [] });
    const multipart = buildStatementsBody({ statements: [] }, [{ sha2, contentType: 'application/octet-stream', content }]);
    expect(parseStatementsBody(multipart.contentType, multipart.body)).toEqual({
      json: { statements: [] },
      attachments: [{ sha2, contentType: 'application/octet-stream', content }],
    });
    expect(() => parseStatementsBody('application/json', Buffer.from('<html>'))).toThrow('not valid UTF-8 JSON');
  });

  it('sameStatement leaves out what the LRS sets (Data 2.3.1) but not the rest', () => {
    const one = statement();
    expect(sameStatement(one, { ...one, id: randomUUID(), authority: PEER_AUTHORITY, stored: '2026-01-01T00:00:00Z', version: '1.0.3' })).toBe(true);
    expect(sameStatement(one, { ...one, result: { completion: true } })).toBe(false);
  });

  it('sameStatement takes an objectType left out as its default (Data 2.4.2.1, 2.4.4), in a SubStatement too', () => {
    const one = statement({ context: { instructor: { mbox: 'mailto:teacher@example.org' } } });
    const written = { ...one, actor: { ...one.actor, objectType: 'Agent' }, object: { ...one.object, objectType: 'Activity' }, context: { instructor: { mbox: 'mailto:teacher@example.org', objectType: 'Agent' } } };
    expect(sameStatement(one, written)).toBe(true);
    const sub = (object: object) => statement({ object: { objectType: 'SubStatement', actor: { mbox: 'mailto:bo@example.org' }, verb: one.verb, object } });
    expect(sameStatement(sub({ id: 'https://example.org/a' }), sub({ id: 'https://example.org/a', objectType: 'Activity' }))).toBe(true);
    expect(sameStatement(one, { ...one, object: { objectType: 'Agent', mbox: 'mailto:x@example.org' } })).toBe(false);
  });
});
