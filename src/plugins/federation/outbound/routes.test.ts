/**
 * The push API over HTTP on a whole LRS of each engine (issue 15): subscriptions with filters and
 * clear 400s naming the field, dead letters listed and replayed back into the retries.
 */
import request from 'supertest';
import { XAPI_VERSION_HEADER } from '../../../../test-support/app';
import { TEST_ENGINES } from '../../../../test-support/backends';
import { sampleStatement } from '../../../../test-support/statements';
import { startOutboundLrs, testPeer, type OutboundHarness } from './harness.contract';
import { MAX_LETTER_BODY } from './dead-letters';

describe.each(TEST_ENGINES)('the push API on %s', (engine) => {
  let harness: OutboundHarness;
  let manage: string;
  const api = (method: 'get' | 'post' | 'patch' | 'delete', path: string, auth = manage) =>
    request(harness.lrs.app)[method](`/plugins/federation${path}`).set('Authorization', auth);

  beforeAll(async () => {
    harness = await startOutboundLrs(engine);
    harness.peers.set('sur', testPeer('sur', 'https://sur.example/xapi'));
    harness.peers.set('canvas', testPeer('canvas', undefined, 'caliper'));
    manage = await harness.lrs.credential(['plugins/federation/manage' as never], 'federation admin');
  }, 60_000);
  afterAll(() => harness.close());

  it('subscribes a peer from now (cursor at the feed head) or from the beginning, with its filters', async () => {
    await request(harness.lrs.app).post('/xapi/statements').set('Authorization', harness.lrs.auth).set(XAPI_VERSION_HEADER).send([sampleStatement(), sampleStatement()]).expect(200);
    const head = await harness.context.statements.feedHead();
    const filters = { agents: [{ mbox: 'mailto:ana@example.org' }], verbs: ['http://adlnet.gov/expapi/verbs/completed'] };
    const now = await api('post', '/subscriptions').send({ peer: 'sur', filters }).expect(201);
    expect(now.body).toMatchObject({ peer: 'sur', filters, state: 'active', cursor: head, lag: 0, retrying: 0, breaker: { state: 'closed' } });
    const beginning = await api('post', '/subscriptions').send({ peer: 'sur', from: 'beginning', state: 'paused' }).expect(201);
    expect(beginning.body).toMatchObject({ cursor: 0, lag: head, state: 'paused', filters: {} });
    expect((await api('get', `/subscriptions/${now.body.id}`).expect(200)).body).toEqual(now.body);
    const listed = (await api('get', '/subscriptions').expect(200)).body.subscriptions.map(({ id }: { id: string }) => id);
    expect(listed).toEqual(expect.arrayContaining([now.body.id, beginning.body.id]));
  });

  it.each([
    [{}, 'peer must be the slug of a registered peer'],
    [{ peer: 'norte' }, 'peer: no peer "norte" is registered'],
    [{ peer: 'canvas' }, 'peer: canvas has no xAPI endpoint to push to'],
    [{ peer: 'sur', from: 'yesterday' }, 'from must be "now"'],
    [{ peer: 'sur', state: 'on' }, 'state must be "active" or "paused"'],
    [{ peer: 'sur', filters: { verbs: ['completed'] } }, 'filters.verbs[0] must be an IRI'],
    [{ peer: 'sur', cursor: 0 }, 'Unknown field cursor'],
  ])('refuses %j with 400 INVALID_SUBSCRIPTION naming the field, storing nothing', async (body, message) => {
    const before = (await api('get', '/subscriptions')).body.subscriptions.length;
    const response = await api('post', '/subscriptions').send(body).expect(400);
    expect(response.body).toMatchObject({ code: 'INVALID_SUBSCRIPTION', message: expect.stringContaining(message) });
    expect((await api('get', '/subscriptions')).body.subscriptions).toHaveLength(before);
  });

  it('pauses and refilters, keeping the peer and the cursor; refuses changing the peer', async () => {
    const created = (await api('post', '/subscriptions').send({ peer: 'sur' }).expect(201)).body;
    const patched = await api('patch', `/subscriptions/${created.id}`).send({ state: 'paused', filters: { profiles: ['https://w3id.org/xapi/cmi5/v1.0'] } }).expect(200);
    expect(patched.body).toMatchObject({ id: created.id, peer: 'sur', cursor: created.cursor, state: 'paused', filters: { profiles: ['https://w3id.org/xapi/cmi5/v1.0'] } });
    expect((await api('patch', `/subscriptions/${created.id}`).send({ peer: 'canvas' }).expect(400)).body).toMatchObject({ code: 'INVALID_SUBSCRIPTION', message: expect.stringContaining('Unknown field peer') });
  });

  it('deletes a subscription with its retries, not its dead letters', async () => {
    const created = (await api('post', '/subscriptions').send({ peer: 'sur' }).expect(201)).body;
    const statementId = '1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5';
    await harness.stores.retries.put(`${created.id}:${statementId}`, { subscription: created.id, peer: 'sur', statementId, attempts: 1, nextAttemptAt: 0, firstFailedAt: new Date().toISOString(), reason: 'refused' });
    const letter = await harness.deadLetters.park({ direction: 'push', peer: 'sur', subscription: created.id, statementId, attempts: 5, status: 400, body: 'no', reason: 'the remote refused it: 400', firstFailedAt: new Date().toISOString() });
    expect((await api('get', `/subscriptions/${created.id}`)).body.retrying).toBe(1);
    await api('delete', `/subscriptions/${created.id}`).expect(204);
    expect((await api('get', `/subscriptions/${created.id}`).expect(404)).body.code).toBe('SUBSCRIPTION_NOT_FOUND');
    expect(await harness.stores.retries.count({ subscription: created.id })).toBe(0);
    expect((await api('get', `/dead-letters/${letter.id}`).expect(200)).body.reason).toBe('the remote refused it: 400');
    expect((await api('post', `/dead-letters/${letter.id}/replay`).expect(409)).body.code).toBe('SUBSCRIPTION_GONE');
  });

  it('needs the manage scope and a UUID id', async () => {
    const reader = await harness.lrs.credential(['statements/read'], 'reader');
    expect((await api('get', '/subscriptions', reader).expect(403)).body.code).toBe('FORBIDDEN');
    await request(harness.lrs.app).get('/plugins/federation/dead-letters').expect(401);
    expect((await api('get', '/subscriptions/not-a-uuid').expect(400)).body.code).toBe('INVALID_PARAMETER');
    expect((await api('get', '/dead-letters?limit=0').expect(400)).body).toMatchObject({ code: 'INVALID_PARAMETER', message: expect.stringContaining('limit must be a whole number from 1 to 1000') });
    expect((await api('get', '/dead-letters?color=red').expect(400)).body.code).toBe('UNKNOWN_PARAMETER');
    // GET on the POST-only /dead-letters/replay is no letter: the app's 404.
    expect((await api('get', '/dead-letters/replay').expect(404)).body.code).toBe('NO_SUCH_RESOURCE');
  });

  it('lists dead letters newest first with their reason and a body cut to 4 KiB, and replays one back into the retries with attempts reset (issue 15)', async () => {
    const subscription = (await api('post', '/subscriptions').send({ peer: 'sur' }).expect(201)).body;
    const firstFailedAt = new Date().toISOString();
    const park = (statementId: string, body: string) =>
      harness.deadLetters.park({ direction: 'push', peer: 'sur', subscription: subscription.id, statementId, attempts: 5, status: 400, body, reason: 'the remote refused it: 400 Bad Request', firstFailedAt });
    const older = await park('aaaaaaaa-0000-4000-8000-000000000001', 'é'.repeat(5000));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const newer = await park('aaaaaaaa-0000-4000-8000-000000000002', '{"error":"no"}');
    const listed = (await api('get', `/dead-letters?subscription=${subscription.id}`).expect(200)).body.deadLetters;
    expect(listed.map(({ id }: { id: string }) => id)).toEqual([newer.id, older.id]);
    expect(Buffer.byteLength(listed[1].body)).toBeLessThanOrEqual(MAX_LETTER_BODY);
    expect(listed[1].body).toMatch(/^é+$/);

    const replayed = await api('post', `/dead-letters/${older.id}/replay`).expect(200);
    expect(replayed.body).toMatchObject({ id: older.id, replayedAt: expect.any(String) });
    const retry = await harness.stores.retries.get(`${subscription.id}:aaaaaaaa-0000-4000-8000-000000000001`);
    expect(retry?.value).toMatchObject({ attempts: 0, statementId: 'aaaaaaaa-0000-4000-8000-000000000001', peer: 'sur' });
    expect((await api('post', `/dead-letters/${older.id}/replay`).expect(409)).body.code).toBe('DEAD_LETTER_REPLAYED');
    expect((await api('get', `/dead-letters?subscription=${subscription.id}`)).body.deadLetters.map(({ id }: { id: string }) => id)).toEqual([newer.id]);
    expect((await api('get', `/dead-letters?subscription=${subscription.id}&replayed=true`)).body.deadLetters).toHaveLength(2);

    expect((await api('post', '/dead-letters/replay').send({ subscription: subscription.id }).expect(200)).body).toEqual({ replayed: 1, failed: [] });
    expect(await harness.stores.retries.count({ subscription: subscription.id })).toBe(2);
    expect((await api('post', '/dead-letters/replay').send({ peer: 7 }).expect(400)).body).toMatchObject({ code: 'INVALID_PARAMETER', message: 'peer must be a string' });
  });

  it('parks again under the same letter: one letter per subscription and statement, replaced with the newest answer', async () => {
    const subscription = (await api('post', '/subscriptions').send({ peer: 'sur' }).expect(201)).body;
    const parking = { direction: 'push' as const, peer: 'sur', subscription: subscription.id, statementId: 'bbbbbbbb-0000-4000-8000-000000000001', attempts: 5, firstFailedAt: new Date().toISOString() };
    const first = await harness.deadLetters.park({ ...parking, status: 400, reason: 'first' });
    const second = await harness.deadLetters.park({ ...parking, status: 422, reason: 'second' });
    expect(second.id).toBe(first.id);
    expect((await api('get', `/dead-letters?subscription=${subscription.id}`)).body.deadLetters).toEqual([expect.objectContaining({ status: 422, reason: 'second' })]);
  });

  it('keeps one letter per pull source and statement, listed by source; replaying one without a pull receiver is 409 REPLAY_UNAVAILABLE', async () => {
    // As the peer sent it: extension keys are IRIs, with dots the collection store refuses in keys.
    const pulled = { ...sampleStatement(), id: 'cccccccc-0000-4000-8000-000000000001', result: { extensions: { 'https://example.org/ext/score.raw': 3, $weird: true } } };
    const parking = { direction: 'pull' as const, peer: 'sur', source: 'sur-history', statementId: pulled.id, statement: pulled, attempts: 1, status: 400, reason: 'this LRS refused it: 400 INVALID_STATEMENT', firstFailedAt: new Date().toISOString() };
    const first = await harness.deadLetters.park(parking);
    expect((await harness.deadLetters.park(parking)).id).toBe(first.id);
    await harness.deadLetters.park({ ...parking, source: 'other-source' });
    expect((await api('get', '/dead-letters?source=sur-history&direction=pull').expect(200)).body.deadLetters).toEqual([expect.objectContaining({ id: first.id, source: 'sur-history', reason: parking.reason, statement: pulled })]);
    expect((await api('get', `/dead-letters/${first.id}`).expect(200)).body.statement).toEqual(pulled);
    expect((await api('post', `/dead-letters/${first.id}/replay`).expect(409)).body.code).toBe('REPLAY_UNAVAILABLE');
  });
});
