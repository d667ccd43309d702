/**
 * The peers' admin API over HTTP on a whole LRS, on both engines (issue 15): registration, reads
 * without secrets, changes, removal; hostile input is a 400 naming the field with nothing stored;
 * a keiko peer registered without a key gets the one a second, real Keiko LRS publishes pinned.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import request from 'supertest';
import YAML from 'yaml';
import { TEST_ENGINES } from '../../../../test-support/backends';
import { freePort } from '../../../../test-support/net';
import type { Collection } from '../../../plugin-api';
import type { Peer } from '../model';
import { startPeersLrs, type PeersLrs } from './harness.contract';
import { PeerRegistry } from './registry';
import { generateSigningKeyPair, keyIdOf } from './signing';

/** A schema of peers/openapi.yaml, compiled with the fragment's other schemas. */
function documented(schema: string) {
  const fragment = YAML.parse(fs.readFileSync(path.join(__dirname, 'openapi.yaml'), 'utf8'));
  const ajv = addFormats(new Ajv2020({ strict: false }));
  return ajv.compile({ ...fragment.components.schemas[schema], components: fragment.components });
}
const documentedPeer = documented('FederationPeer');

const SUR = {
  slug: 'universidad-sur',
  name: 'Universidad del Sur',
  kind: 'xapi',
  endpoint: 'https://lrs.universidad-sur.example/xapi/',
  outboundCredentials: { key: 'keiko-at-sur', secret: 's3cr3t-used-at-sur' },
  inboundCredentialKeys: ['sur-forwarder'],
};

describe.each(TEST_ENGINES)('the peers API on %s', (engine) => {
  let here: PeersLrs;
  /** A second Keiko LRS on a port, whose identity a keiko peer's registration reads. */
  let college: PeersLrs;
  let stored: Collection<Peer>;

  beforeAll(async () => {
    [here, college] = await Promise.all([startPeersLrs(engine), startPeersLrs('sqlite', { listen: true })]);
    stored = await here.lrs.storage.collections.open<Peer>('federation', 'peers');
  });
  afterAll(async () => {
    await Promise.all([here.close(), college.close()]);
  });
  beforeEach(() => stored.deleteMany());

  const call = (method: 'get' | 'post' | 'patch' | 'delete', url: string, body?: object, auth = here.manager) => {
    const test = request(here.lrs.app)[method](`/plugins/federation${url}`).set('Authorization', auth);
    return body === undefined ? test : test.send(body);
  };
  async function register(body: object = SUR) {
    const response = await call('post', '/peers', body);
    expect([response.status, response.body.message]).toEqual([201, undefined]);
    return response.body;
  }

  it('registers a peer and answers it without the secret of the credentials used at its LRS', async () => {
    const created = await register();
    expect(created).toEqual({ ...SUR, endpoint: 'https://lrs.universidad-sur.example/xapi', outboundCredentials: { key: 'keiko-at-sur' }, createdAt: expect.any(String) });
    expect([documentedPeer(created), documentedPeer.errors]).toEqual([true, null]);
    expect((await call('get', '/peers/universidad-sur')).body).toEqual(created);
    expect((await call('get', '/peers')).body).toEqual({ peers: [created] });
    expect(JSON.stringify((await call('get', '/peers')).body)).not.toContain('s3cr3t');
    expect((await stored.get('universidad-sur'))!.value.outboundCredentials).toEqual(SUR.outboundCredentials);
  });

  it("keeps a Caliper peer's key set (https, or http on this machine) and removes it with null", async () => {
    const canvas = await register({ slug: 'canvas', name: 'Canvas', kind: 'caliper', jwksUrl: 'https://keys.instructure.example/jwks' });
    expect(canvas.jwksUrl).toBe('https://keys.instructure.example/jwks');
    expect([documentedPeer(canvas), documentedPeer.errors]).toEqual([true, null]);
    expect((await call('patch', '/peers/canvas', { jwksUrl: 'http://127.0.0.1:4000/jwks' })).body.jwksUrl).toBe('http://127.0.0.1:4000/jwks');
    expect((await call('patch', '/peers/canvas', { jwksUrl: null })).body).not.toHaveProperty('jwksUrl');
  });

  it('lists peers by slug', async () => {
    for (const slug of ['zeta', 'alfa', 'media']) await register({ slug, name: slug, kind: 'caliper' });
    expect((await call('get', '/peers')).body.peers.map((peer: Peer) => peer.slug)).toEqual(['alfa', 'media', 'zeta']);
  });

  it('refuses a slug taken (409 PEER_EXISTS) and a credential standing for another peer (409 PEER_CREDENTIAL_TAKEN)', async () => {
    await register();
    expect((await call('post', '/peers', { ...SUR, name: 'Otra' })).body).toMatchObject({ code: 'PEER_EXISTS', message: expect.stringContaining('universidad-sur') });
    const taken = await call('post', '/peers', { slug: 'norte', name: 'Norte', kind: 'xapi', inboundCredentialKeys: ['other', 'sur-forwarder'] });
    expect([taken.status, taken.body.code, taken.body.message]).toEqual([409, 'PEER_CREDENTIAL_TAKEN', expect.stringContaining('universidad-sur')]);
    expect(await stored.count()).toBe(1);
  });

  it.each([
    ['a body that is no object', [], 'The body must be a JSON object'],
    ['an unknown field', { ...SUR, secret: 'x' }, 'Unknown field secret'],
    ['a slug with capitals', { ...SUR, slug: 'Sur' }, 'slug must be 1 to 40'],
    ['a slug of 41 characters', { ...SUR, slug: 'a'.repeat(41) }, 'slug must be 1 to 40'],
    ['no name', { ...SUR, name: undefined }, 'name must be'],
    ['a blank name', { ...SUR, name: '   ' }, 'name must be'],
    ['an unknown kind', { ...SUR, kind: 'moodle' }, 'kind must be one of keiko, xapi, caliper'],
    ['an endpoint that is no URL', { ...SUR, endpoint: 'lrs.example/xapi' }, 'endpoint must be the absolute http(s) URL'],
    ['a relative endpoint', { ...SUR, endpoint: '/xapi' }, 'endpoint must be the absolute http(s) URL'],
    ['an ftp endpoint', { ...SUR, endpoint: 'ftp://lrs.example/xapi' }, 'endpoint must be the absolute http(s) URL'],
    ['an endpoint with credentials', { ...SUR, endpoint: 'https://user:pw@lrs.example/xapi' }, 'without credentials'],
    ['an endpoint with a query', { ...SUR, endpoint: 'https://lrs.example/xapi?x=1' }, 'without credentials, query or fragment'],
    ['outboundCredentials without a secret', { ...SUR, outboundCredentials: { key: 'k' } }, 'outboundCredentials.secret must be'],
    ['an outbound key with a colon', { ...SUR, outboundCredentials: { key: 'a:b', secret: 's' } }, 'outboundCredentials.key must be'],
    ['outboundCredentials with another field', { ...SUR, outboundCredentials: { key: 'k', secret: 's', realm: 'r' } }, 'Unknown field outboundCredentials.realm'],
    ['inboundCredentialKeys that is no list', { ...SUR, inboundCredentialKeys: 'sur' }, 'inboundCredentialKeys must be a list'],
    ['21 inbound keys', { ...SUR, inboundCredentialKeys: Array.from({ length: 21 }, (_, i) => `k${i}`) }, 'at most 20'],
    ['a signing key on an xapi peer', { ...SUR, signingKey: { publicKey: generateSigningKeyPair().publicKey } }, 'signingKey is for keiko peers only'],
    ['a keiko endpoint not ending in /xapi', { ...SUR, kind: 'keiko', endpoint: 'https://lrs.example/api' }, 'ending in /xapi'],
    ['a keiko peer without endpoint', { slug: 'k', name: 'K', kind: 'keiko' }, 'ending in /xapi'],
    ['a signing key that is no Ed25519 key', { ...SUR, kind: 'keiko', signingKey: { publicKey: 'abc' } }, 'signingKey.publicKey must be an Ed25519 public key'],
    ['a keyId not of its key', { ...SUR, kind: 'keiko', signingKey: { publicKey: generateSigningKeyPair().publicKey, keyId: 'other' } }, 'signingKey.keyId must be the id of its publicKey'],
    ['a community that is no slug', { ...SUR, community: 'Madrid!' }, 'community must be the slug'],
    ['a key set on an xapi peer', { ...SUR, jwksUrl: 'https://keys.example/jwks' }, 'jwksUrl is for caliper peers only'],
    ['a key set read in clear text from another host', { slug: 'canvas', name: 'Canvas', kind: 'caliper', jwksUrl: 'http://keys.example/jwks' }, 'jwksUrl must be the absolute https URL'],
    ['a key set that is no URL', { slug: 'canvas', name: 'Canvas', kind: 'caliper', jwksUrl: 'keys' }, 'jwksUrl must be the absolute https URL'],
  ])('answers 400 INVALID_PEER naming the field for %s, storing nothing', async (_what, body, named) => {
    const response = await call('post', '/peers', body as object);
    expect([response.status, response.body.code, response.body.message]).toEqual([400, 'INVALID_PEER', expect.stringContaining(named)]);
    expect(await stored.count()).toBe(0);
  });

  it('pins the key a keiko peer publishes when registered without one (read from a real Keiko LRS)', async () => {
    const published = (await request(college.lrs.app).get('/plugins/federation/identity').expect(200)).body;
    expect(published).toEqual({ lrs: college.publicUrl, keyId: keyIdOf(published.publicKey), algorithm: 'Ed25519', publicKey: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const created = await register({ slug: 'college', name: 'College', kind: 'keiko', endpoint: `${college.publicUrl}/xapi` });
    expect(created.signingKey).toEqual({ keyId: published.keyId, publicKey: published.publicKey });
    expect((await stored.get('college'))!.value.signingKey).toEqual(created.signingKey);
  });

  it('pins a key given rather than asking the peer, computing its keyId', async () => {
    const { publicKey } = generateSigningKeyPair();
    const created = await register({ slug: 'offline', name: 'Offline', kind: 'keiko', endpoint: 'http://127.0.0.1:9/xapi', signingKey: { publicKey } });
    expect(created.signingKey).toEqual({ keyId: keyIdOf(publicKey), publicKey });
  });

  it('refuses a keiko peer whose identity cannot be read (400 PEER_IDENTITY_UNAVAILABLE with the reason), storing nothing', async () => {
    const closedPort = await freePort();
    const response = await call('post', '/peers', { slug: 'gone', name: 'Gone', kind: 'keiko', endpoint: `http://127.0.0.1:${closedPort}/xapi` });
    expect([response.status, response.body.code, response.body.message]).toEqual([400, 'PEER_IDENTITY_UNAVAILABLE', expect.stringMatching(/identity.*ECONNREFUSED.*give signingKey/)]);
    // A server answering 404 where the identity should be (no Keiko under that base path).
    const notKeiko = await call('post', '/peers', { slug: 'plain', name: 'Plain', kind: 'keiko', endpoint: `${college.publicUrl}/elsewhere/xapi` });
    expect([notKeiko.status, notKeiko.body.code, notKeiko.body.message]).toEqual([400, 'PEER_IDENTITY_UNAVAILABLE', expect.stringContaining('it answered 404')]);
    expect(await stored.count()).toBe(0);
  });

  it('changes the fields given, replaces the secret, removes a field given null, and keeps the rest', async () => {
    const created = await register();
    const response = await call('patch', '/peers/universidad-sur', { name: 'Sur (central)', outboundCredentials: { key: 'keiko-2', secret: 'new-secret' }, endpoint: null, community: 'andalucia' });
    expect(response.status).toBe(200);
    const { endpoint: _removed, ...kept } = created;
    expect(response.body).toEqual({ ...kept, name: 'Sur (central)', outboundCredentials: { key: 'keiko-2' }, community: 'andalucia' });
    expect((await stored.get('universidad-sur'))!.value.outboundCredentials).toEqual({ key: 'keiko-2', secret: 'new-secret' });
    expect((await call('get', '/peers/universidad-sur')).body).toEqual(response.body);
  });

  it.each([
    ['the slug', { slug: 'other' }, 'slug cannot be changed'],
    ['the kind', { kind: 'keiko' }, 'kind cannot be changed'],
    ['name null', { name: null }, 'name cannot be removed'],
    ['an invalid endpoint', { endpoint: 'nope' }, 'endpoint must be'],
    ['an unknown field', { createdAt: '2020-01-01T00:00:00Z' }, 'Unknown field createdAt'],
  ])('refuses a change of %s (400 INVALID_PEER), changing nothing', async (_what, body, named) => {
    const created = await register();
    const response = await call('patch', '/peers/universidad-sur', body);
    expect([response.status, response.body.code, response.body.message]).toEqual([400, 'INVALID_PEER', expect.stringContaining(named)]);
    expect((await call('get', '/peers/universidad-sur')).body).toEqual(created);
  });

  it('refuses a change leaving a keiko peer without its /xapi endpoint', async () => {
    await register({ slug: 'offline', name: 'Offline', kind: 'keiko', endpoint: 'http://127.0.0.1:9/xapi', signingKey: { publicKey: generateSigningKeyPair().publicKey } });
    const response = await call('patch', '/peers/offline', { endpoint: null });
    expect([response.status, response.body.code]).toEqual([400, 'INVALID_PEER']);
  });

  it('removes a peer (204), then knows it no more (404 PEER_NOT_FOUND)', async () => {
    await register();
    expect((await call('delete', '/peers/universidad-sur')).status).toBe(204);
    for (const response of [await call('get', '/peers/universidad-sur'), await call('delete', '/peers/universidad-sur'), await call('patch', '/peers/universidad-sur', { name: 'x' })]) {
      expect([response.status, response.body.code]).toEqual([404, 'PEER_NOT_FOUND']);
    }
  });

  it('answers 400 for a path slug that is no peer slug and for unknown query parameters', async () => {
    expect((await call('get', '/peers/Not_A_Slug')).body).toMatchObject({ code: 'INVALID_PARAMETER', message: expect.stringContaining('slug must be') });
    expect((await call('get', '/peers?kind=xapi')).body).toMatchObject({ code: 'UNKNOWN_PARAMETER' });
  });

  it('needs a credential holding plugins/federation/manage (401 without one, 403 with another scope)', async () => {
    expect((await request(here.lrs.app).get('/plugins/federation/peers')).status).toBe(401);
    const reader = await here.lrs.credential(['all'], 'statement reader');
    for (const response of [await call('get', '/peers', undefined, reader), await call('post', '/peers', SUR, reader), await call('delete', '/peers/universidad-sur', undefined, reader)]) {
      expect([response.status, response.body.code]).toEqual([403, 'FORBIDDEN']);
    }
    expect(await stored.count()).toBe(0);
  });

  it('publishes the same identity to anyone, without credentials, across requests', async () => {
    const first = await request(here.lrs.app).get('/plugins/federation/identity').expect(200);
    const second = await request(here.lrs.app).get('/plugins/federation/identity').expect(200);
    expect(second.body).toEqual(first.body);
    expect(first.body).toMatchObject({ lrs: here.publicUrl, algorithm: 'Ed25519' });
  });

  it('finds the peer standing for an inbound credential key', async () => {
    await register();
    await register({ slug: 'norte', name: 'Norte', kind: 'caliper', inboundCredentialKeys: ['canvas-norte'] });
    const registry = new PeerRegistry(stored);
    expect((await registry.byInboundCredential('canvas-norte'))?.slug).toBe('norte');
    expect((await registry.byInboundCredential('sur-forwarder'))?.slug).toBe('universidad-sur');
    expect(await registry.byInboundCredential('nobody')).toBeUndefined();
  });
});
