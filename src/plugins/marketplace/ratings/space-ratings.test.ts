/**
 * SpaceRatings on both engines (issue 13: "Ratings (overall, safety, cleanliness, accessibility,
 * each an integer 1–5, and a review) only from people with an attended reservation of that space;
 * averages and distributions shown; reports of problem spaces go to the verifiers"), with spaces and
 * reservations from in-memory ports and everything else real: statements recorded through the
 * LRS with the marketplace profile in reject mode, stores of the engine, event delivery.
 */
import request from 'supertest';
import { TEST_ENGINES } from '../../../../test-support/backends';
import { XAPI_VERSION_HEADER } from '../../../../test-support/app';
import type { Space } from '../model';
import { ACTIVITY_TYPE, EXTENSION, PROFILE_VERSION, reservationIri, VERB } from '../vocabulary';
import { partyOf, person, startRatingsLrs, type RatingsHarness } from './harness.contract';
import { marketplaceUuid } from '../ids';
import { RATING_STORES } from './index';

const scores = (overall: number, safety = overall, cleanliness = overall, accessibility = overall) => ({ overall, safety, cleanliness, accessibility });

describe.each(TEST_ENGINES)('SpaceRatings on %s', (engine) => {
  let harness: RatingsHarness;

  beforeAll(async () => {
    harness = await startRatingsLrs(engine);
  }, 60_000);
  afterAll(() => harness?.close());

  /** `booker` attended a reservation of `space` and rates it. */
  async function rated(space: Space, booker = person('Ana García'), input: object = scores(4)) {
    const reservation = harness.reservation(space, booker);
    const { rating, created } = await harness.ratings.rate(partyOf(booker), space.id, { reservationId: reservation.id, ...input });
    return { rating, created, reservation, booker };
  }

  describe('rating', () => {
    it('records the booker’s rating as the profile’s space-rated statement, recorded by the plugin', async () => {
      const space = harness.space();
      const { rating, created, reservation, booker } = await rated(space, person('Ana García'), { ...scores(4, 5, 4, 2), review: 'Bright and quiet; the toilet was not accessible that day.' });
      expect(created).toBe(true);
      expect(rating).toEqual({
        id: expect.any(String),
        spaceId: space.id,
        reservationId: reservation.id,
        raterName: 'Ana García',
        ...scores(4, 5, 4, 2),
        review: 'Bright and quiet; the toilet was not accessible that day.',
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      const statement = await harness.statement(rating.id);
      expect(statement).toMatchObject({
        actor: booker,
        verb: { id: VERB.rated },
        object: { objectType: 'Activity', id: space.iri, definition: { type: ACTIVITY_TYPE.space, name: space.name } },
        result: {
          score: { raw: 4, min: 1, max: 5 },
          response: 'Bright and quiet; the toilet was not accessible that day.',
          extensions: { [EXTENSION.safetyScore]: 5, [EXTENSION.cleanlinessScore]: 4, [EXTENSION.accessibilityScore]: 2 },
        },
        context: {
          registration: reservation.id,
          contextActivities: { other: [{ id: reservationIri(harness.publicUrl, reservation.id) }], category: [{ id: PROFILE_VERSION }] },
        },
        authority: { account: { name: 'plugin/marketplace' } },
      });
      expect(statement!.context.contextActivities.parent).toBeUndefined();
      expect(await harness.ratings.summary(space.id)).toMatchObject({ count: 1, ...scores(4, 5, 4, 2) });
    });

    it('gives averages to two decimals and the distribution of each dimension over raters', async () => {
      const space = harness.space();
      await rated(space, person('Ana'), scores(5, 2, 4, 1));
      await rated(space, person('Bea'), scores(2, 2, 5, 4));
      await rated(space, person('Cruz'), scores(3, 1, 5, 4));
      const summary = { count: 3, overall: 3.33, safety: 1.67, cleanliness: 4.67, accessibility: 3 };
      const distribution = { overall: [0, 1, 1, 0, 1], safety: [1, 2, 0, 0, 0], cleanliness: [0, 0, 0, 1, 2], accessibility: [1, 0, 0, 2, 0] };
      expect(await harness.ratings.summary(space.id)).toEqual({ ...summary, distribution });
      expect((await harness.ratings.summaries([space.id, harness.space().id])).size).toBe(1);
    });

    it.each([
      ['still confirmed', 'confirmed', 'is confirmed: a space is rated after the owner marks the reservation attended'],
      ['cancelled', 'cancelled', 'is cancelled'],
    ] as const)('refuses a reservation %s: 403 NOT_ATTENDED, nothing recorded', async (_, state, message) => {
      const space = harness.space();
      const ana = person('Ana');
      const reservation = harness.reservation(space, ana, state);
      await expect(harness.ratings.rate(partyOf(ana), space.id, { reservationId: reservation.id, ...scores(5) })).rejects.toMatchObject({ status: 403, code: 'NOT_ATTENDED', message: expect.stringContaining(message) });
      expect(await harness.ratings.summary(space.id)).toBeUndefined();
    });

    it('refuses someone else’s reservation, one of another space and an unknown one: 403 NOT_ATTENDED', async () => {
      const [space, other] = [harness.space(), harness.space()];
      const [ana, bea] = [person('Ana'), person('Bea')];
      const anas = harness.reservation(space, ana);
      const rate = (reservationId: string, spaceId = space.id) => harness.ratings.rate(partyOf(bea), spaceId, { reservationId, ...scores(1) });
      await expect(rate(anas.id)).rejects.toMatchObject({ code: 'NOT_ATTENDED', message: expect.stringContaining('is not yours') });
      await expect(rate(harness.reservation(other, bea).id)).rejects.toMatchObject({ code: 'NOT_ATTENDED', message: expect.stringContaining(`is not a reservation of space ${space.id}`) });
      await expect(rate('7f3e2a1c-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'NOT_ATTENDED' });
      await expect(rate(anas.id, '7f3e2a1c-0000-4000-8000-000000000001')).rejects.toMatchObject({ status: 404, code: 'SPACE_NOT_FOUND' });
      expect(await harness.ratings.summaries([space.id, other.id])).toEqual(new Map());
    });

    it('refuses the space’s owner, even with an attended reservation of it: 403 OWN_SPACE', async () => {
      const space = harness.space();
      const reservation = harness.reservation(space, space.owner);
      await expect(harness.ratings.rate(partyOf(space.owner), space.id, { reservationId: reservation.id, ...scores(5) })).rejects.toMatchObject({ status: 403, code: 'OWN_SPACE' });
      expect(await harness.ratings.summary(space.id)).toBeUndefined();
    });

    it('counts the latest rating of a reservation: rating again replaces, the same rating again records nothing', async () => {
      const space = harness.space();
      const ana = person('Ana');
      const reservation = harness.reservation(space, ana);
      const rate = (input: object) => harness.ratings.rate(partyOf(ana), space.id, { reservationId: reservation.id, ...input });
      const first = await rate({ ...scores(5), review: 'Great' });
      const second = await rate({ ...scores(2), review: 'The heating broke' });
      const again = await rate({ ...scores(2), review: 'The heating broke' });
      expect([first.created, second.created, again.created]).toEqual([true, true, false]);
      expect(again.rating).toEqual(second.rating);
      expect(second.rating.id).not.toBe(first.rating.id);
      expect(await harness.statement(first.rating.id)).toBeDefined(); // both statements stay; the later counts
      expect(await harness.ratings.summary(space.id)).toMatchObject({ count: 1, overall: 2 });
      expect((await harness.ratings.ratingsOf(space.id)).map(({ review }) => review)).toEqual(['The heating broke']);
      // A second attended reservation of the same space is a second rating.
      await rated(space, ana, scores(4));
      expect(await harness.ratings.summary(space.id)).toMatchObject({ count: 2, overall: 3 });
    });

    it('records one rating when the same rater sends it several times at once, and the last of different ones counts', async () => {
      const space = harness.space();
      const ana = person('Ana');
      const reservation = harness.reservation(space, ana);
      const rate = (overall: number) => harness.ratings.rate(partyOf(ana), space.id, { reservationId: reservation.id, ...scores(overall) });
      const same = await Promise.all([1, 2, 3, 4, 5].map(() => rate(3)));
      expect(new Set(same.map(({ rating }) => rating.id)).size).toBe(1);
      expect(await harness.ratings.summary(space.id)).toMatchObject({ count: 1, overall: 3 });
      const different = await Promise.all([1, 2, 5].map((overall) => rate(overall)));
      expect(new Set(different.map(({ rating }) => rating.id)).size).toBe(3);
      const listed = await harness.ratings.ratingsOf(space.id);
      expect(listed).toHaveLength(1);
      expect(await harness.ratings.summary(space.id)).toMatchObject({ count: 1, overall: listed[0]!.overall });
    });

    it('lists counted ratings newest first, at most the limit, with the rater’s name and review', async () => {
      const space = harness.space();
      for (const [name, overall] of [['Ana', 5], ['Bea', 3], ['Cruz', 1]] as const) await rated(space, person(name), { ...scores(overall), review: `${name}'s review` });
      const listed = await harness.ratings.ratingsOf(space.id, 2);
      expect(listed.map(({ raterName, review, overall }) => [raterName, review, overall])).toEqual([
        ['Cruz', "Cruz's review", 1],
        ['Bea', "Bea's review", 3],
      ]);
      expect(await harness.ratings.overview(space.id, 20)).toMatchObject({ spaceId: space.id, summary: { count: 3, overall: 3 }, ratings: { length: 3 } });
    });

    it('ignores rated statements a client sends to /xapi: only the plugin’s count', async () => {
      const space = harness.space();
      const ana = person('Ana');
      const { rating } = await rated(space, ana, scores(5));
      const copy = { ...(await harness.statement(rating.id))! };
      for (const field of ['id', 'stored', 'authority', 'version']) delete copy[field];
      const response = await request(harness.lrs.lrs.app).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', harness.lrs.school).send({ ...copy, result: { ...copy.result, score: { raw: 1, min: 1, max: 5 } } });
      expect(response.status).toBe(200);
      await harness.lrs.delivered();
      expect(await harness.ratings.summary(space.id)).toMatchObject({ count: 1, overall: 5 });
    });

    it('counts the earlier rating again when the later one is voided', async () => {
      const space = harness.space();
      const ana = person('Ana');
      const reservation = harness.reservation(space, ana);
      await harness.ratings.rate(partyOf(ana), space.id, { reservationId: reservation.id, ...scores(5) });
      const { rating } = await harness.ratings.rate(partyOf(ana), space.id, { reservationId: reservation.id, ...scores(1) });
      await harness.lrs.store([{ actor: person('Admin'), verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: rating.id } }], harness.lrs.lrs.auth);
      expect(await harness.ratings.summary(space.id)).toMatchObject({ count: 1, overall: 5 });
      expect((await harness.ratings.ratingsOf(space.id)).map(({ overall }) => overall)).toEqual([5]);
    });

    it('answers a retry after a crash between recording and applying with the rating already recorded', async () => {
      const space = harness.space();
      const ana = person('Ana');
      const reservation = harness.reservation(space, ana);
      const input = { reservationId: reservation.id, ...scores(3), review: 'Fine' };
      const first = await harness.ratings.rate(partyOf(ana), space.id, input);
      // As after a crash before onEvents ran: the statement is stored, the derived rating is not.
      const ratings = await harness.lrs.lrs.storage.collections.open('marketplace', 'ratings', RATING_STORES.ratings);
      expect(await ratings.delete(first.rating.id)).toBe(true);
      const retry = await harness.ratings.rate(partyOf(ana), space.id, input);
      expect(retry).toEqual({ created: false, rating: first.rating });
      expect(await harness.statement(marketplaceUuid(`rating/${reservation.id}/${partyOf(ana).key}/2`))).toBeUndefined();
    });
  });

  describe('reports', () => {
    it('records a space-reported statement and queues the report open, oldest first', async () => {
      const space = harness.space('Aula 7');
      const lucia = person('Lucía Romero');
      const { report, created } = await harness.ratings.report(partyOf(lucia), space.id, { category: 'safety', description: 'The emergency exit was locked during our session.' });
      expect(created).toBe(true);
      expect(report).toEqual({
        id: expect.any(String),
        spaceId: space.id,
        spaceName: space.name,
        reporter: { key: partyOf(lucia).key, name: 'Lucía Romero' },
        category: 'safety',
        description: 'The emergency exit was locked during our session.',
        filed: expect.any(String),
        state: 'open',
      });
      expect(await harness.statement(report.id)).toMatchObject({
        actor: lucia,
        verb: { id: VERB.reported },
        object: { id: space.iri },
        result: { response: 'The emergency exit was locked during our session.' },
        context: { extensions: { [EXTENSION.reportCategory]: 'safety' }, contextActivities: { category: [{ id: PROFILE_VERSION }] } },
        authority: { account: { name: 'plugin/marketplace' } },
      });
      const later = await harness.ratings.report(partyOf(lucia), space.id, { category: 'cleanliness', description: 'Dusty.' });
      const open = (await harness.ratings.reports('open')).map(({ id }) => id);
      expect(open.indexOf(report.id)).toBeLessThan(open.indexOf(later.report.id));
    });

    it('is resolved by a verifier with a note, once; the queue no longer lists it', async () => {
      const space = harness.space();
      const { report } = await harness.ratings.report(partyOf(person('Lucía')), space.id, { category: 'unavailable', description: 'Closed when we arrived.' });
      const verifier = partyOf(person('Vera Verifier'));
      const resolved = await harness.ratings.resolve(verifier, report.id, 'Visited: the owner now posts closures.');
      expect(resolved).toMatchObject({ id: report.id, state: 'resolved', resolution: { verifier: { key: verifier.key, name: 'Vera Verifier' }, note: 'Visited: the owner now posts closures.' } });
      expect(await harness.ratings.resolve(verifier, report.id, { note: 'Visited: the owner now posts closures.' })).toEqual(resolved);
      await expect(harness.ratings.resolve(verifier, report.id, 'Another note')).rejects.toMatchObject({ status: 409, code: 'REPORT_ALREADY_RESOLVED' });
      await expect(harness.ratings.resolve(verifier, '7f3e2a1c-0000-4000-8000-000000000002', 'x')).rejects.toMatchObject({ status: 404, code: 'REPORT_NOT_FOUND' });
      await expect(harness.ratings.resolve(verifier, report.id, '  ')).rejects.toMatchObject({ status: 400, code: 'INVALID_RESOLUTION' });
      expect((await harness.ratings.reports('open')).map(({ id }) => id)).not.toContain(report.id);
      expect((await harness.ratings.reports('resolved'))[0]).toEqual(resolved);
    });

    it('sent again with its client id records nothing; an id of another statement is 409 REPORT_ID_CONFLICT', async () => {
      const space = harness.space();
      const lucia = partyOf(person('Lucía'));
      const input = { id: '5d1c6a0e-8f7b-4b1e-9a51-3c2d4e5f6a7b'.replace('5d1c', Math.random().toString(16).slice(2, 6)), category: 'other', description: 'Wrong photos.' };
      const first = await harness.ratings.report(lucia, space.id, input);
      const again = await harness.ratings.report(lucia, space.id, input);
      expect(again).toEqual({ created: false, report: first.report });
      await expect(harness.ratings.report(lucia, space.id, { ...input, description: 'Other text' })).rejects.toMatchObject({ status: 409, code: 'REPORT_ID_CONFLICT' });
      await expect(harness.ratings.report(partyOf(person('Mallory')), space.id, input)).rejects.toMatchObject({ status: 409, code: 'REPORT_ID_CONFLICT' });
      expect((await harness.ratings.reports('open')).filter(({ spaceId }) => spaceId === space.id)).toHaveLength(1);
    });

    it('refuses a category outside the profile and an unknown space, recording nothing', async () => {
      const space = harness.space();
      await expect(harness.ratings.report(partyOf(person('Ana')), space.id, { category: 'noise', description: 'Loud.' })).rejects.toMatchObject({ status: 400, code: 'INVALID_REPORT' });
      await expect(harness.ratings.report(partyOf(person('Ana')), '7f3e2a1c-0000-4000-8000-000000000003', { category: 'other', description: 'x' })).rejects.toMatchObject({ status: 404, code: 'SPACE_NOT_FOUND' });
      expect((await harness.ratings.reports('open')).filter(({ spaceId }) => spaceId === space.id)).toEqual([]);
    });
  });
});
