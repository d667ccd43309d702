/**
 * Eligibility and delegations at a moment, on the engines' real stores fed the plugin's statements
 * with stored times the test chooses (issue 14: "eligibility = members whose join was stored before
 * the proposal opens"): joined before, at, after; left before and after; rejoined; voided
 * statements count nowhere; statements the plugin did not record change nothing.
 */
import { TEST_ENGINES } from '../../../../test-support/backends';
import { communitiesOnStores, governanceFeedEvent, schoolAgent, TEST_PUBLIC_URL } from '../../../../test-support/governance';
import { ifiKey, type Agent } from '../../../plugin-api';
import { orderKey, type StoredMembership } from './records';
import { foundedStatement, grantedStatement, ids, joinedStatement, leftStatement, revokedStatement, type CommunityRef } from './statements';

const SLUG = 'matematicas-madrid';
const COMMUNITY: CommunityRef = { slug: SLUG, name: { en: 'Madrid Mathematics' } };
const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (minutes: number) => T0 + minutes * 60_000;
const iso = (minutes: number) => new Date(at(minutes)).toISOString();

describe.each(TEST_ENGINES)('eligibility and delegations at a moment on %s', (engine) => {
  let fed: Awaited<ReturnType<typeof communitiesOnStores>>;
  const sequences = new Map<string, number>();

  beforeEach(async () => {
    fed = await communitiesOnStores(engine);
    sequences.clear();
    fed.clock.nowMs = at(-100);
    const founder = schoolAgent('Founder');
    await fed.deliver(foundedStatement(TEST_PUBLIC_URL, founder, COMMUNITY));
  });
  afterEach(() => fed.dispose());

  /** The member joins at `minutes` (stored then); the membership's registration. */
  async function joinAt(member: Agent, minutes: number): Promise<string> {
    const key = ifiKey(member)!;
    const sequence = sequences.get(key) ?? 0;
    sequences.set(key, sequence + 1);
    const registration = ids.membership(SLUG, key, sequence);
    fed.clock.nowMs = at(minutes);
    await fed.deliver(joinedStatement(TEST_PUBLIC_URL, member, COMMUNITY, registration));
    return registration;
  }
  async function leaveAt(member: Agent, registration: string, minutes: number): Promise<void> {
    fed.clock.nowMs = at(minutes);
    await fed.deliver(leftStatement(TEST_PUBLIC_URL, member, COMMUNITY, registration));
  }
  const key = (agent: Agent) => ifiKey(agent)!;

  it('counts members whose join was stored strictly before opensAt and who had not left by then', async () => {
    const [before, exactly, after, leftBefore, leftAfter, leftExactly, rejoined] = ['Before', 'Exactly', 'After', 'LeftBefore', 'LeftAfter', 'LeftExactly', 'Rejoined'].map(schoolAgent);
    await joinAt(before!, -10);
    await joinAt(exactly!, 0);
    await joinAt(after!, 10);
    await leaveAt(leftBefore!, await joinAt(leftBefore!, -20), -5);
    await leaveAt(leftAfter!, await joinAt(leftAfter!, -20), 5);
    await leaveAt(leftExactly!, await joinAt(leftExactly!, -20), 0);
    await leaveAt(rejoined!, await joinAt(rejoined!, -30), -20);
    await joinAt(rejoined!, -3);
    const eligible = await fed.communities.eligibleAt(SLUG, iso(0));
    expect(eligible.sort()).toEqual([before!, leftAfter!, leftExactly!, rejoined!].map(key).sort());
    for (const agent of [before!, exactly!, after!, leftBefore!, leftAfter!, leftExactly!, rejoined!]) {
      expect([agent.name, await fed.communities.isEligible(SLUG, key(agent), iso(0))]).toEqual([agent.name, eligible.includes(key(agent))]);
    }
    // Earlier, only the first membership of the rejoined member was in force (the others joined at -20).
    expect(await fed.communities.eligibleAt(SLUG, iso(-25))).toEqual([key(rejoined!)]);
  });

  it('a rejoined member is eligible once; another community and statements the plugin did not record count nowhere', async () => {
    const member = schoolAgent('Member');
    await leaveAt(member, await joinAt(member, -30), -20);
    await joinAt(member, -10);
    const other: CommunityRef = { slug: 'otra-comunidad', name: { es: 'Otra' } };
    await fed.deliver(joinedStatement(TEST_PUBLIC_URL, schoolAgent('Elsewhere'), other, ids.membership('otra-comunidad', 'x', 0)));
    const sent = governanceFeedEvent(joinedStatement(TEST_PUBLIC_URL, schoolAgent('Forger'), COMMUNITY, ids.membership(SLUG, 'forger', 0)), 900, new Date(at(-50)));
    (sent.statement.statement as { authority: object }).authority = { objectType: 'Agent', account: { homePage: TEST_PUBLIC_URL, name: 'school-lms' } };
    await fed.communities.apply([sent]);
    expect(await fed.communities.eligibleAt(SLUG, iso(0))).toEqual([key(member)]);
  });

  it('a voided join counts nowhere, a voided leave gives the membership back', async () => {
    const [voidedJoin, voidedLeave] = [schoolAgent('VoidedJoin'), schoolAgent('VoidedLeave')];
    const registration = await joinAt(voidedJoin, -10);
    await leaveAt(voidedLeave, await joinAt(voidedLeave, -10), -5);
    await fed.voided(ids.joined(registration));
    expect(await fed.communities.eligibleAt(SLUG, iso(0))).toEqual([]);
    expect(await fed.communities.isMember(SLUG, key(voidedJoin))).toBe(false);
    const leave = (await fed.store('community_statements').find({ where: {} })).find(({ value }) => (value as { role: string }).role === 'left')!;
    await fed.voided(leave.id);
    expect(await fed.communities.eligibleAt(SLUG, iso(0))).toEqual([key(voidedLeave)]);
  });

  it('applying the same statements again changes nothing (idempotent by statement id)', async () => {
    const member = schoolAgent('Twice');
    const registration = await joinAt(member, -10);
    const join = joinedStatement(TEST_PUBLIC_URL, member, COMMUNITY, registration);
    await fed.communities.apply([governanceFeedEvent(join, 1000, new Date(at(50)))]);
    expect(await fed.communities.membershipOf(SLUG, key(member))).toMatchObject({ joinedAt: iso(-10) });
    expect(await fed.communities.eligibleAt(SLUG, iso(0))).toEqual([key(member)]);
  });

  it('a statement a route applied at the feed head keeps its real position once delivered (one delegation, one membership)', async () => {
    const [a, b] = [schoolAgent('A'), schoolAgent('B')];
    const registration = await joinAt(a, -10);
    await joinAt(b, -10);
    const grant = grantedStatement(TEST_PUBLIC_URL, a, b, COMMUNITY, ids.delegation(SLUG, key(a), 0));
    await fed.communities.apply([governanceFeedEvent(grant, 10_000, new Date(at(-5)))]);
    await fed.communities.apply([governanceFeedEvent(grant, 42, new Date(at(-5)))]);
    expect((await fed.communities.delegationsAt(SLUG, iso(0))).map(({ position }) => position)).toEqual([42]);
    await fed.communities.apply([governanceFeedEvent(joinedStatement(TEST_PUBLIC_URL, a, COMMUNITY, registration), 7, new Date(at(-10)))]);
    expect(await fed.communities.membershipOf(SLUG, key(a))).toMatchObject({ registration, joinedPosition: 7 });
  });

  it('delegations in force at a moment: granted before it, not revoked before it', async () => {
    const [a, b, c] = ['A', 'B', 'C'].map(schoolAgent);
    for (const agent of [a!, b!, c!]) await joinAt(agent, -60);
    const grant = async (from: Agent, to: Agent, minutes: number, sequence: number) => {
      fed.clock.nowMs = at(minutes);
      const registration = ids.delegation(SLUG, key(from), sequence);
      await fed.deliver(grantedStatement(TEST_PUBLIC_URL, from, to, COMMUNITY, registration, sequence === 1 ? 'policy' : undefined));
      return registration;
    };
    const early = await grant(a!, b!, -30, 0);
    const topic = await grant(a!, c!, -20, 1);
    const late = await grant(b!, c!, 10, 0);
    fed.clock.nowMs = at(-5);
    await fed.deliver(revokedStatement(TEST_PUBLIC_URL, a!, COMMUNITY, early));
    const inForce = await fed.communities.delegationsAt(SLUG, iso(0));
    expect(inForce.map(({ id, proposalKind }) => [id, proposalKind])).toEqual([[topic, 'policy']]);
    expect((await fed.communities.delegationsAt(SLUG, iso(-10))).map(({ id }) => id).sort()).toEqual([early, topic].sort());
    expect((await fed.communities.delegationsAt(SLUG, iso(20))).map(({ id }) => id).sort()).toEqual([topic, late].sort());
    expect((await fed.communities.delegationsAt(SLUG, iso(0)))[0]).toMatchObject({ delegator: key(a!), delegate: key(c!), grantedAt: iso(-20), position: expect.any(Number) });
  });

  it('pages through more memberships than one store page (1,000) to the exact set', async () => {
    // Written straight into the store as apply writes them (apply itself is tested above): the paging is under test.
    const members = Array.from({ length: 1_150 }, (_, index) => schoolAgent(`M${index}`));
    const memberships = fed.store('memberships');
    const document = (agent: Agent, index: number, joinedMs: number): StoredMembership => {
      const registration = ids.membership(SLUG, key(agent), 0);
      return { community: SLUG, member: key(agent), agent, registration, joinStatement: ids.joined(registration), joinedAt: new Date(joinedMs).toISOString(), joinedMs, joinedPosition: index, joinOrder: orderKey(joinedMs, registration), leftMs: index % 3 === 0 ? at(1) : null };
    };
    // Many in the same millisecond: the page boundary falls inside a run of equal times.
    await Promise.all(members.map((member, index) => document(member, index, at(-10 + (index % 2)))).map((membership) => memberships.insert(membership.joinOrder, membership)));
    const late = schoolAgent('Late');
    const lateMembership = document(late, 10_000, at(0));
    await memberships.insert(lateMembership.joinOrder, lateMembership);
    const eligible = await fed.communities.eligibleAt(SLUG, iso(0));
    expect(eligible.length).toBe(1_150);
    expect(new Set(eligible)).toEqual(new Set(members.map(key)));
    expect((await fed.communities.eligibleAt(SLUG, iso(2))).length).toBe(1_150 - Math.ceil(1_150 / 3) + 1);
  });
});
