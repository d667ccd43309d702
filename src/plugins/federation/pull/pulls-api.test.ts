/**
 * The pull sources' API over HTTP on the whole LRS, on both engines (issue 15: "Pull: from any
 * conformant LRS with since and more, checkpointed"): created, listed, read with progress, paused,
 * deleted by a credential holding plugins/federation/manage; bad input a 400 INVALID_PULL naming
 * the field, with nothing stored.
 */
import { TEST_ENGINES } from '../../../../test-support/backends';
import { PeersInMemory, startPullLrs, type PullHarness } from './harness.contract';

describe.each(TEST_ENGINES)('the pulls API on %s', (engine) => {
  let harness: PullHarness;
  const peers = new PeersInMemory();

  beforeAll(async () => {
    peers.add({ slug: 'college', name: 'College LRS', endpoint: 'https://college.example/xapi' });
    peers.add({ slug: 'canvas', kind: 'caliper' });
    harness = await startPullLrs(engine, peers);
  });
  afterAll(() => harness.close());

  const count = async () => (await harness.call('get', '/pulls?limit=1000').expect(200)).body.pulls.length as number;

  it('creates an active source from the peer and filters given, shows it with its progress, lists it by peer', async () => {
    const agent = { objectType: 'Agent', mbox: 'mailto:ana@example.org' };
    const created = await harness.call('post', '/pulls', { peer: 'college', filters: { agent, verb: 'http://adlnet.gov/expapi/verbs/completed', related_agents: true }, since: '2026-01-31T01:00:00+01:00' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      peer: 'college',
      filters: { agent, verb: 'http://adlnet.gov/expapi/verbs/completed', related_agents: true },
      since: '2026-01-31T00:00:00.000Z',
      cursor: {},
      state: 'active',
      counts: { received: 0, refused: 0 },
      refusals: [],
      caughtUp: false,
      progress: { fraction: 0 },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const read = await harness.call('get', `/pulls/${created.body.id}`).expect(200);
    expect(read.body).toEqual(created.body);
    const listed = await harness.call('get', '/pulls?peer=college').expect(200);
    expect(listed.body.pulls.map((pull: { id: string }) => pull.id)).toContain(created.body.id);
    expect((await harness.call('get', '/pulls?peer=nobody').expect(200)).body.pulls).toEqual([]);
  });

  it('pauses and resumes a source; deletes it (204, then 404 PULL_NOT_FOUND)', async () => {
    const { id } = (await harness.call('post', '/pulls', { peer: 'college' }).expect(201)).body;
    const paused = await harness.call('patch', `/pulls/${id}`, { state: 'paused' }).expect(200);
    expect(paused.body.state).toBe('paused');
    expect((await harness.call('get', '/pulls?state=paused').expect(200)).body.pulls.map((pull: { id: string }) => pull.id)).toEqual([id]);
    expect((await harness.call('patch', `/pulls/${id}`, { state: 'active' }).expect(200)).body.state).toBe('active');
    await harness.call('delete', `/pulls/${id}`).expect(204);
    const gone = await harness.call('get', `/pulls/${id}`).expect(404);
    expect(gone.body.code).toBe('PULL_NOT_FOUND');
    expect((await harness.call('delete', `/pulls/${id}`).expect(404)).body.code).toBe('PULL_NOT_FOUND');
    expect((await harness.call('patch', `/pulls/${id}`, { state: 'paused' }).expect(404)).body.code).toBe('PULL_NOT_FOUND');
  });

  it.each([
    ['no peer', {}, 'peer must be the slug of a peer'],
    ['a peer not registered', { peer: 'nobody' }, 'peer: no peer "nobody" is registered'],
    ['a peer without an xAPI endpoint', { peer: 'canvas' }, 'peer: "canvas" has no xAPI endpoint to pull from (a caliper peer)'],
    ['an unknown field', { peer: 'college', until: '2026-01-01T00:00:00Z' }, 'Unknown field until'],
    ['filters that are not an object', { peer: 'college', filters: [] }, 'filters must be a JSON object'],
    ['an unknown filter', { peer: 'college', filters: { format: 'ids' } }, 'Unknown field filters.format'],
    ['an agent with two IFIs', { peer: 'college', filters: { agent: { mbox: 'mailto:a@example.org', openid: 'https://a.example.org' } } }, 'filters.agent: '],
    ['an agent that is a text', { peer: 'college', filters: { agent: 'mailto:a@example.org' } }, 'filters.agent must be an Agent'],
    ['a verb that is no IRI', { peer: 'college', filters: { verb: 'completed' } }, 'filters.verb must be an absolute IRI'],
    ['an activity with a space', { peer: 'college', filters: { activity: 'http://example.org/a b' } }, 'filters.activity must be an absolute IRI'],
    ['a registration that is no UUID', { peer: 'college', filters: { registration: 'r-1' } }, 'filters.registration must be a UUID'],
    ['related_agents that is a text', { peer: 'college', filters: { related_agents: 'true' } }, 'filters.related_agents must be true or false'],
    ['since without an offset', { peer: 'college', since: '2026-01-31T00:00:00' }, 'since must be an ISO 8601 timestamp with an offset'],
    ['since that is no date', { peer: 'college', since: 'yesterday' }, 'since must be an ISO 8601 timestamp with an offset'],
  ])('refuses %s: 400 INVALID_PULL naming it, nothing stored', async (_, body, named) => {
    const before = await count();
    const refused = await harness.call('post', '/pulls', body).expect(400);
    expect(refused.body.code).toBe('INVALID_PULL');
    expect(refused.body.message).toContain(named);
    expect(await count()).toBe(before);
  });

  it('refuses a state other than active or paused (INVALID_PULL), bad ids and parameters (INVALID_PARAMETER, UNKNOWN_PARAMETER)', async () => {
    const { id } = (await harness.call('post', '/pulls', { peer: 'college' }).expect(201)).body;
    const refused = await harness.call('patch', `/pulls/${id}`, { state: 'stopped' }).expect(400);
    expect([refused.body.code, refused.body.message]).toEqual(['INVALID_PULL', 'state must be active or paused, got "stopped"']);
    expect((await harness.call('patch', `/pulls/${id}`, { state: 'paused', peer: 'other' }).expect(400)).body.message).toContain('Unknown field peer');
    expect((await harness.source(id)).state).toBe('active');
    expect((await harness.call('get', '/pulls/not-a-uuid').expect(400)).body.code).toBe('INVALID_PARAMETER');
    expect((await harness.call('get', '/pulls?state=done').expect(400)).body).toMatchObject({ code: 'INVALID_PARAMETER', message: expect.stringContaining('state must be active or paused') });
    expect((await harness.call('get', '/pulls?limit=0').expect(400)).body.message).toContain('limit must be a whole number from 1 to 1000');
    expect((await harness.call('get', '/pulls?sort=new').expect(400)).body.code).toBe('UNKNOWN_PARAMETER');
  });

  it('is for credentials holding plugins/federation/manage (admin holds it): 403 otherwise, 401 without credentials', async () => {
    const manager = await harness.lrs.lrs.credential(['plugins/federation/manage']);
    await harness.call('post', '/pulls', { peer: 'college' }, manager).expect(201);
    await harness.call('get', '/pulls', undefined, manager).expect(200);
    const reader = await harness.lrs.lrs.credential(['statements/read', 'plugins/federation/deliver']);
    const before = await count();
    const forbidden = await harness.call('post', '/pulls', { peer: 'college' }, reader).expect(403);
    expect(forbidden.body).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('plugins/federation/manage') });
    expect((await harness.call('get', '/pulls', undefined, reader).expect(403)).body.code).toBe('FORBIDDEN');
    expect(await count()).toBe(before);
    const anonymous = await harness.call('get', '/pulls', undefined, '').expect(401);
    expect(anonymous.body.code).toBe('UNAUTHORIZED');
  });
});
