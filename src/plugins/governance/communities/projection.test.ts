/**
 * Rules and recognitions built from the plugin's statements on the engines' real stores (no HTTP):
 * versions in feed order, the last one in force; a voided statement counts nowhere, so voiding the
 * latest version brings the one before back, and voiding a withdrawal brings the recognition back.
 */
import { TEST_ENGINES } from '../../../../test-support/backends';
import { communitiesOnStores, schoolAgent, TEST_PUBLIC_URL } from '../../../../test-support/governance';
import { foundedStatement, ids, recognizedStatement, ruleAdoptedStatement, ruleRetiredStatement, withdrawnStatement, type CommunityRef, type ProposalRef } from './statements';

const A: CommunityRef = { slug: 'comunidad-a', name: { en: 'A' } };
const B: CommunityRef = { slug: 'comunidad-b', name: { es: 'B' } };
const proposal = (n: number): ProposalRef => ({ id: `00000000-0000-4000-8000-00000000000${n}`, registration: `10000000-0000-4000-8000-00000000000${n}`, decisionStatementId: `20000000-0000-4000-8000-00000000000${n}` });
const COMPLETED = 'http://adlnet.gov/expapi/verbs/completed';

describe.each(TEST_ENGINES)('rules and recognitions from statements on %s', (engine) => {
  let fed: Awaited<ReturnType<typeof communitiesOnStores>>;
  const admin = schoolAgent('Admin');

  beforeEach(async () => {
    fed = await communitiesOnStores(engine);
    await fed.deliver(foundedStatement(TEST_PUBLIC_URL, admin, A), foundedStatement(TEST_PUBLIC_URL, schoolAgent('Other'), B));
  });
  afterEach(() => fed.dispose());

  it('the last version of a rule is in force; voiding it brings the one before back; voiding a retirement restores the rule', async () => {
    const [first] = await fed.deliver(ruleAdoptedStatement(TEST_PUBLIC_URL, A, proposal(1), { slug: 'badge', name: { en: 'Badge' }, criteria: { verbs: [COMPLETED] } }));
    const [second] = await fed.deliver(ruleAdoptedStatement(TEST_PUBLIC_URL, A, proposal(2), { slug: 'badge', name: { en: 'Badge' }, criteria: { minScaledScore: 0.5 } }));
    expect((await fed.communities.rulesOf(A.slug)).map(({ criteria, proposalId }) => [criteria, proposalId])).toEqual([[{ minScaledScore: 0.5 }, proposal(2).id]]);
    await fed.voided(second!);
    expect((await fed.communities.rulesOf(A.slug)).map(({ proposalId }) => proposalId)).toEqual([proposal(1).id]);
    const [retired] = await fed.deliver(ruleRetiredStatement(TEST_PUBLIC_URL, A, proposal(3), { slug: 'badge', name: { en: 'Badge' } }));
    expect(await fed.communities.rulesOf(A.slug)).toEqual([]);
    await fed.voided(retired!);
    expect((await fed.communities.rulesOf(A.slug)).map(({ proposalId }) => proposalId)).toEqual([proposal(1).id]);
    await fed.voided(first!);
    expect(await fed.communities.rulesOf(A.slug)).toEqual([]);
  });

  it('a recognition is in force until withdrawn; voiding the withdrawal brings it back, voiding the grant leaves none', async () => {
    const scope = { verbs: [COMPLETED] };
    const [granted] = await fed.deliver(recognizedStatement(TEST_PUBLIC_URL, admin, A, B, proposal(4), scope));
    expect(granted).toBe(ids.effect(proposal(4).id));
    expect((await fed.communities.recognitionsBetween({ from: A.slug })).map(({ to, scope: given }) => [to, given])).toEqual([[B.slug, scope]]);
    expect(await fed.communities.recognitionsBetween({ from: B.slug })).toEqual([]); // directional
    const [withdrawn] = await fed.deliver(withdrawnStatement(TEST_PUBLIC_URL, admin, A, proposal(5), granted!));
    expect(await fed.communities.recognitionsBetween({ to: B.slug })).toEqual([]);
    await fed.voided(withdrawn!);
    expect((await fed.communities.recognitionsBetween({ to: B.slug })).map(({ from }) => from)).toEqual([A.slug]);
    await fed.voided(granted!);
    expect(await fed.communities.recognitionsBetween({ to: B.slug })).toEqual([]);
  });

  it('a voided founding removes the community', async () => {
    await fed.voided(ids.founded(A.slug));
    expect(await fed.communities.community(A.slug)).toBeUndefined();
    expect(await fed.communities.community(B.slug)).toMatchObject({ slug: B.slug, name: { en: 'B', es: 'B' } });
  });
});
