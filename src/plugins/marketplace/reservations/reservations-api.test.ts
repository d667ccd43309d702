/**
 * The reservations' JSON API over HTTP on the whole LRS, on both engines (issue 13, "Reservations"):
 * hold → confirmed → attended, cancelled, rejected, expired, modified; the price in minor units
 * fixed at confirmation; every step a statement of the profile (reject mode: a statement outside
 * its template would fail the request) with the ids the reservation lists; the issue's hostile
 * input a clear 400 with nothing stored; retries with the same id; who may do what.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { XAPI_VERSION_HEADER } from '../../../../test-support/app';
import { TEST_ENGINES } from '../../../../test-support/backends';
import { schoolAgent, verification, type MarketplaceParty, type SpaceJson } from '../../../../test-support/marketplace';
import { SLOT_MS } from '../model';
import { EXTENSION, VERB } from '../vocabulary';
import { startReservationsLrs, type ReservationsHarness } from './harness.contract';

const HOUR_MS = 3_600_000;

/** An instant on the slot grid about `hours` from now. */
const ahead = (hours: number) => Math.ceil((Date.now() + hours * HOUR_MS) / SLOT_MS) * SLOT_MS;
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(TEST_ENGINES)('the reservations API on %s', (engine) => {
  let harness: ReservationsHarness;
  let space: SpaceJson;
  let booker: MarketplaceParty;

  beforeAll(async () => {
    harness = await startReservationsLrs(engine);
    space = await harness.lrs.bookableSpace();
    booker = await harness.lrs.booker();
  }, 60_000);
  afterAll(() => harness.close());
  afterEach(() => {
    harness.clock.nowMs = undefined;
  });

  const lrs = () => harness.lrs;
  /** A free stretch of the shared space: each test books its own day. */
  let nextDay = 1;
  const freeDay = () => ahead(24 * nextDay++);
  const holdBody = (startMs: number, minutes: number, extra: Record<string, unknown> = {}) => ({ spaceId: space.id, start: iso(startMs), end: iso(startMs + minutes * 60_000), participants: 4, ...extra });
  const post = (party: MarketplaceParty, path: string, body: object = {}) => lrs().call(party, 'post', path, body);
  /** A GET as the party: a credential names its Agent in `agent`. */
  const get = (party: MarketplaceParty, path: string) => lrs().call(party, 'get', party.auth === undefined ? path : `${path}${path.includes('?') ? '&' : '?'}agent=${encodeURIComponent(JSON.stringify(party.agent))}`);

  async function held(party: MarketplaceParty, body: object): Promise<Record<string, any>> {
    const response = await post(party, '/reservations', body);
    expect([response.status, response.body.code]).toEqual([201, undefined]);
    return response.body;
  }

  /** The statements the LRS stored for a reservation (its registration), oldest first. */
  async function statementsOf(reservationId: string): Promise<Array<Record<string, any>>> {
    const response = await request(lrs().lrs.app).get('/xapi/statements').query({ registration: reservationId, ascending: 'true' }).set(XAPI_VERSION_HEADER).set('Authorization', lrs().lrs.auth);
    expect(response.status).toBe(200);
    return response.body.statements;
  }

  it('holds, confirms and marks attended, each step a statement of the profile whose ids the reservation lists', async () => {
    const startMs = freeDay();
    const learner = schoolAgent('Ana');
    const hold = await held(booker, holdBody(startMs, 90, { learners: [learner] }));
    expect(hold).toMatchObject({ spaceId: space.id, state: 'held', participants: 4, price: { amountMinor: 1875, currency: 'EUR' }, safetyRequirements: [] });
    expect(Date.parse(hold.start)).toBe(startMs);
    expect(hold.start).toMatch(/\+0[12]:00$/); // in the space's zone, Europe/Madrid
    expect(Date.parse(hold.holdExpiresAt) - Date.now()).toBeGreaterThan(9 * 60_000);

    const confirmed = (await post(booker, `/reservations/${hold.id}/confirm`)).body;
    expect(confirmed).toMatchObject({ state: 'confirmed', price: { amountMinor: 1875, currency: 'EUR' } });
    expect(confirmed.holdExpiresAt).toBeUndefined();

    const owner = lrs().ownerOf(space.id);
    expect((await post(owner, `/reservations/${hold.id}/attended`)).body.code).toBe('NOT_STARTED');
    harness.clock.nowMs = startMs + 60_000;
    const attended = (await post(owner, `/reservations/${hold.id}/attended`)).body;
    expect(attended.state).toBe('attended');
    expect(await harness.reservations.attendedSpace(booker.key, space.id)).toBe(true);
    expect(await harness.reservations.attendedSpace(`account:${learner.account.homePage}|${learner.account.name}`, space.id)).toBe(true);

    const statements = await statementsOf(hold.id);
    expect(statements.map(({ id }) => id).sort()).toEqual([...attended.statementIds].sort());
    expect(statements.map(({ verb }) => verb.id)).toEqual([VERB.held, VERB.confirmed, VERB.attended, VERB.attended]);
    expect(statements[0]).toMatchObject({
      actor: booker.agent,
      context: { registration: hold.id, team: { member: [learner] }, extensions: { [EXTENSION.slot]: { start: hold.start, end: hold.end }, [EXTENSION.price]: hold.price } },
    });
    expect(statements[1].context.statement).toEqual({ objectType: 'StatementRef', id: statements[0].id });
    expect(statements.slice(2).map(({ actor }) => actor.account.name).sort()).toEqual([booker.agent.account.name, learner.account.name].sort());
  });

  it('prices hourly rate × duration in minor units, half a unit rounded up, fixed at the rate when confirmed', async () => {
    const owner = lrs().ownerOf(space.id);
    const priced = await lrs().bookableSpace({ hourlyRate: { amountMinor: 1250, currency: 'EUR' } }, owner);
    const hold = await held(booker, { ...holdBody(freeDay(), 75), spaceId: priced.id });
    expect(hold.price).toEqual({ amountMinor: 1563, currency: 'EUR' }); // 1250 × 1.25 = 1562.5
    const { id: _id, ...listing } = (await lrs().call(owner, 'get', `/spaces/${priced.id}`)).body;
    const updated = await lrs().call(owner, 'put', `/spaces/${priced.id}`, { name: listing.name, address: listing.address, capacity: listing.capacity, hourlyRate: { amountMinor: 999, currency: 'EUR' }, timeZone: listing.timeZone });
    expect(updated.status).toBe(200);
    const confirmed = (await post(booker, `/reservations/${hold.id}/confirm`)).body;
    expect(confirmed.price).toEqual({ amountMinor: 1249, currency: 'EUR' }); // 999 × 1.25 = 1248.75
    const [, confirmation] = await statementsOf(hold.id);
    expect(confirmation.context.extensions[EXTENSION.price]).toEqual({ amountMinor: 1249, currency: 'EUR' });
  });

  it.each([
    ['a start in the past', () => holdBody(ahead(-2), 60), 'INVALID_TIMES', 'past'],
    ['an end before the start', () => ({ ...holdBody(freeDay(), 60), end: iso(ahead(1)) }), 'INVALID_TIMES', 'end must be after start'],
    ['a zero duration', () => holdBody(freeDay(), 0), 'INVALID_TIMES', 'end must be after start'],
    ['a negative duration', () => holdBody(freeDay(), -30), 'INVALID_TIMES', 'end must be after start'],
    ['times off the 15-minute grid', () => holdBody(freeDay() + 5 * 60_000, 60), 'INVALID_TIMES', '15-minute grid'],
    ['more than 24 hours', () => holdBody(freeDay(), 24 * 60 + 15), 'INVALID_TIMES', '24 hours'],
    ['a start more than a year ahead', () => holdBody(ahead(366 * 24), 60), 'INVALID_TIMES', '365 days'],
    ['a time without an offset', () => ({ ...holdBody(freeDay(), 60), start: '2030-01-01T10:00:00' }), 'INVALID_TIMES', 'start must be an RFC 3339'],
    ['a date that does not exist', () => ({ ...holdBody(freeDay(), 60), start: '2030-02-30T10:00:00Z' }), 'INVALID_TIMES', 'start must be an RFC 3339'],
    ['zero participants', () => holdBody(freeDay(), 60, { participants: 0 }), 'INVALID_PARTICIPANTS', 'participants must be an integer'],
    ['a fraction of a participant', () => holdBody(freeDay(), 60, { participants: 2.5 }), 'INVALID_PARTICIPANTS', 'participants must be an integer'],
    ['more participants than the capacity', () => holdBody(freeDay(), 60, { participants: 13 }), 'OVER_CAPACITY', 'capacity of 12'],
    ['a malformed space id', () => holdBody(freeDay(), 60, { spaceId: 'room-2' }), 'INVALID_RESERVATION', 'spaceId must be a UUID'],
    ['an unknown field', () => holdBody(freeDay(), 60, { room: 2 }), 'INVALID_RESERVATION', 'Unknown field room'],
    ['a learner without an identifier', () => holdBody(freeDay(), 60, { learners: [{ name: 'Ana' }] }), 'INVALID_RESERVATION', 'learners[0]'],
    ['a malformed safety requirement', () => holdBody(freeDay(), 60, { safetyRequirements: ['Child Safe'] }), 'INVALID_RESERVATION', 'safetyRequirements'],
  ])('refuses %s with 400 %s naming it, storing nothing', async (_case, body, code, message) => {
    const party = await lrs().booker();
    const response = await post(party, '/reservations', body());
    expect([response.status, response.body.code]).toEqual([400, code]);
    expect(response.body.message).toContain(message);
    expect((await get(party, '/reservations')).body).toEqual({ reservations: [] });
  });

  it('answers 404 SPACE_NOT_FOUND for a space that does not exist, and 409 OUTSIDE_AVAILABILITY outside the published plan or without one', async () => {
    expect((await post(booker, '/reservations', { ...holdBody(freeDay(), 60), spaceId: randomUUID() })).body.code).toBe('SPACE_NOT_FOUND');
    const owner = lrs().ownerOf(space.id);
    const unpublished = await lrs().registerSpace({}, owner);
    expect((await post(booker, '/reservations', { ...holdBody(freeDay(), 60), spaceId: unpublished.id })).body.code).toBe('OUTSIDE_AVAILABILITY');
    const mornings = await lrs().registerSpace({}, owner);
    await lrs().publishAvailability(mornings.id, { timeZone: 'Europe/Madrid', weekly: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU', start: '09:00', durationMinutes: 180 }] });
    const day = Date.parse(`${new Date(freeDay()).toISOString().slice(0, 10)}T00:00:00Z`);
    const at = (utcHour: number, minutes: number) => ({ ...holdBody(day + utcHour * HOUR_MS, minutes), spaceId: mornings.id });
    const madridNine = new Date(day).getUTCMonth() >= 3 && new Date(day).getUTCMonth() <= 9 ? 7 : 8; // 09:00 in Madrid (CEST or CET, between DST changes)
    const refused = await post(booker, '/reservations', at(madridNine + 2, 90));
    expect([refused.status, refused.body.code]).toEqual([409, 'OUTSIDE_AVAILABILITY']);
    expect((await post(booker, '/reservations', at(madridNine, 180))).status).toBe(201);
  });

  it('counts only verified, unexpired certifications for safety requirements (409 UNMET_SAFETY_REQUIREMENTS for an owner\'s claim)', async () => {
    const owner = lrs().ownerOf(space.id);
    const claimed = await lrs().registerSpace({ claimedCertifications: ['child-safeguarding'] }, owner);
    await lrs().publishAvailability(claimed.id);
    const body = { ...holdBody(freeDay(), 60, { safetyRequirements: ['child-safeguarding'] }), spaceId: claimed.id };
    const refused = await post(booker, '/reservations', body);
    expect([refused.status, refused.body.code]).toEqual([409, 'UNMET_SAFETY_REQUIREMENTS']);
    expect(refused.body.message).toContain('child-safeguarding');
    await lrs().verifySpace(claimed.id, verification({ certifications: ['child-safeguarding'] }));
    expect((await held(booker, body)).safetyRequirements).toEqual(['child-safeguarding']);
  });

  it('refuses an overlapping hold with 409 SLOT_TAKEN and takes the adjacent one; a cancelled reservation frees its times', async () => {
    const startMs = freeDay();
    const hold = await held(booker, holdBody(startMs, 60));
    const other = await lrs().booker();
    const overlapping = await post(other, '/reservations', holdBody(startMs + 45 * 60_000, 60));
    expect([overlapping.status, overlapping.body.code]).toEqual([409, 'SLOT_TAKEN']);
    await held(other, holdBody(startMs + HOUR_MS, 60));
    expect((await post(other, `/reservations/${hold.id}/cancel`)).body.code).toBe('NOT_YOUR_RESERVATION');
    const cancelled = await post(booker, `/reservations/${hold.id}/cancel`, { reason: 'Learner is ill.' });
    expect([cancelled.status, cancelled.body.state]).toEqual([200, 'cancelled']);
    expect((await post(booker, `/reservations/${hold.id}/cancel`)).body.state).toBe('cancelled');
    expect((await statementsOf(hold.id)).at(-1)).toMatchObject({ verb: { id: VERB.cancelled }, result: { response: 'Learner is ill.' } });
    await held(other, holdBody(startMs + 45 * 60_000, 15));
    expect((await post(booker, `/reservations/${hold.id}/confirm`)).body.code).toBe('RESERVATION_STATE');
  });

  it('answers a retry with the same id as the first answer (200, the same statements), and other content under it 409 RESERVATION_ID_CONFLICT', async () => {
    const body = holdBody(freeDay(), 30, { id: randomUUID() });
    const first = await held(booker, body);
    const again = await post(booker, '/reservations', body);
    expect([again.status, again.body]).toEqual([200, first]);
    expect(await statementsOf(first.id)).toHaveLength(1);
    const conflicting = await post(booker, '/reservations', { ...body, participants: 5 });
    expect([conflicting.status, conflicting.body.code]).toEqual([409, 'RESERVATION_ID_CONFLICT']);
    const stranger = await post(await lrs().booker(), '/reservations', body);
    expect(stranger.body.code).toBe('RESERVATION_ID_CONFLICT');
  });

  it('lets the space\'s owner reject with a reason (403 NOT_YOUR_SPACE for others, 400 INVALID_REASON without one), freeing the times', async () => {
    const startMs = freeDay();
    const hold = await held(booker, holdBody(startMs, 60));
    const otherOwner = await lrs().owner();
    expect((await post(otherOwner, `/reservations/${hold.id}/reject`, { reason: 'No.' })).body.code).toBe('NOT_YOUR_SPACE');
    const owner = lrs().ownerOf(space.id);
    expect((await post(owner, `/reservations/${hold.id}/reject`)).body.code).toBe('INVALID_REASON');
    const rejected = await post(owner, `/reservations/${hold.id}/reject`, { reason: 'The room is being repaired.' });
    expect([rejected.status, rejected.body.state]).toEqual([200, 'rejected']);
    const [heldStatement, rejection] = await statementsOf(hold.id);
    expect(rejection).toMatchObject({ actor: owner.agent, verb: { id: VERB.rejected }, result: { response: 'The room is being repaired.' }, context: { statement: { id: heldStatement.id } } });
    await held(await lrs().booker(), holdBody(startMs, 60));
  });

  it('moves a confirmed reservation to new times only when they are free (409 SLOT_TAKEN keeps the old ones), pricing them anew and freeing the old', async () => {
    const startMs = freeDay();
    const hold = await held(booker, holdBody(startMs, 60));
    await post(booker, `/reservations/${hold.id}/confirm`);
    const other = await lrs().booker();
    await held(other, holdBody(startMs + 2 * HOUR_MS, 60));
    const backwards = await post(booker, `/reservations/${hold.id}/modify`, { start: iso(startMs + HOUR_MS), end: iso(startMs) });
    expect([backwards.status, backwards.body.code]).toEqual([400, 'INVALID_TIMES']);
    expect((await post(booker, `/reservations/${hold.id}/modify`, { start: iso(startMs), end: iso(startMs + HOUR_MS), participants: 3 })).body.code).toBe('INVALID_RESERVATION');
    expect((await post(other, `/reservations/${hold.id}/modify`, { start: iso(startMs), end: iso(startMs + 2 * HOUR_MS) })).body.code).toBe('NOT_YOUR_RESERVATION');
    const blocked = await post(booker, `/reservations/${hold.id}/modify`, { start: iso(startMs + HOUR_MS), end: iso(startMs + 3 * HOUR_MS) });
    expect([blocked.status, blocked.body.code]).toEqual([409, 'SLOT_TAKEN']);
    expect((await get(booker, `/reservations/${hold.id}`)).body).toMatchObject({ state: 'confirmed', start: hold.start, end: hold.end });
    const moved = await post(booker, `/reservations/${hold.id}/modify`, { start: iso(startMs + 30 * 60_000), end: iso(startMs + 2 * HOUR_MS) });
    expect([moved.status, moved.body.state, Date.parse(moved.body.start), moved.body.price]).toEqual([200, 'confirmed', startMs + 30 * 60_000, { amountMinor: 1875, currency: 'EUR' }]);
    const statements = await statementsOf(hold.id);
    expect(statements.map(({ id }) => id).sort()).toEqual([...moved.body.statementIds].sort());
    const [modification, reconfirmation] = moved.body.statementIds.slice(2).map((id: string) => statements.find((statement) => statement.id === id)!); // one batch: stored alike
    expect([modification.verb.id, reconfirmation.verb.id]).toEqual([VERB.updated, VERB.confirmed]);
    expect(modification.context.extensions[EXTENSION.slot]).toEqual({ start: moved.body.start, end: moved.body.end });
    expect(modification.context.statement.id).toBe(moved.body.statementIds[1]);
    expect(reconfirmation.context.statement.id).toBe(modification.id);
    await held(other, holdBody(startMs, 30));
    const heldAgain = await post(other, '/reservations', holdBody(startMs + HOUR_MS, 15));
    expect(heldAgain.body.code).toBe('SLOT_TAKEN');
    expect((await post(booker, `/reservations/${(await held(booker, holdBody(startMs + 3 * HOUR_MS, 15))).id}/modify`, { start: iso(startMs + 4 * HOUR_MS), end: iso(startMs + 5 * HOUR_MS) })).body.code).toBe('RESERVATION_STATE');
  });

  it('expires a hold not confirmed in time (the hold-expiry job: hold-expired recorded, times freed; confirming it 409 HOLD_EXPIRED)', async () => {
    const startMs = freeDay();
    const hold = await held(booker, holdBody(startMs, 60));
    harness.clock.nowMs = Date.parse(hold.holdExpiresAt);
    expect((await post(booker, `/reservations/${hold.id}/confirm`)).body.code).toBe('HOLD_EXPIRED');
    expect(await harness.reservations.expireHolds()).toBeGreaterThanOrEqual(1);
    const expired = (await get(booker, `/reservations/${hold.id}`)).body;
    expect(expired.state).toBe('expired');
    const statements = await statementsOf(hold.id);
    expect(statements.map(({ verb }) => verb.id)).toEqual([VERB.held, VERB.holdExpired]);
    expect(statements.map(({ id }) => id)).toEqual(expired.statementIds);
    await held(await lrs().booker(), holdBody(startMs, 60));
  });

  it('shows a reservation to its booker, the space\'s owner and administrators only, and lists the booker\'s newest first', async () => {
    const party = await lrs().booker();
    const first = await held(party, holdBody(freeDay(), 15));
    const second = await held(party, holdBody(freeDay(), 15));
    expect((await get(party, '/reservations')).body.reservations.map(({ id }: { id: string }) => id)).toEqual([second.id, first.id]);
    expect((await get(party, '/reservations?limit=1')).body.reservations).toHaveLength(1);
    expect((await get(party, '/reservations?limit=0')).body.code).toBe('INVALID_PARAMETER');
    expect((await get(lrs().ownerOf(space.id), `/reservations/${first.id}`)).body).toEqual(first);
    const administrator = await request(lrs().lrs.app).get(`/plugins/marketplace/reservations/${first.id}`).set('Authorization', lrs().admin);
    expect([administrator.status, administrator.body]).toEqual([200, first]);
    const stranger = await get(await lrs().booker(), `/reservations/${first.id}`);
    expect([stranger.status, stranger.body.code]).toEqual([403, 'NOT_YOUR_RESERVATION']);
    expect((await get(party, `/reservations/${randomUUID()}`)).body.code).toBe('RESERVATION_NOT_FOUND');
    expect((await get(party, '/reservations/nope')).body.code).toBe('INVALID_PARAMETER');
  });

  it('lets a signed-in person book as themself with JSON, refuses a form (415), and asks credentials for the book scope', async () => {
    const person = await lrs().person();
    const hold = await held(person, holdBody(freeDay(), 15));
    expect(hold.bookerKey).toBe(person.key);
    const form = await person.browser!.post('/plugins/marketplace/reservations').type('form').send({ spaceId: space.id });
    expect(form.status).toBe(415);
    const withoutScope = await request(lrs().lrs.app).post('/plugins/marketplace/reservations').set('Authorization', lrs().college).send(holdBody(freeDay(), 15));
    expect(withoutScope.status).toBe(403);
    expect((await request(lrs().lrs.app).post('/plugins/marketplace/reservations').send(holdBody(freeDay(), 15))).status).toBe(401);
  });
});
