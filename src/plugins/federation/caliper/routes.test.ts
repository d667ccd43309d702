/**
 * The Caliper webhook over HTTP on the whole LRS, both engines (issue 15: "a webhook receiver that
 * translates the learning events … and keeps the Caliper event id for idempotency"). The
 * federation plugin is stood in for by its inbound Receiver (the real one, storing through
 * statements.receive) and the caliper routes, with an in-memory peer list (the peers feature's port).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import request from 'supertest';
import { XAPI_VERSION_HEADER, type TestLrs } from '../../../../test-support/app';
import { TEST_ENGINES } from '../../../../test-support/backends';
import { credentialKeyOf } from '../../../../test-support/institutions-lrs';
import type { Peer } from '../model';
import { startCaliperLrs, type CaliperLrs } from './harness.contract';
import { EXTENSION } from './vocabulary';

const EXAMPLES = path.join(__dirname, 'examples');
const example = (name: string): Record<string, any> => JSON.parse(readFileSync(path.join(EXAMPLES, `${name}.json`), 'utf8'));

describe.each(TEST_ENGINES)('POST /plugins/federation/caliper/:peer on %s', (engine) => {
  let lrs: TestLrs;
  let addPeer: CaliperLrs['addPeer'];
  let canvas: { peer: Peer; auth: string };

  beforeAll(async () => {
    ({ lrs, addPeer } = await startCaliperLrs(engine));
    canvas = await addPeer('caliper');
  });
  afterAll(() => lrs.close());

  const post = (body: unknown, { auth = canvas.auth, slug = canvas.peer.slug } = {}) =>
    request(lrs.app).post(`/plugins/federation/caliper/${slug}`).set('Authorization', auth).set('Content-Type', 'application/json').send(JSON.stringify(body));
  const statement = async (id: string) => (await request(lrs.app).get('/xapi/statements').query({ statementId: id }).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth)).body;
  const statementsAbout = async (activity: string) => {
    const response = await request(lrs.app).get('/xapi/statements').query({ activity, limit: 100 }).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth);
    return response.body.statements.length as number;
  };

  it("Canvas's quiz_submitted envelope: stored under the id derived from the event, with the sender's authority; its provenance names Canvas and the event", async () => {
    const response = await post(example('quiz_submitted'));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      stored: 1,
      skipped: 0,
      refused: 0,
      events: [{ index: 0, eventId: 'urn:uuid:06e01cb6-fdde-4327-b3f0-4c47a95d0f52', outcome: 'stored', statementId: '9cfd6a0e-0752-8b8c-8d61-65ed57dca6fa' }],
    });
    const stored = await statement('9cfd6a0e-0752-8b8c-8d61-65ed57dca6fa');
    expect(stored).toMatchObject({
      actor: { account: { homePage: 'http://oxana.instructure.com', name: '21070000000987123' } },
      verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
      object: { id: 'urn:instructure:canvas:quiz:11210000002223333' },
      timestamp: '2019-11-01T19:11:33.388Z',
    });
    expect(stored.authority).toMatchObject({ account: { name: credentialKeyOf(canvas.auth) } });
    expect(stored.context.extensions[EXTENSION.eventId]).toBe('urn:uuid:06e01cb6-fdde-4327-b3f0-4c47a95d0f52');
    const provenance = await request(lrs.app).get('/plugins/federation/provenance/9cfd6a0e-0752-8b8c-8d61-65ed57dca6fa').set('Authorization', lrs.auth);
    expect(provenance.status).toBe(200);
    expect(provenance.body).toMatchObject({ peer: canvas.peer.slug, via: 'caliper', sourceEventId: 'urn:uuid:06e01cb6-fdde-4327-b3f0-4c47a95d0f52', originLrs: 'http://oxana.instructure.com', hops: ['http://oxana.instructure.com'], authorityKept: false });
  });

  it('the same event sent again (Canvas retries a delivery) stores nothing new: one statement, answered stored again', async () => {
    const body = example('discussion_entry_created');
    const first = await post(body);
    const again = await post(body);
    expect([first.body.events[0].outcome, again.body.events[0].outcome]).toEqual(['stored', 'stored']);
    expect(again.body.events[0].statementId).toBe(first.body.events[0].statementId);
    expect(await statementsAbout('urn:instructure:canvas:discussionEntry:2134567')).toBe(1);
  });

  it('a mixed envelope: each event judged alone — stored, skipped with its reason (unsupported, Canvas itself), and a single bare event taken too', async () => {
    const [logIn] = example('logged_in').data;
    const [systemView] = example('asset_accessed-attachment').data;
    const [modified] = example('submission_updated').data;
    const response = await post({ sensor: 'http://oxana.instructure.com/', sendTime: '2019-11-16T02:09:14.293Z', dataVersion: 'http://purl.imsglobal.org/ctx/caliper/v1p1', data: [logIn, systemView, modified] });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ stored: 1, skipped: 2, refused: 0 });
    expect(response.body.events.map((event: { outcome: string; reason?: string }) => event.reason ?? event.outcome)).toEqual([
      'stored',
      'actor is SoftwareApplication, not a Person: xAPI needs an Agent',
      'unsupported event Event#Modified',
    ]);
    const bare = await post(example('logged_out').data[0]);
    expect(bare.body).toMatchObject({ stored: 1, events: [{ outcome: 'stored', statementId: '452292e4-7d5a-8812-9141-d1352a1aecc4' }] });
  });

  it('an event whose statement the LRS refuses (another statement stored under its id) is refused alone; the others are stored', async () => {
    const [submission] = example('submission_created').data;
    const sentBefore = { ...submission, id: `urn:uuid:${randomUUID()}` };
    const translated = (await post({ data: [sentBefore] })).body.events[0].statementId as string;
    // The same event id with other content maps to the stored statement's id with another timestamp.
    const changed = { ...sentBefore, eventTime: '2020-01-01T00:00:00.000Z' };
    const [grade] = example('grade_change').data;
    const response = await post({ data: [changed, grade] });
    expect(response.body).toMatchObject({ stored: 1, skipped: 0, refused: 1 });
    expect(response.body.events[0]).toMatchObject({ outcome: 'refused', statementId: translated, status: 409 });
    expect(typeof response.body.events[0].code).toBe('string');
    expect(response.body.events[1]).toMatchObject({ outcome: 'stored', statementId: '60841350-5787-8479-84a4-0cdb98b72801' });
  });

  it.each([
    ['an array', [], 'the body must be a Caliper envelope'],
    ['data that is no list', { data: 'events' }, 'data must be an array of Caliper events'],
    ['another Caliper version', { dataVersion: 'http://purl.imsglobal.org/ctx/caliper/v1p0', data: [] }, 'dataVersion must be one of'],
  ])('a malformed envelope (%s) is refused whole: 400 CALIPER_ENVELOPE_INVALID naming the field, nothing stored', async (_what, body, message) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('CALIPER_ENVELOPE_INVALID');
    expect(response.body.message).toContain(message);
  });

  it('who may post: no credentials 401; a credential without deliver 403; not the peer\'s credential 403; no such caliper peer (or a peer of another kind) 404', async () => {
    const body = example('logged_in');
    expect((await request(lrs.app).post(`/plugins/federation/caliper/${canvas.peer.slug}`).send(body)).status).toBe(401);
    const reader = await lrs.credential(['statements/read'], 'reader');
    expect((await post(body, { auth: reader })).body.code).toBe('FORBIDDEN');
    const other = await addPeer('caliper');
    const notTheirs = await post(body, { auth: other.auth });
    expect([notTheirs.status, notTheirs.body.code]).toEqual([403, 'FORBIDDEN']);
    expect(notTheirs.body.message).toContain(canvas.peer.slug);
    const missing = await post(body, { slug: 'no-such-peer' });
    expect([missing.status, missing.body.code]).toEqual([404, 'PEER_NOT_FOUND']);
    const keiko = await addPeer('keiko');
    const wrongKind = await post(body, { slug: keiko.peer.slug, auth: keiko.auth });
    expect([wrongKind.status, wrongKind.body.code]).toEqual([404, 'PEER_NOT_FOUND']);
  });

  /** Canvas's example events with any of their fields replaced by random JSON (or removed). */
  const mutatedEvent = fc
    .record({
      base: fc.constantFrom('quiz_submitted', 'grade_change', 'discussion_entry_created', 'asset_accessed-assignment', 'logged_in'),
      field: fc.constantFrom('id', 'type', 'action', 'actor', 'object', 'eventTime', 'edApp', 'group', 'membership', 'generated', 'session', 'extensions'),
      value: fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 4 })),
    })
    .map(({ base, field, value }) => ({ ...example(base).data[0], id: `urn:uuid:${randomUUID()}`, [field]: value }));

  it('hostile input: random bodies and Canvas events with random fields are answered 200 (each event stored, skipped or refused) or 400 with a code, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 5 }), mutatedEvent, fc.array(mutatedEvent, { maxLength: 6 }).map((data) => ({ sensor: 'https://canvas.example.edu/', data }))), async (body) => {
        const response = await post(body);
        if (response.status === 400) return expect(typeof response.body.code).toBe('string');
        expect(response.status).toBe(200);
        const { stored, skipped, refused, events } = response.body;
        expect(stored + skipped + refused).toBe(events.length);
      }),
      { numRuns: 60 },
    );
  });

  it('counts events by peer and outcome at /metrics', async () => {
    const metrics = await request(lrs.app).get('/metrics').set('Authorization', lrs.auth);
    expect(metrics.text).toMatch(new RegExp(`keiko_plugin_federation_caliper_events_total\\{peer="${canvas.peer.slug}",outcome="skipped"\\} \\d+`));
    expect(metrics.text).toMatch(new RegExp(`keiko_plugin_federation_caliper_events_total\\{peer="${canvas.peer.slug}",outcome="stored"\\} \\d+`));
  });
});
