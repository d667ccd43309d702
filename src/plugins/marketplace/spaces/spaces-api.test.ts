/**
 * The spaces' JSON API over HTTP on the whole LRS, on both engines (issue 13): owners register,
 * update and publish availability; space verifiers verify and withdraw; only a verifier's
 * unexpired assertion counts as verified, the owner's claims are shown as claims; hostile input is
 * a clear 400 with nothing stored; every step is a statement of the profile (reject mode here).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import request from 'supertest';
import YAML from 'yaml';
import { XAPI_VERSION_HEADER } from '../../../../test-support/app';
import { TEST_ENGINES } from '../../../../test-support/backends';
import { LISTING, verification, type MarketplaceParty } from '../../../../test-support/marketplace';
import { VERB } from '../vocabulary';
import type { Listing } from './records';
import { listingStatement, spaceStatementId } from './statements';
import { startSpacesLrs, type SpacesHarness } from './harness.contract';

const MADRID = '40.4232,-3.7068';

/** A schema of spaces/openapi.yaml, compiled with the fragment's other schemas (what the API documents). */
function documented(schema: string) {
  const fragment = YAML.parse(fs.readFileSync(path.join(__dirname, 'openapi.yaml'), 'utf8'));
  const ajv = addFormats(new Ajv2020({ strict: false }));
  return ajv.compile({ ...fragment.components.schemas[schema], components: fragment.components });
}
const DAY_MS = 24 * 3600_000;

const searchPage = documented('MarketplaceSearchPage');

describe.each(TEST_ENGINES)('the spaces API on %s', (engine) => {
  let harness: SpacesHarness;
  let owner: MarketplaceParty;
  let verifier: MarketplaceParty;

  beforeAll(async () => {
    harness = await startSpacesLrs(engine);
    owner = await harness.lrs.owner();
    verifier = await harness.lrs.verifier();
  });
  afterAll(() => harness.close());
  afterEach(() => {
    harness.clock.nowMs = undefined;
  });

  const lrs = () => harness.lrs;
  /** A search from the point, as a booker, expecting 200: the ids found. */
  async function found(query: Record<string, string>, near = MADRID): Promise<string[]> {
    const booker = await lrs().booker();
    const response = await lrs().call(booker, 'get', `/spaces?${new URLSearchParams({ near, ...query })}`);
    expect([response.status, response.body.code]).toEqual([200, undefined]);
    expect([searchPage(response.body), searchPage.errors]).toEqual([true, null]);
    return response.body.results.map((result: { space: { id: string } }) => result.space.id);
  }
  /** A space somewhere of its own (so searches near it see only it), registered by `owner`. */
  async function spaceApart(overrides: Record<string, unknown> = {}) {
    const latitude = -60 + Math.random() * 120;
    const longitude = -170 + Math.random() * 340;
    const space = await lrs().registerSpace({ address: { ...LISTING.address, latitude, longitude }, ...overrides }, owner);
    return { ...space, near: `${latitude},${longitude}` };
  }
  async function statement(id: string): Promise<Record<string, any>> {
    const response = await request(lrs().lrs.app).get('/xapi/statements').query({ statementId: id }).set(XAPI_VERSION_HEADER).set('Authorization', lrs().lrs.auth);
    expect(response.status).toBe(200);
    return response.body;
  }
  async function statements(query: Record<string, string>): Promise<Array<Record<string, any>>> {
    const response = await request(lrs().lrs.app).get('/xapi/statements').query(query).set(XAPI_VERSION_HEADER).set('Authorization', lrs().lrs.auth);
    expect(response.status).toBe(200);
    return response.body.statements;
  }
  /** The newest statement's id: what "nothing stored" compares. */
  async function newestStatement(): Promise<string | undefined> {
    return (await statements({ limit: '1', format: 'ids' }))[0]?.id;
  }

  describe('registering (space-registered)', () => {
    it('answers the space with the owner as owner, the claims as claims and nothing verified, recorded by the plugin', async () => {
      const space = await lrs().registerSpace({}, owner);
      expect(space).toMatchObject({
        owner: owner.agent,
        name: LISTING.name,
        capacity: 12,
        hourlyRate: { amountMinor: 1250, currency: 'EUR' },
        claimed: { certifications: ['child-safeguarding', 'fire-safety'], accessibilityFeatures: ['accessible-toilet', 'step-free-access'] },
        verified: null,
        availability: null,
      });
      const read = await lrs().call(owner, 'get', `/spaces/${space.id}`);
      expect(read.body).toEqual(space);
      const asDocumented = documented('MarketplaceSpace');
      expect([asDocumented(space), asDocumented.errors]).toEqual([true, null]);
      const recorded = await statements({ registration: space.id });
      expect(recorded).toHaveLength(1);
      expect(recorded[0]).toMatchObject({ actor: owner.agent, verb: { id: VERB.registered }, authority: { account: { name: 'plugin/marketplace' } }, context: { registration: space.id } });
    });

    it('answers the same space to a retry with the client-chosen id, and 409 SPACE_ID_CONFLICT to another listing under it', async () => {
      const id = randomUUID();
      const first = await lrs().registerSpace({ id }, owner);
      const again = await lrs().registerSpace({ id }, owner);
      expect(again).toEqual(first);
      const other = await lrs().call(owner, 'post', '/spaces', { ...LISTING, id, capacity: 3 });
      expect([other.status, other.body.code]).toEqual([409, 'SPACE_ID_CONFLICT']);
    });

    // Issue 13, hostile input: capacity 0, a rate with a fraction of a cent, a time zone that does not exist.
    it.each([
      ['capacity 0', { capacity: 0 }, 'capacity must be an integer from 1'],
      ['a negative capacity', { capacity: -4 }, 'capacity must be an integer from 1'],
      ['a fractional capacity', { capacity: 2.5 }, 'capacity must be an integer'],
      ['a rate with a fraction of a cent', { hourlyRate: { amountMinor: 1250.5, currency: 'EUR' } }, 'fraction of a cent'],
      ['a negative rate', { hourlyRate: { amountMinor: -1, currency: 'EUR' } }, 'hourlyRate.amountMinor must be an integer from 0'],
      ['a currency that is not ISO 4217', { hourlyRate: { amountMinor: 1250, currency: 'EURO' } }, 'hourlyRate.currency'],
      ['a time zone that does not exist', { timeZone: 'Mars/Olympus_Mons' }, 'timeZone must be an IANA time zone that exists'],
      ['no name', { name: undefined }, 'name must be a JSON object'],
      ['an empty name', { name: {} }, 'name must be a language map'],
      ['a latitude beyond 90', { address: { ...LISTING.address, latitude: 91 } }, 'address.latitude'],
      ['an amenity that is not a slug', { amenities: ['Wi Fi'] }, 'amenities must hold slugs'],
      ['a country that is not ISO 3166', { address: { ...LISTING.address, country: 'Spain' } }, 'address.country'],
      ['an unknown field', { verified: true }, 'Unknown field verified'],
      ['an id that is not a UUID', { id: 'room-2' }, 'id must be a UUID'],
    ])('refuses %s: 400 INVALID_SPACE naming it, nothing stored', async (_, overrides, named) => {
      const before = await newestStatement();
      const response = await lrs().call(owner, 'post', '/spaces', { ...LISTING, ...overrides });
      expect([response.status, response.body.code]).toEqual([400, 'INVALID_SPACE']);
      expect(response.body.message).toContain(named);
      expect(await newestStatement()).toBe(before);
    });

    it('refuses a credential without plugins/marketplace/list (403) and a person sending a form (415)', async () => {
      const booker = await lrs().booker();
      expect((await lrs().call(booker, 'post', '/spaces', LISTING)).status).toBe(403);
      const person = await lrs().person();
      const form = await person.browser!.post('/plugins/marketplace/spaces').type('form').send('capacity=3');
      expect(form.status).toBe(415);
    });
  });

  describe('updating and publishing availability (owner only)', () => {
    it('replaces the listing (space-updated) and publishes the plan (availability-published)', async () => {
      const { id } = await lrs().registerSpace({}, owner);
      const updated = await lrs().call(owner, 'put', `/spaces/${id}`, { ...LISTING, capacity: 20 });
      expect([updated.status, updated.body.capacity]).toEqual([200, 20]);
      const plan = { timeZone: 'Europe/Madrid', weekly: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO', start: '16:00', durationMinutes: 120 }] };
      const published = await lrs().call(owner, 'put', `/spaces/${id}/availability`, plan);
      expect([published.status, published.body.availability]).toEqual([200, expect.objectContaining(plan)]);
    });

    it('answers 403 NOT_YOUR_SPACE to anyone else, 404 SPACE_NOT_FOUND for an unknown space, 400 INVALID_AVAILABILITY for a bad plan', async () => {
      const { id } = await lrs().registerSpace({}, owner);
      const stranger = await lrs().owner('Stranger');
      const update = await lrs().call(stranger, 'put', `/spaces/${id}`, LISTING);
      expect([update.status, update.body.code]).toEqual([403, 'NOT_YOUR_SPACE']);
      const plan = await lrs().call(stranger, 'put', `/spaces/${id}/availability`, { timeZone: 'UTC', weekly: [] });
      expect([plan.status, plan.body.code]).toEqual([403, 'NOT_YOUR_SPACE']);
      const unknown = await lrs().call(owner, 'put', `/spaces/${randomUUID()}`, LISTING);
      expect([unknown.status, unknown.body.code]).toEqual([404, 'SPACE_NOT_FOUND']);
      const bad = await lrs().call(owner, 'put', `/spaces/${id}/availability`, { timeZone: 'Europe/Atlantis', weekly: [] });
      expect([bad.status, bad.body.code]).toEqual([400, 'INVALID_AVAILABILITY']);
    });
  });

  describe("verification: only a space verifier's unexpired assertion counts", () => {
    it("shows the owner's claims as claims: an accessibility or child-safe search does not find the space until a verifier asserts it", async () => {
      const space = await spaceApart();
      expect(await found({ features: 'step-free-access' }, space.near)).toEqual([]);
      expect(await found({ childSafe: 'true' }, space.near)).toEqual([]);
      expect(await found({ certifications: 'fire-safety' }, space.near)).toEqual([]);
      expect(await found({}, space.near)).toEqual([space.id]);

      const verified = await lrs().verifySpace(space.id, verification({ accessibilityFeatures: ['step-free-access'], certifications: [], childSafe: false }), verifier);
      expect(verified.verified).toMatchObject({ accessibilityFeatures: ['step-free-access'], certifications: [], childSafe: false });
      expect(await found({ features: 'step-free-access' }, space.near)).toEqual([space.id]);
      expect(await found({ features: 'step-free-access,accessible-toilet' }, space.near)).toEqual([]); // claimed only
      expect(await found({ childSafe: 'true' }, space.near)).toEqual([]); // claimed child-safeguarding, not asserted child-safe
      expect(await found({ certifications: 'fire-safety' }, space.near)).toEqual([]);
    });

    it('stops counting a verification once it expires: not found, shown as expired, back in the queue', async () => {
      const space = await spaceApart();
      const validUntil = new Date(Date.now() + 40 * DAY_MS).toISOString();
      await lrs().verifySpace(space.id, verification({ validUntil }), verifier);
      expect(await found({ childSafe: 'true', features: 'step-free-access' }, space.near)).toEqual([space.id]);
      harness.clock.nowMs = Date.parse(validUntil);
      expect(await found({ childSafe: 'true' }, space.near)).toEqual([]);
      expect(await found({ features: 'step-free-access' }, space.near)).toEqual([]);
      const read = await lrs().call(owner, 'get', `/spaces/${space.id}`);
      expect(read.body).toMatchObject({ verified: null, verificationExpired: validUntil });
      const queue = await lrs().call(verifier, 'get', '/verification-queue?limit=200');
      expect(queue.body.spaces.map((queued: { id: string }) => queued.id)).toContain(space.id);
    });

    it('withdraws a verification (verification-withdrawn pointing at it): the space counts as unverified at once', async () => {
      const space = await spaceApart();
      const { verified } = await lrs().verifySpace(space.id, verification(), verifier);
      const withdrawn = await lrs().call(verifier, 'delete', `/spaces/${space.id}/verification`, { reason: 'Fire-safety certificate expired.' });
      expect([withdrawn.status, withdrawn.body.verified]).toEqual([200, null]);
      expect(await found({ childSafe: 'true' }, space.near)).toEqual([]);
      const [recorded] = await statements({ registration: space.id, verb: VERB.withdrawn });
      expect(recorded).toMatchObject({ result: { response: 'Fire-safety certificate expired.' }, context: { statement: { id: verified.statementId } } });
      const again = await lrs().call(verifier, 'delete', `/spaces/${space.id}/verification`, { reason: 'again' });
      expect([again.status, again.body.code]).toEqual([409, 'NOT_VERIFIED']);
      const noReason = await lrs().call(verifier, 'delete', `/spaces/${space.id}/verification`, {});
      expect([noReason.status, noReason.body.code]).toEqual([400, 'INVALID_VERIFICATION']);
    });

    it('counts a voided verification nowhere (xAPI Data 2.3.2)', async () => {
      const space = await spaceApart();
      const { verified } = await lrs().verifySpace(space.id, verification(), verifier);
      const voiding = { actor: { mbox: 'mailto:admin@example.org' }, verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: verified.statementId } };
      await lrs().store([voiding], lrs().lrs.auth);
      expect(await found({ childSafe: 'true' }, space.near)).toEqual([]);
      expect((await lrs().call(owner, 'get', `/spaces/${space.id}`)).body.verified).toBeNull();
    });

    it("ignores a client's own space-verified statement sent to /xapi: only what the plugin recorded counts", async () => {
      const space = await spaceApart();
      const { verified } = await lrs().verifySpace(space.id, verification(), verifier);
      const recorded = await statement(verified.statementId);
      const { id: _id, authority: _authority, stored: _stored, version: _version, ...forged } = recorded;
      const other = await spaceApart();
      const forgedForOther = JSON.parse(JSON.stringify(forged).replaceAll(space.id, other.id));
      await lrs().store([{ ...forgedForOther, id: randomUUID() }], lrs().school);
      expect(await found({ childSafe: 'true' }, other.near)).toEqual([]);
    });

    it('lets only space verifiers verify: 403 for an owner credential and a person without the role, 200 for a person with it', async () => {
      const space = await spaceApart();
      expect((await lrs().call(owner, 'post', `/spaces/${space.id}/verification`, verification())).status).toBe(403);
      const person = await lrs().person();
      expect((await lrs().call(person, 'post', `/spaces/${space.id}/verification`, verification())).status).toBe(403);
      const roleHolder = await lrs().signedInVerifier();
      const response = await lrs().call(roleHolder, 'post', `/spaces/${space.id}/verification`, verification());
      expect([response.status, response.body.verified?.childSafe]).toEqual([200, true]);
    });

    it('lets no space verifier verify a space of their own: 403 OWN_SPACE, nothing stored', async () => {
      const ownerVerifier = await lrs().verifier('Owner and verifier');
      const credential = await lrs().lrs.credential(['plugins/marketplace/list', 'plugins/marketplace/verify'], 'owner and verifier');
      const both = { ...ownerVerifier, auth: credential };
      const space = await lrs().registerSpace({}, both);
      const before = await newestStatement();
      const response = await lrs().call(both, 'post', `/spaces/${space.id}/verification`, verification());
      expect([response.status, response.body.code]).toEqual([403, 'OWN_SPACE']);
      expect(await newestStatement()).toBe(before);
    });

    it.each([
      ['validUntil in the past', { validUntil: '2020-01-01T00:00:00Z' }, 'validUntil must lie in the future'],
      ['validUntil without an offset', { validUntil: '2099-01-01T00:00:00' }, 'validUntil must be an RFC 3339 date-time'],
      ['childSafe not a boolean', { childSafe: 'yes' }, 'childSafe must be true or false'],
      ['a feature that is not a slug', { accessibilityFeatures: ['Step free'] }, 'accessibilityFeatures must hold slugs'],
    ])('refuses a verification with %s: 400 INVALID_VERIFICATION, nothing stored', async (_, overrides, named) => {
      const space = await spaceApart();
      const before = await newestStatement();
      const response = await lrs().call(verifier, 'post', `/spaces/${space.id}/verification`, verification(overrides));
      expect([response.status, response.body.code]).toEqual([400, 'INVALID_VERIFICATION']);
      expect(response.body.message).toContain(named);
      expect(await newestStatement()).toBe(before);
    });
  });

  describe('the verification queue', () => {
    it('lists spaces never verified, oldest first, before verified ones expiring within 30 days; not those verified for longer', async () => {
      const fresh = await spaceApart();
      const soon = await spaceApart();
      const later = await spaceApart();
      await lrs().verifySpace(soon.id, verification({ validUntil: new Date(Date.now() + 10 * DAY_MS).toISOString() }), verifier);
      await lrs().verifySpace(later.id, verification({ validUntil: new Date(Date.now() + 90 * DAY_MS).toISOString() }), verifier);
      const ids = (await lrs().call(verifier, 'get', '/verification-queue?limit=200')).body.spaces.map((space: { id: string }) => space.id);
      expect(ids).toContain(fresh.id);
      expect(ids.indexOf(fresh.id)).toBeLessThan(ids.indexOf(soon.id));
      expect(ids).not.toContain(later.id);
      const booker = await lrs().booker();
      expect((await lrs().call(booker, 'get', '/verification-queue')).status).toBe(403);
      expect((await lrs().call(verifier, 'get', '/verification-queue?limit=0')).body.code).toBe('INVALID_PARAMETER');
    });
  });

  // Event delivery cannot start again once stopped: these come last.
  describe('with event delivery stopped', () => {
    it('gives back every space as it was from the statements alone: listings, plans, verifications, withdrawals, voidings', async () => {
      const updated = await lrs().registerSpace({}, owner);
      await lrs().call(owner, 'put', `/spaces/${updated.id}`, { ...LISTING, capacity: 30 }).expect(200);
      await lrs().call(owner, 'put', `/spaces/${updated.id}/availability`, { timeZone: 'Europe/Madrid', weekly: [{ rrule: 'FREQ=WEEKLY;BYDAY=TU', start: '09:00', durationMinutes: 60 }] }).expect(200);
      const reverified = (await spaceApart()).id;
      await lrs().verifySpace(reverified, verification({ childSafe: false }), verifier);
      await lrs().call(verifier, 'delete', `/spaces/${reverified}/verification`, { reason: 'report' }).expect(200);
      await lrs().verifySpace(reverified, verification({ certifications: ['first-aid'] }), verifier);
      const voided = (await spaceApart()).id;
      const { verified } = await lrs().verifySpace(voided, verification(), verifier);
      await lrs().store([{ actor: { mbox: 'mailto:admin@example.org' }, verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: verified.statementId } }], lrs().lrs.auth);
      const ids = [updated.id, reverified, voided];
      const before = await Promise.all(ids.map(async (id) => (await lrs().call(owner, 'get', `/spaces/${id}`)).body));
      expect(before.map((space) => [space.capacity, space.verified?.certifications ?? null])).toEqual([
        [30, null],
        [12, ['first-aid']],
        [12, null],
      ]);
      await lrs().lrs.services.events.stop(); // a rebuild runs with the LRS stopped
      await lrs().lrs.services.events.rebuild('marketplace');
      const after = await Promise.all(ids.map(async (id) => (await lrs().call(owner, 'get', `/spaces/${id}`)).body));
      expect(after).toEqual(before);
    });

    it('answers a retry whose registration an earlier process recorded but never applied (another timestamp): the same space, not a conflict', async () => {
      const id = randomUUID();
      const earlier = listingStatement({ id: spaceStatementId(id, 'registered', 0), actor: owner.agent, publicUrl: 'http://lrs.test', spaceId: id, timestamp: '2026-12-01T10:00:00.000Z' }, LISTING as Listing, 'registered');
      await harness.statements.record([earlier]);
      const retry = await lrs().call(owner, 'post', '/spaces', { ...LISTING, id });
      expect([retry.status, retry.body.id, retry.body.registered]).toEqual([201, id, '2026-12-01T10:00:00.000Z']);
    });
  });
});
