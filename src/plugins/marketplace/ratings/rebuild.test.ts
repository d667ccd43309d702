/**
 * Ratings and their summaries are derived from the statements alone (`keiko plugins rebuild
 * marketplace` empties the derived stores and delivers every statement again), while the reports'
 * workflow is decided, not derived: a rebuild gives the same summaries and listings and keeps
 * every report's state. On both engines, each on an LRS of its own (a rebuild stops its delivery).
 */
import { TEST_ENGINES } from '../../../../test-support/backends';
import { partyOf, person, startRatingsLrs, type RatingsHarness } from './harness.contract';

const scores = (overall: number, safety = overall, cleanliness = overall, accessibility = overall) => ({ overall, safety, cleanliness, accessibility });

describe.each(TEST_ENGINES)('a rebuild on %s', (engine) => {
  let harness: RatingsHarness;

  beforeAll(async () => {
    harness = await startRatingsLrs(engine);
  }, 60_000);
  afterAll(() => harness?.close());

  it('gives the same summaries and listings, and keeps the reports’ workflow', async () => {
    const space = harness.space();
    const [ana, bea, cruz] = [person('Ana'), person('Bea'), person('Cruz')];
    const rate = (who: typeof ana, reservationId: string, input: object) => harness.ratings.rate(partyOf(who), space.id, { reservationId, ...input });
    const anas = harness.reservation(space, ana).id;
    await rate(ana, anas, scores(2));
    await rate(ana, anas, { ...scores(4, 3, 2, 1), review: 'Better after the repairs' });
    await rate(bea, harness.reservation(space, bea).id, scores(5, 5, 4, 3));
    const { rating: voided } = await rate(cruz, harness.reservation(space, cruz).id, scores(1));
    await harness.lrs.store([{ actor: person('Admin'), verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: voided.id } }], harness.lrs.lrs.auth);
    const { report: resolved } = await harness.ratings.report(partyOf(bea), space.id, { category: 'accessibility', description: 'Lift out of order.' });
    await harness.ratings.resolve(partyOf(person('Vera')), resolved.id, 'Repaired.');
    await harness.ratings.report(partyOf(cruz), space.id, { category: 'cleanliness', description: 'Dusty.' });
    const snapshot = async () => ({
      summary: await harness.ratings.summary(space.id),
      listed: await harness.ratings.ratingsOf(space.id),
      open: await harness.ratings.reports('open'),
      resolved: await harness.ratings.reports('resolved'),
    });
    const before = await snapshot();
    expect(before.summary).toMatchObject({ count: 2, overall: 4.5, accessibility: 2 });
    expect(before.listed.map(({ review }) => review)).toEqual([undefined, 'Better after the repairs']);
    expect([before.open.length, before.resolved.length]).toEqual([1, 1]);

    const { events } = harness.lrs.lrs.services;
    await events.stop();
    await events.rebuild('marketplace');
    expect(await snapshot()).toEqual(before);
  }, 60_000);
});
