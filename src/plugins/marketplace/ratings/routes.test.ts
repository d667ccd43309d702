/**
 * The ratings routes over HTTP on both engines (ratings/openapi.yaml), the feature alone as the
 * marketplace plugin with in-memory spaces and reservations: who may rate, report and resolve
 * (credentials with plugins/marketplace/book or verify acting for an Agent, signed-in people, the
 * role space-verifier), and hostile input (issue 13: a clear 400 with a stable code naming what
 * is wrong, nothing stored).
 */
import request from 'supertest';
import { XAPI_VERSION_HEADER } from '../../../../test-support/app';
import { TEST_ENGINES } from '../../../../test-support/backends';
import type { MarketplaceParty } from '../../../../test-support/marketplace';
import type { Space } from '../model';
import { VERB } from '../vocabulary';
import { startRatingsLrs, type RatingsHarness } from './harness.contract';

const SCORES = { overall: 4, safety: 5, cleanliness: 3, accessibility: 2 };
const UNKNOWN_ID = '7f3e2a1c-0000-4000-8000-0000000000aa';

describe.each(TEST_ENGINES)('the ratings routes on %s', (engine) => {
  let harness: RatingsHarness;
  let booker: MarketplaceParty;
  let verifier: MarketplaceParty;

  beforeAll(async () => {
    harness = await startRatingsLrs(engine);
    booker = await harness.lrs.booker('Ana García');
    verifier = await harness.lrs.verifier('Vera');
  }, 60_000);
  afterAll(() => harness?.close());

  const call = (...args: Parameters<RatingsHarness['lrs']['call']>) => harness.lrs.call(...args);
  /** The space's rated statements in the LRS (what a hostile request must not add to). */
  const ratedStatements = async (space: Space) =>
    (await request(harness.lrs.lrs.app).get('/xapi/statements').query({ verb: VERB.rated, activity: space.iri }).set(XAPI_VERSION_HEADER).set('Authorization', harness.lrs.lrs.auth).expect(200)).body.statements;

  describe('POST and GET /spaces/:id/ratings', () => {
    it('rates as the Agent a credential acts for (201), answers a repeat with 200, and shows averages, distributions and reviews', async () => {
      const space = harness.space();
      const reservation = harness.reservation(space, booker.agent);
      const body = { reservationId: reservation.id, ...SCORES, review: 'Bright and quiet.' };
      const created = await call(booker, 'post', `/spaces/${space.id}/ratings`, body);
      expect([created.status, created.body]).toEqual([201, expect.objectContaining({ spaceId: space.id, reservationId: reservation.id, raterName: 'Ana García', ...SCORES, review: 'Bright and quiet.' })]);
      const repeated = await call(booker, 'post', `/spaces/${space.id}/ratings`, body);
      expect([repeated.status, repeated.body]).toEqual([200, created.body]);
      const read = await call(booker, 'get', `/spaces/${space.id}/ratings`).expect(200);
      expect(read.body).toEqual({
        spaceId: space.id,
        summary: { count: 1, ...SCORES, distribution: { overall: [0, 0, 0, 1, 0], safety: [0, 0, 0, 0, 1], cleanliness: [0, 0, 1, 0, 0], accessibility: [0, 1, 0, 0, 0] } },
        ratings: [created.body],
      });
      expect(await ratedStatements(space)).toHaveLength(1);
    });

    it('lets a signed-in person rate with JSON, and refuses another content type (415)', async () => {
      const person = await harness.lrs.person();
      const space = harness.space();
      const reservation = harness.reservation(space, person.agent);
      const form = await person.browser!.post(`/plugins/marketplace/spaces/${space.id}/ratings`).type('form').send({ reservationId: reservation.id, ...SCORES });
      expect([form.status, form.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      const json = await call(person, 'post', `/spaces/${space.id}/ratings`, { reservationId: reservation.id, ...SCORES });
      expect([json.status, json.body.reservationId]).toEqual([201, reservation.id]);
    });

    it('gives an empty summary for a space without ratings and 404 SPACE_NOT_FOUND for an unknown space', async () => {
      const space = harness.space();
      expect((await call(booker, 'get', `/spaces/${space.id}/ratings`).expect(200)).body).toEqual({
        spaceId: space.id,
        summary: { count: 0, overall: null, safety: null, cleanliness: null, accessibility: null, distribution: { overall: [0, 0, 0, 0, 0], safety: [0, 0, 0, 0, 0], cleanliness: [0, 0, 0, 0, 0], accessibility: [0, 0, 0, 0, 0] } },
        ratings: [],
      });
      expect((await call(booker, 'get', `/spaces/${UNKNOWN_ID}/ratings`).expect(404)).body.code).toBe('SPACE_NOT_FOUND');
      expect((await call(booker, 'post', `/spaces/${UNKNOWN_ID}/ratings`, { reservationId: UNKNOWN_ID, ...SCORES }).expect(404)).body.code).toBe('SPACE_NOT_FOUND');
    });

    it('answers 403 NOT_ATTENDED to a party whose reservation is not attended or not theirs, recording nothing', async () => {
      const space = harness.space();
      const confirmed = harness.reservation(space, booker.agent, 'confirmed');
      const someoneElses = harness.reservation(space, (await harness.lrs.booker('Bea')).agent);
      for (const reservation of [confirmed, someoneElses]) {
        const response = await call(booker, 'post', `/spaces/${space.id}/ratings`, { reservationId: reservation.id, ...SCORES });
        expect([response.status, response.body.code]).toEqual([403, 'NOT_ATTENDED']);
      }
      expect(await ratedStatements(space)).toEqual([]);
    });

    it('is for signed-in people and credentials holding plugins/marketplace/book', async () => {
      const space = harness.space();
      expect((await request(harness.lrs.lrs.app).get(`/plugins/marketplace/spaces/${space.id}/ratings`)).status).toBe(401);
      const writer = await harness.lrs.lrs.credential(['statements/write']);
      const refused = await request(harness.lrs.lrs.app).get(`/plugins/marketplace/spaces/${space.id}/ratings`).set('Authorization', writer);
      expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);
    });

    const hostile: Array<[string, (reservationId: string) => unknown, number, string, string]> = [
      ['a score of 0', (id) => ({ reservationId: id, ...SCORES, overall: 0 }), 400, 'INVALID_RATING', 'overall must be an integer from 1 to 5, got 0'],
      ['a score of 6', (id) => ({ reservationId: id, ...SCORES, safety: 6 }), 400, 'INVALID_RATING', 'safety must be an integer from 1 to 5, got 6'],
      ['a fractional score', (id) => ({ reservationId: id, ...SCORES, cleanliness: 3.5 }), 400, 'INVALID_RATING', 'cleanliness must be an integer from 1 to 5, got 3.5'],
      ['a score as words', (id) => ({ reservationId: id, ...SCORES, accessibility: 'five' }), 400, 'INVALID_RATING', 'accessibility must be an integer from 1 to 5, got "five"'],
      ['a missing score', (id) => ({ reservationId: id, overall: 4, safety: 4, cleanliness: 4 }), 400, 'INVALID_RATING', 'accessibility must be an integer from 1 to 5, got nothing'],
      ['no reservation', () => ({ ...SCORES }), 400, 'INVALID_RATING', 'reservationId must be a UUID, got nothing'],
      ['a review of 2001 characters', (id) => ({ reservationId: id, ...SCORES, review: 'x'.repeat(2001) }), 400, 'INVALID_RATING', 'review has 2001 characters; at most 2000'],
      ['an unknown field', (id) => ({ reservationId: id, ...SCORES, stars: 5 }), 400, 'INVALID_RATING', 'Unknown field(s) stars'],
      ['an actor that is not an Agent', (id) => ({ reservationId: id, ...SCORES, actor: 'ana' }), 400, 'INVALID_PARAMETER', 'actor must be an Agent'],
    ];
    it.each(hostile)('answers %s with a clear 400, recording nothing', async (_, bodyOf, status, code, message) => {
      const space = harness.space();
      const reservation = harness.reservation(space, booker.agent);
      const response = await request(harness.lrs.lrs.app).post(`/plugins/marketplace/spaces/${space.id}/ratings`).set('Authorization', booker.auth!).send({ actor: booker.agent, ...(bodyOf(reservation.id) as object) });
      expect([response.status, response.body.code]).toEqual([status, code]);
      expect(response.body.message).toContain(message);
      expect(await ratedStatements(space)).toEqual([]);
    });

    it('answers malformed JSON, a body that is not an object, a malformed space id and bad parameters with 400', async () => {
      const space = harness.space();
      const post = (path: string) => request(harness.lrs.lrs.app).post(`/plugins/marketplace${path}`).set('Authorization', booker.auth!).set('Content-Type', 'application/json');
      expect((await post(`/spaces/${space.id}/ratings`).send('{"overall": 4,')).status).toBe(400);
      expect((await post(`/spaces/${space.id}/ratings`).send('[4, 5]')).body.code).toBe('INVALID_BODY');
      expect((await call(booker, 'post', '/spaces/room-2/ratings', SCORES)).body).toMatchObject({ code: 'INVALID_PARAMETER', message: 'id must be a UUID, got "room-2"' });
      expect((await call(booker, 'get', `/spaces/${space.id}/ratings?limit=0`)).body).toMatchObject({ code: 'INVALID_PARAMETER', message: expect.stringContaining('limit must be a whole number from 1 to 100') });
      expect((await call(booker, 'get', `/spaces/${space.id}/ratings?limit=101`)).body.code).toBe('INVALID_PARAMETER');
      expect((await call(booker, 'get', `/spaces/${space.id}/ratings?sort=best`)).body.code).toBe('UNKNOWN_PARAMETER');
      expect(await ratedStatements(space)).toEqual([]);
    });
  });

  describe('reports and the verifiers’ queue', () => {
    it('a booker reports (201), a verifier lists the queue and resolves with a note', async () => {
      const space = harness.space('Aula 9');
      const filed = await call(booker, 'post', `/spaces/${space.id}/reports`, { category: 'safety', description: 'The emergency exit was locked.' });
      expect([filed.status, filed.body]).toEqual([201, expect.objectContaining({ spaceId: space.id, category: 'safety', state: 'open', reporter: { key: booker.key, name: 'Ana García' } })]);
      const queue = await call(verifier, 'get', '/reports').expect(200);
      expect(queue.body.reports).toContainEqual(filed.body);
      const resolved = await call(verifier, 'post', `/reports/${filed.body.id}/resolve`, { note: 'Unlocked and signed; owner told.' });
      expect([resolved.status, resolved.body]).toEqual([200, expect.objectContaining({ id: filed.body.id, state: 'resolved', resolution: expect.objectContaining({ note: 'Unlocked and signed; owner told.', verifier: { key: verifier.key, name: 'Vera' } }) })]);
      expect((await call(verifier, 'get', '/reports').expect(200)).body.reports.map(({ id }: { id: string }) => id)).not.toContain(filed.body.id);
      expect((await call(verifier, 'get', '/reports?state=resolved&limit=1').expect(200)).body.reports).toEqual([resolved.body]);
      const again = await call(verifier, 'post', `/reports/${filed.body.id}/resolve`, { note: 'Something else' });
      expect([again.status, again.body.code]).toEqual([409, 'REPORT_ALREADY_RESOLVED']);
    });

    it('keeps the queue to verifiers: a booker credential or a person without the role gets 403, a person with it 200', async () => {
      expect((await call(booker, 'get', '/reports')).status).toBe(403);
      const person = await harness.lrs.person();
      expect((await call(person, 'get', '/reports')).status).toBe(403);
      const signedInVerifier = await harness.lrs.signedInVerifier();
      expect((await call(signedInVerifier, 'get', '/reports')).status).toBe(200);
      const resolve = await call(booker, 'post', `/reports/${UNKNOWN_ID}/resolve`, { note: 'x' });
      expect(resolve.status).toBe(403);
    });

    it.each([
      ['a category outside the profile', { category: 'noise', description: 'Loud.' }, 'INVALID_REPORT', 'category must be one of'],
      ['no description', { category: 'safety' }, 'INVALID_REPORT', 'description is required'],
      ['an id that is not a UUID', { category: 'safety', description: 'x', id: 'r1' }, 'INVALID_REPORT', 'id must be a UUID'],
    ])('refuses a report with %s: 400, nothing queued', async (_, body, code, message) => {
      const space = harness.space();
      const response = await call(booker, 'post', `/spaces/${space.id}/reports`, body);
      expect([response.status, response.body.code]).toEqual([400, code]);
      expect(response.body.message).toContain(message);
      expect((await call(verifier, 'get', '/reports').expect(200)).body.reports.filter(({ spaceId }: { spaceId: string }) => spaceId === space.id)).toEqual([]);
    });

    it('answers bad queue parameters and resolutions with 400, an unknown report with 404', async () => {
      expect((await call(verifier, 'get', '/reports?state=closed')).body).toMatchObject({ code: 'INVALID_PARAMETER', message: 'state must be one of open, resolved' });
      expect((await call(verifier, 'post', `/reports/${UNKNOWN_ID}/resolve`, {})).body).toMatchObject({ code: 'INVALID_RESOLUTION', message: 'note is required: write it as text' });
      expect((await call(verifier, 'post', `/reports/${UNKNOWN_ID}/resolve`, { note: 'x' })).body.code).toBe('REPORT_NOT_FOUND');
      expect((await call(verifier, 'post', '/reports/r-1/resolve', { note: 'x' })).body.code).toBe('INVALID_PARAMETER');
    });
  });
});
