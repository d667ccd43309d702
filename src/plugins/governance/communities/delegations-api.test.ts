/**
 * Liquid delegation over HTTP on both engines (issue 14: "liquid delegation per community or
 * topic, revocable until close, with cycle detection"): both ends members, never oneself, a cycle
 * refused under the tally's resolution (a member's delegation for the proposal's kind, else their
 * general one), a new delegation of a scope replacing the one in force, only the delegator revoking.
 */
import { TEST_ENGINES } from '../../../../test-support/backends';
import type { GovernanceParty } from '../../../../test-support/governance';
import { EXTENSION, VERB } from '../vocabulary';
import { startCommunitiesLrs, type CommunitiesHarness } from './harness.contract';
import { ids } from './statements';

describe.each(TEST_ENGINES)('delegations over HTTP on %s', (engine) => {
  let harness: CommunitiesHarness;

  beforeAll(async () => {
    harness = await startCommunitiesLrs(engine);
  });
  afterAll(() => harness.close());

  const lrs = () => harness.lrs;
  /** A new community and `count` members of it. */
  async function community(count: number): Promise<{ slug: string; members: GovernanceParty[] }> {
    const { slug } = await lrs().foundCommunity();
    return { slug, members: await lrs().members(slug, count) };
  }
  function delegating(slug: string, from: GovernanceParty, to: GovernanceParty | object, proposalKind?: string) {
    const delegate = 'agent' in to ? (to as GovernanceParty).agent : to;
    return lrs().call(from, 'post', `/communities/${slug}/delegations`, { delegate, ...(proposalKind !== undefined && { proposalKind }) });
  }
  const newestStatement = () => lrs().newestStatement();
  const statement = (id: string) => lrs().statement(id);

  it('records delegation-granted (the delegate as object Agent, the community as parent, the topic as delegation-scope) and lists it both ways', async () => {
    const { slug, members: [ana, lucia] } = await community(2);
    const granted = await lrs().delegate(slug, ana!, lucia!, 'recognition');
    expect(granted).toMatchObject({ community: slug, delegator: ana!.key, delegate: lucia!.key, proposalKind: 'recognition', delegateAgent: lucia!.agent });
    const [recorded] = await lrs().statements({ agent: JSON.stringify(ana!.agent), limit: '1' });
    expect(recorded).toMatchObject({ verb: { id: VERB.delegated }, object: { objectType: 'Agent', account: lucia!.agent.account }, context: { registration: granted.id, extensions: { [EXTENSION.delegationScope]: { proposalKind: 'recognition' } } } });
    expect((await lrs().call(ana!, 'get', `/communities/${slug}/delegations`)).body).toEqual({ given: [granted], received: [] });
    expect((await lrs().call(lucia!, 'get', `/communities/${slug}/delegations`)).body).toEqual({ given: [], received: [granted] });
  });

  it('400 SELF_DELEGATION, 403 NOT_A_MEMBER (a non-member cannot delegate), 409 DELEGATE_NOT_A_MEMBER; nothing stored', async () => {
    const { slug, members: [ana] } = await community(1);
    const stranger = await lrs().member();
    const before = await newestStatement();
    const self = await delegating(slug, ana!, ana!);
    expect([self.status, self.body.code]).toEqual([400, 'SELF_DELEGATION']);
    const outsider = await delegating(slug, stranger, ana!);
    expect([outsider.status, outsider.body.code]).toEqual([403, 'NOT_A_MEMBER']);
    const toOutsider = await delegating(slug, ana!, stranger);
    expect([toOutsider.status, toOutsider.body.code]).toEqual([409, 'DELEGATE_NOT_A_MEMBER']);
    expect(await newestStatement()).toBe(before);
    await lrs().join(slug, stranger);
    await lrs().call(stranger, 'delete', `/communities/${slug}/membership`).expect(200);
    const toFormer = await delegating(slug, ana!, stranger);
    expect([toFormer.status, toFormer.body.code]).toEqual([409, 'DELEGATE_NOT_A_MEMBER']);
  });

  it.each([
    [{}, 'delegate must be an Agent'],
    [{ delegate: 'ana' }, 'delegate must be an Agent'],
    [{ delegate: { objectType: 'Group', member: [] } }, 'delegate is not an Agent'],
    [{ delegate: { name: 'no identifier' } }, 'delegate is not an Agent'],
    [{ delegate: { mbox: 'mailto:a@example.org' }, proposalKind: 'budget' }, 'proposalKind must be one of'],
    [{ delegate: { mbox: 'mailto:a@example.org' }, weight: 2 }, 'Unknown field weight'],
  ])('400 INVALID_DELEGATION for %j', async (body, message) => {
    const { slug, members: [ana] } = await community(1);
    const before = await newestStatement();
    const refused = await lrs().call(ana!, 'post', `/communities/${slug}/delegations`, body);
    expect([refused.status, refused.body.code]).toEqual([400, 'INVALID_DELEGATION']);
    expect(refused.body.message).toContain(message);
    expect(await newestStatement()).toBe(before);
  });

  it('409 DELEGATION_CYCLE for a cycle of general delegations (A → B → C → A), nothing stored', async () => {
    const { slug, members: [a, b, c] } = await community(3);
    await lrs().delegate(slug, a!, b!);
    await lrs().delegate(slug, b!, c!);
    const before = await newestStatement();
    const cycle = await delegating(slug, c!, a!);
    expect([cycle.status, cycle.body.code]).toEqual([409, 'DELEGATION_CYCLE']);
    expect(await newestStatement()).toBe(before);
    const two = await delegating(slug, b!, a!);
    expect([two.status, two.body.code]).toEqual([409, 'DELEGATION_CYCLE']); // replacing B → C by B → A would close A → B → A
  });

  it('a topic delegation closes a cycle through a general one (B → A for policy, A → B for everything): 409', async () => {
    const { slug, members: [a, b] } = await community(2);
    await lrs().delegate(slug, a!, b!);
    const cycle = await delegating(slug, b!, a!, 'policy');
    expect([cycle.status, cycle.body.code, cycle.body.message]).toEqual([409, 'DELEGATION_CYCLE', expect.stringContaining('policy')]);
  });

  it('delegations of different topics never meet: A → B for standard, B → A for policy is no cycle', async () => {
    const { slug, members: [a, b] } = await community(2);
    await lrs().delegate(slug, a!, b!, 'standard');
    expect((await delegating(slug, b!, a!, 'policy')).status).toBe(201);
  });

  it('a topic delegation shadows the general one for its kind only: with A → C for policy, B → A is a cycle for the other kinds, not for policy', async () => {
    const { slug, members: [a, b, c] } = await community(3);
    await lrs().delegate(slug, a!, b!);
    await lrs().delegate(slug, a!, c!, 'policy');
    const general = await delegating(slug, b!, a!);
    expect([general.status, general.body.code]).toEqual([409, 'DELEGATION_CYCLE']);
    expect((await delegating(slug, b!, a!, 'policy')).status).toBe(201); // B → A → C for policy
  });

  it('a new delegation of the same scope replaces the one in force (revoked in the same batch); the same one again answers 200', async () => {
    const { slug, members: [a, b, c] } = await community(3);
    const first = await lrs().delegate(slug, a!, b!);
    const topic = await lrs().delegate(slug, a!, b!, 'standard');
    const second = await lrs().delegate(slug, a!, c!);
    const given = (await lrs().call(a!, 'get', `/communities/${slug}/delegations`)).body.given;
    expect(given.map((d: { id: string }) => d.id).sort()).toEqual([second.id, topic.id].sort());
    expect((await lrs().call(b!, 'get', `/communities/${slug}/delegations`)).body.received.map((d: { id: string }) => d.id)).toEqual([topic.id]);
    const revoked = await statement(ids.revoked(first.id));
    expect(revoked).toMatchObject({ verb: { id: VERB.revokedDelegation }, object: { objectType: 'StatementRef' }, context: { registration: first.id } });
    const again = await delegating(slug, a!, c!);
    expect([again.status, again.body.id]).toEqual([200, second.id]);
  });

  it('only its delegator revokes a delegation (403 NOT_YOUR_DELEGATION), once (409 ALREADY_REVOKED); 404 for another community or unknown id, 400 for a malformed one', async () => {
    const { slug, members: [a, b] } = await community(2);
    const granted = await lrs().delegate(slug, a!, b!);
    const byDelegate = await lrs().call(b!, 'delete', `/communities/${slug}/delegations/${granted.id}`);
    expect([byDelegate.status, byDelegate.body.code]).toEqual([403, 'NOT_YOUR_DELEGATION']);
    const elsewhere = await community(0);
    const wrongCommunity = await lrs().call(a!, 'delete', `/communities/${elsewhere.slug}/delegations/${granted.id}`);
    expect([wrongCommunity.status, wrongCommunity.body.code]).toEqual([404, 'DELEGATION_NOT_FOUND']);
    const revoked = await lrs().call(a!, 'delete', `/communities/${slug}/delegations/${granted.id}`);
    expect([revoked.status, revoked.body.id, revoked.body.revokedAt]).toEqual([200, granted.id, expect.any(String)]);
    const twice = await lrs().call(a!, 'delete', `/communities/${slug}/delegations/${granted.id}`);
    expect([twice.status, twice.body.code]).toEqual([409, 'ALREADY_REVOKED']);
    const malformed = await lrs().call(a!, 'delete', `/communities/${slug}/delegations/not-a-uuid`);
    expect([malformed.status, malformed.body.code]).toEqual([400, 'INVALID_PARAMETER']);
    expect((await lrs().call(a!, 'get', `/communities/${slug}/delegations`)).body.given).toEqual([]);
    // Revoked, the cycle it made possible is gone: B may now delegate to A.
    expect((await delegating(slug, b!, a!)).status).toBe(201);
  });
});
