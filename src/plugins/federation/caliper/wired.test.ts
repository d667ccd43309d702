/**
 * The Caliper webhook as the federation plugin wires it (index.ts), on the whole LRS with every
 * plugin: an administrator registers a Canvas peer through the peers' route, and Canvas's
 * published events sent with that peer's credential become statements (issue 15, "Canvas").
 */
import { readFileSync } from 'node:fs';
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
