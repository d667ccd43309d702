/**
 * Canvas's signed Live Events over HTTP on the whole LRS, both engines: Canvas's HTTPS delivery
 * with "Signed JWT payloads" on sends no credential, each body a compact JWS (RS256) whose `kid`
 * names a key of a JWK Set (RFC 7515, 7517, 7519). The key set is served by a real local HTTP
 * server; the RSA keys are made here.
 */
import { createHmac, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import request from 'supertest';
import { XAPI_VERSION_HEADER, type TestLrs } from '../../../../test-support/app';
import { TEST_ENGINES } from '../../../../test-support/backends';
import type { Peer } from '../model';
import { startCaliperLrs, type CaliperLrs } from './harness.contract';
import { JwkSets, SIGNED_EVENT_LIMITS } from './signed-events';

const example = (name: string): Record<string, any> => JSON.parse(readFileSync(path.join(__dirname, 'examples', `${name}.json`), 'utf8'));
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** An RSA signing key as Instructure publishes them: private half here, public half in the JWK Set. */
function rsaKey(kid: string): { kid: string; privateKey: KeyObject; jwk: object } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' } };
}

function jws(payload: unknown, key: { kid: string; privateKey: KeyObject }, header: Record<string, unknown> = { alg: 'RS256', kid: key.kid, typ: 'JWT' }): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), key.privateKey).toString('base64url')}`;
}

/** A Canvas envelope of one example event under a new event id (so each test has its own statement). */
function freshEnvelope(name = 'quiz_submitted'): { envelope: Record<string, any>; eventId: string } {
  const envelope = example(name);
  const eventId = `urn:uuid:${randomUUID()}`;
  return { envelope: { ...envelope, data: [{ ...envelope.data[0], id: eventId }] }, eventId };
}

/** A JWK Set server: each path is its own set (so each test has its own cache entry); reads counted per path. */
class JwksServer {
  readonly sets = new Map<string, object[]>();
  readonly reads = new Map<string, number>();
  readonly down = new Set<string>();
  private server!: Server;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const set = req.url!;
      this.reads.set(set, (this.reads.get(set) ?? 0) + 1);
      if (this.down.has(set)) return void res.writeHead(502).end('Bad Gateway');
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: this.sets.get(set) ?? [] }));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  /** A new set holding these keys, and its URL. */
  publish(...keys: Array<{ jwk: object }>): string {
    const set = `/jwks/${randomUUID()}`;
    this.sets.set(set, keys.map(({ jwk }) => jwk));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${set}`;
  }

  readsOf(url: string): number {
    return this.reads.get(new URL(url).pathname) ?? 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe.each(TEST_ENGINES)('signed Canvas Live Events at POST /plugins/federation/caliper/:peer on %s', (engine) => {
  const jwks = new JwksServer();
  const clock = { now: Date.now() };
  const current = rsaKey('2026-11-30');
  let lrs: TestLrs;
  let addPeer: CaliperLrs['addPeer'];
  let canvas: Peer;

  beforeAll(async () => {
    await jwks.start();
    ({ lrs, addPeer } = await startCaliperLrs(engine, { keySets: new JwkSets(() => clock.now) }));
    canvas = (await addPeer('caliper', { inboundCredentialKeys: [], jwksUrl: jwks.publish(rsaKey('2026-10-30'), current) })).peer;
  });
  afterAll(async () => {
    await lrs.close();
    await jwks.close();
  });

  const postSigned = (body: string, { slug = canvas.slug, contentType = 'application/jwt' } = {}) =>
    request(lrs.app).post(`/plugins/federation/caliper/${slug}`).set('Content-Type', contentType).send(body);
  const statementOf = (id: string) => request(lrs.app).get('/xapi/statements').query({ statementId: id }).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth);
  const storedAbout = async (eventId: string): Promise<number> => {
    const response = await request(lrs.app).get('/xapi/statements').query({ activity: 'urn:instructure:canvas:quiz:11210000002223333', since: new Date(Date.now() - 600_000).toISOString(), limit: 500 }).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth);
    return response.body.statements.filter((statement: any) => statement.context.extensions['https://w3id.org/keiko/federation/caliper/extensions/event-id'] === eventId).length;
  };

  it("Canvas's quiz_submitted signed with the current key, without credentials: stored with an authority of this LRS naming the peer, its provenance via caliper; sent again (text/plain, then a JSON string) nothing new", async () => {
    const { envelope, eventId } = freshEnvelope();
    const token = jws(envelope, current);
    const response = await postSigned(token);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ stored: 1, skipped: 0, refused: 0, events: [{ index: 0, eventId, outcome: 'stored' }] });
    const statementId = response.body.events[0].statementId as string;
    const stored = (await statementOf(statementId)).body;
    expect(stored).toMatchObject({ actor: { account: { homePage: 'http://oxana.instructure.com', name: '21070000000987123' } }, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' } });
    expect(stored.authority).toEqual({ objectType: 'Agent', name: canvas.name, account: { homePage: 'http://lrs.test', name: `federation/${canvas.slug}` } });
    const provenance = await request(lrs.app).get(`/plugins/federation/provenance/${statementId}`).set('Authorization', lrs.auth);
    expect(provenance.body).toMatchObject({ peer: canvas.slug, via: 'caliper', sourceEventId: eventId });
    const again = await postSigned(`${token}\n`, { contentType: 'text/plain' });
    const asJson = await postSigned(JSON.stringify(token), { contentType: 'application/json' });
    expect([again.body.events[0], asJson.body.events[0]]).toEqual([response.body.events[0], response.body.events[0]]);
    expect(await storedAbout(eventId)).toBe(1);
  });

  it('a bare event as the payload, with JWT claims beside it (iat, exp to come), is stored', async () => {
    const { envelope, eventId } = freshEnvelope();
    const now = Math.floor(Date.now() / 1000);
    const response = await postSigned(jws({ ...envelope.data[0], iat: now, exp: now + 300 }, current));
    expect(response.body).toMatchObject({ stored: 1, events: [{ eventId, outcome: 'stored' }] });
  });

  const other = rsaKey('2026-11-30');
  const refusals: Array<[string, (payload: object) => string, number, string]> = [
    ['a tampered payload (another event under the signature)', (payload) => {
      const [header, , signature] = jws(payload, current).split('.');
      return `${header}.${b64({ ...payload, tampered: true })}.${signature}`;
    }, 401, 'CALIPER_SIGNATURE_INVALID'],
    ['a signature by another key under the same kid', (payload) => jws(payload, other), 401, 'CALIPER_SIGNATURE_INVALID'],
    ['a kid the key set does not hold', (payload) => jws(payload, { ...current, kid: 'forged' }), 401, 'CALIPER_KEY_UNKNOWN'],
    ['no kid', (payload) => jws(payload, current, { alg: 'RS256' }), 401, 'CALIPER_KEY_UNKNOWN'],
    ['alg none', (payload) => `${b64({ alg: 'none', kid: current.kid })}.${b64(payload)}.${b64('x')}`, 401, 'CALIPER_SIGNATURE_ALGORITHM'],
    ['alg none with no signature', (payload) => `${b64({ alg: 'none', kid: current.kid })}.${b64(payload)}.`, 401, 'CALIPER_SIGNATURE_MISSING'],
    ['HS256 keyed with the public key (the algorithm confusion attack)', (payload) => {
      const input = `${b64({ alg: 'HS256', kid: current.kid })}.${b64(payload)}`;
      return `${input}.${createHmac('sha256', JSON.stringify(current.jwk)).update(input).digest('base64url')}`;
    }, 401, 'CALIPER_SIGNATURE_ALGORITHM'],
    ['an expired JWT (exp two minutes ago, beyond the clock skew)', (payload) => jws({ ...payload, exp: Math.floor(Date.now() / 1000) - 120 }, current), 401, 'CALIPER_SIGNATURE_EXPIRED'],
    ['a JWT not valid yet (nbf in ten minutes)', (payload) => jws({ ...payload, nbf: Math.floor(Date.now() / 1000) + 600 }, current), 401, 'CALIPER_SIGNATURE_EXPIRED'],
    ['a header that is not JSON', (payload) => `${b64('{alg')}.${b64(payload)}.${b64('x')}`, 401, 'CALIPER_SIGNATURE_INVALID'],
    ['garbage', () => 'not a signed event at all', 401, 'CALIPER_SIGNATURE_MISSING'],
    ['the unsigned envelope, as JSON without credentials', (payload) => JSON.stringify(payload), 401, 'CALIPER_SIGNATURE_MISSING'],
    ['a signed payload that is no Caliper envelope', () => jws({ data: 'events' }, current), 400, 'CALIPER_ENVELOPE_INVALID'],
    ['a body over the 1 MiB a signed event may take', () => 'a'.repeat(SIGNED_EVENT_LIMITS.tokenBytes + 1), 413, 'PAYLOAD_TOO_LARGE'],
  ];
  it.each(refusals)('%s: refused with its code, nothing stored', async (_what, make, status, code) => {
    const { envelope, eventId } = freshEnvelope();
    const response = await postSigned(make(envelope));
    expect([response.status, response.body.code]).toEqual([status, code]);
    expect(response.body.message.length).toBeGreaterThan(10);
    expect(await storedAbout(eventId)).toBe(0);
  });

  it('hostile input: random bodies, three random base64url parts, and random JSON signed under random headers by the real key, are answered 200, 400, 401 or 413 with a code, never a 5xx; unknown kids read the key set at most once', async () => {
    const url = jwks.publish(current);
    const { peer } = await addPeer('caliper', { jwksUrl: url });
    const header = fc.record({ alg: fc.oneof(fc.constant('RS256'), fc.jsonValue({ maxDepth: 2 })), kid: fc.oneof(fc.constant(current.kid), fc.jsonValue({ maxDepth: 2 })) }, { requiredKeys: [] });
    const threeParts = fc.tuple(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), fc.string({ minLength: 1 })).map((parts) => parts.map(b64).join('.'));
    const body = fc.oneof(fc.string(), threeParts, fc.tuple(fc.jsonValue({ maxDepth: 4 }), header).map(([payload, head]) => jws(payload, current, head)));
    await fc.assert(
      fc.asyncProperty(body, async (sent) => {
        const response = await postSigned(sent, { slug: peer.slug });
        expect([200, 400, 401, 413]).toContain(response.status);
        if (response.status !== 200) expect(typeof response.body.code).toBe('string');
      }),
      { numRuns: 80 },
    );
    expect(jwks.readsOf(url)).toBe(1);
  });

  it('a key set that cannot be read: 503 CALIPER_KEYS_UNAVAILABLE with Retry-After (Canvas retries, the event is not lost), read again after a minute, then stored', async () => {
    const url = jwks.publish(current);
    jwks.down.add(new URL(url).pathname);
    const { peer } = await addPeer('caliper', { jwksUrl: url });
    const { envelope, eventId } = freshEnvelope();
    const token = jws(envelope, current);
    const refused = await postSigned(token, { slug: peer.slug });
    expect([refused.status, refused.body.code]).toEqual([503, 'CALIPER_KEYS_UNAVAILABLE']);
    expect(refused.body.message).toContain('502');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    jwks.down.delete(new URL(url).pathname);
    expect((await postSigned(token, { slug: peer.slug })).status).toBe(503);
    expect(jwks.readsOf(url)).toBe(1);
    clock.now += SIGNED_EVENT_LIMITS.refetchIntervalMs;
    const stored = await postSigned(token, { slug: peer.slug });
    expect([stored.status, stored.body.stored]).toEqual([200, 1]);
    expect(await storedAbout(eventId)).toBe(1);
  });

  it('unknown kids make at most one read of the key set a minute; a known kid none for 10 minutes; a rotated-in key is found on the next read', async () => {
    const url = jwks.publish(current);
    const { peer } = await addPeer('caliper', { jwksUrl: url });
    const { envelope } = freshEnvelope();
    expect((await postSigned(jws(envelope, current), { slug: peer.slug })).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await postSigned(jws(envelope, { ...current, kid: `forged-${i}` }), { slug: peer.slug })).body.code).toBe('CALIPER_KEY_UNKNOWN');
    expect(jwks.readsOf(url)).toBe(1);
    const next = rsaKey('2026-12-30');
    jwks.sets.get(new URL(url).pathname)!.push(next.jwk);
    clock.now += SIGNED_EVENT_LIMITS.refetchIntervalMs;
    expect((await postSigned(jws(envelope, current), { slug: peer.slug })).status).toBe(200);
    expect(jwks.readsOf(url)).toBe(1);
    const rotated = await postSigned(jws(freshEnvelope().envelope, next), { slug: peer.slug });
    expect([rotated.status, rotated.body.stored]).toEqual([200, 1]);
    expect(jwks.readsOf(url)).toBe(2);
    clock.now += SIGNED_EVENT_LIMITS.cacheMs;
    expect((await postSigned(jws(envelope, current), { slug: peer.slug })).status).toBe(200);
    expect(jwks.readsOf(url)).toBe(3);
  });

  it('a peer without jwksUrl keeps the credential rule (a signed body without credentials 401 UNAUTHORIZED); a peer with one still takes its own credential and JSON, the same event both ways one statement', async () => {
    const { peer: basicOnly } = await addPeer('caliper');
    const { envelope, eventId } = freshEnvelope();
    const unsigned = await postSigned(jws(envelope, current), { slug: basicOnly.slug });
    expect([unsigned.status, unsigned.body.code]).toEqual([401, 'UNAUTHORIZED']);
    expect(await storedAbout(eventId)).toBe(0);
    const { peer: both, auth } = await addPeer('caliper', { jwksUrl: canvas.jwksUrl! });
    expect((await postSigned(jws(envelope, current), { slug: both.slug })).body.stored).toBe(1);
    const credentialed = await request(lrs.app).post(`/plugins/federation/caliper/${both.slug}`).set('Authorization', auth).send(envelope);
    expect([credentialed.status, credentialed.body.stored]).toEqual([200, 1]);
    // The same event both ways is one statement (Data 2.3.1: the authority is not compared).
    expect(await storedAbout(eventId)).toBe(1);
  });
});
