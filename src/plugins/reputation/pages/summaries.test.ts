import { attended, keyOf, ledgerOnStores, newSession, person, rated } from '../../../../test-support/reputation';
import { reputationSummaries } from './summaries';

describe('the reputation service for other plugins', () => {
  let harness: Awaited<ReturnType<typeof ledgerOnStores>>;
  beforeAll(async () => (harness = await ledgerOnStores()));
  afterAll(() => harness.dispose());

  it("merges a person's identities into one summary with badges and the page's link", async () => {
    const [popular, other] = [person('Popular'), person('Popular, other account')];
    const peers = Array.from({ length: 10 }, (_, i) => person(`Peer ${i}`));
    const session = newSession();
    await harness.feed(attended(session, popular, other, ...peers));
    await harness.feed([...peers.slice(0, 6).map((peer) => rated(peer, popular, session, { score: 5 })), ...peers.slice(6).map((peer) => rated(peer, other, session, { score: 5 }))]);
    const summaries = reputationSummaries(harness.ledger);
    expect(await summaries.summaryOf([keyOf(popular), keyOf(other)])).toEqual({
      current: 5,
      historical: 5,
      totalRatings: 10,
      recentRatings: 10,
      badges: [{ id: 'trusted', label: { en: 'Trusted', es: 'De confianza' } }],
      href: '/plugins/reputation/me',
    });
    expect(await summaries.summaryOf([keyOf(popular)])).toMatchObject({ totalRatings: 6, badges: [] });
  });

  it('answers an empty summary for no identity at all', async () => {
    expect(await reputationSummaries(harness.ledger).summaryOf([])).toEqual({ current: null, historical: null, totalRatings: 0, recentRatings: 0, badges: [], href: '/plugins/reputation/me' });
  });
});
