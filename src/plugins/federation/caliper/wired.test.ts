/**
 * The Caliper webhook as the federation plugin wires it (index.ts), on the whole LRS with every
 * plugin: an administrator registers a Canvas peer through the peers' route, and Canvas's
 * published events sent with that peer's credential become statements (issue 15, "Canvas").
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../../../../test-support/app';
import { credentialKeyOf } from '../../../../test-support/institutions-lrs';

const example = (name: string): unknown => JSON.parse(readFileSync(path.join(__dirname, 'examples', `${name}.json`), 'utf8'));

let lrs: TestLrs;
let canvasAuth: string;

beforeAll(async () => {
  lrs = await createTestLrs();
  canvasAuth = await lrs.credential(['plugins/federation/deliver'], 'Canvas live events');
  const peer = await request(lrs.app)
    .post('/plugins/federation/peers')
    .set('Authorization', lrs.auth)
    .send({ slug: 'canvas-escuela', name: 'Canvas', kind: 'caliper', inboundCredentialKeys: [credentialKeyOf(canvasAuth)] });
  expect([peer.status, peer.body.code]).toEqual([201, undefined]);
});
afterAll(() => lrs.close());

it("Canvas's grade_change, sent with the peer's credential, is stored as the learner's score with its provenance", async () => {
  const response = await request(lrs.app).post('/plugins/federation/caliper/canvas-escuela').set('Authorization', canvasAuth).send(example('grade_change') as object);
  expect(response.status).toBe(200);
  expect(response.body).toMatchObject({ stored: 1, skipped: 0, refused: 0, events: [{ outcome: 'stored', statementId: '60841350-5787-8479-84a4-0cdb98b72801' }] });
  const stored = await request(lrs.app).get('/xapi/statements').query({ statementId: '60841350-5787-8479-84a4-0cdb98b72801' }).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth);
  expect(stored.body).toMatchObject({ actor: { account: { homePage: 'http://oxana.instructure.com', name: '21070000000000048' } }, verb: { id: 'http://adlnet.gov/expapi/verbs/scored' }, result: { score: { raw: 5 } } });
  const provenance = await request(lrs.app).get('/plugins/federation/provenance/60841350-5787-8479-84a4-0cdb98b72801').set('Authorization', lrs.auth);
  expect(provenance.body).toMatchObject({ peer: 'canvas-escuela', via: 'caliper', sourceEventId: 'urn:uuid:319f0132-0584-4efd-9489-4959b7101731' });
});

it('the admin credential, not one of the peer\'s, may not send as Canvas: 403', async () => {
  const response = await request(lrs.app).post('/plugins/federation/caliper/canvas-escuela').set('Authorization', lrs.auth).send(example('logged_in') as object);
  expect([response.status, response.body.code]).toEqual([403, 'FORBIDDEN']);
});

it("a Canvas peer registered with a jwksUrl: Canvas's signed logged_out event, sent without credentials, is stored with an authority of this LRS naming the peer", async () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const server = createServer((_req, res) => res.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'current', alg: 'RS256', use: 'sig' }] })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
    const peer = await request(lrs.app).post('/plugins/federation/peers').set('Authorization', lrs.auth).send({ slug: 'canvas-signed', name: 'Canvas signed', kind: 'caliper', jwksUrl });
    expect([peer.status, peer.body.jwksUrl]).toEqual([201, jwksUrl]);
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${b64({ alg: 'RS256', kid: 'current' })}.${b64(example('logged_out'))}`;
    const token = `${input}.${sign('RSA-SHA256', Buffer.from(input), privateKey).toString('base64url')}`;
    const response = await request(lrs.app).post('/plugins/federation/caliper/canvas-signed').set('Content-Type', 'application/jwt').send(token);
    expect(response.body).toMatchObject({ stored: 1, events: [{ outcome: 'stored' }] });
    const stored = await request(lrs.app).get('/xapi/statements').query({ statementId: response.body.events[0].statementId }).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth);
    expect(stored.body.authority).toMatchObject({ account: { name: 'federation/canvas-signed' } });
  } finally {
    server.close();
  }
});
