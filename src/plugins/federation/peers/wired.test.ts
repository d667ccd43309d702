/**
 * peers/ as the federation plugin wires it (index.ts), in the LRS with every plugin: our identity is
 * published, the peers' routes answer under plugins/federation/manage, and the registry the other
 * features use is the one the routes write (a peer registered over HTTP authenticates at the inbox).
 */
import request from 'supertest';
import { createTestLrs, type TestLrs } from '../../../../test-support/app';

let lrs: TestLrs;

beforeAll(async () => {
  lrs = await createTestLrs({ PUBLIC_URL: 'https://lrs.college.example' });
});
afterAll(() => lrs.close());

it('publishes this LRS’s identity and keeps it across requests', async () => {
  const first = await request(lrs.app).get('/plugins/federation/identity').expect(200);
  expect(first.body).toEqual({ lrs: 'https://lrs.college.example', keyId: expect.any(String), algorithm: 'Ed25519', publicKey: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
  expect((await request(lrs.app).get('/plugins/federation/identity')).body).toEqual(first.body);
});

it('registers a peer whose credential then reaches the inbox as that peer (the same registry)', async () => {
  const manager = await lrs.credential(['plugins/federation/manage'], 'manager');
  const { key, secret } = await lrs.storage.credentials.create({ name: 'sur forwarder', scopes: ['plugins/federation/deliver'] });
  const created = await request(lrs.app)
    .post('/plugins/federation/peers')
    .set('Authorization', manager)
    .send({ slug: 'universidad-sur', name: 'Universidad del Sur', kind: 'xapi', inboundCredentialKeys: [key] });
  expect([created.status, created.body.slug]).toEqual([201, 'universidad-sur']);
  const stranger = await lrs.credential(['plugins/federation/deliver'], 'no peer');
  const delivery = { statements: [], provenance: [] };
  const fromStranger = await request(lrs.app).post('/plugins/federation/inbox').set('Authorization', stranger).send(delivery);
  const fromPeer = await request(lrs.app).post('/plugins/federation/inbox').set('Authorization', `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`).send(delivery);
  expect([fromStranger.status, fromStranger.body.message]).toEqual([403, expect.stringContaining("is no peer's")]);
  // Past the peer lookup: only the empty delivery is refused.
  expect([fromPeer.status, fromPeer.body.code]).toEqual([400, 'INVALID_DELIVERY']);
});
