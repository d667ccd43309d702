/**
 * The communities' JSON API over HTTP on the whole LRS, on both engines (issue 14): founding,
 * membership, delegation; every step a statement of the governance profile (reject mode: a
 * statement outside its template fails the request), hostile input a clear 4xx with nothing stored.
 */
import request from 'supertest';
import { TEST_ENGINES } from '../../../../test-support/backends';
import { FOUNDING, newSlug } from '../../../../test-support/governance';
import { CATEGORY, communityIri, VERB } from '../vocabulary';
import { startCommunitiesLrs, type CommunitiesHarness } from './harness.contract';

describe.each(TEST_ENGINES)('the communities API on %s', (engine) => {
  let harness: CommunitiesHarness;

  beforeAll(async () => {
    harness = await startCommunitiesLrs(engine);
  });
  afterAll(() => harness.close());

  const lrs = () => harness.lrs;
  const statements = (query: Record<string, string>) => lrs().statements(query);
  const newestStatement = () => lrs().newestStatement();

  describe('founding (community-founded)', () => {
    it('records community-founded and the founder joined: the founder is the admin and the first member', async () => {
      const founder = await lrs().founder('Pablo');
      const slug = newSlug('matematicas');
      const response = await lrs().call(founder, 'post', '/communities', { slug, ...FOUNDING });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        slug,
        iri: communityIri('http://lrs.test', slug),
        name: FOUNDING.name,
        description: { en: FOUNDING.description.en, es: FOUNDING.description.en },
        admins: [founder.key],
        foundedAt: expect.any(String),
        members: 1,
      });
      const recorded = await statements({ activity: communityIri('http://lrs.test', slug), limit: '2' });
      // One batch, one stored time: found them by verb.
      const founded = recorded.find((statement) => statement.verb.id === VERB.founded);
      const joined = recorded.find((statement) => statement.verb.id === VERB.joined);
      expect(founded).toMatchObject({ verb: { id: VERB.founded }, actor: founder.agent, object: { definition: { name: FOUNDING.name } }, context: { contextActivities: { category: [CATEGORY] } } });
      expect(founded!.context.registration).toBeUndefined();
      expect(joined).toMatchObject({ verb: { id: VERB.joined }, actor: founder.agent, context: { registration: expect.any(String) } });
      const read = await lrs().call(founder, 'get', `/communities/${slug}`);
      expect([read.status, read.body.members]).toEqual([200, 1]);
    });

    it('a signed-in person founds with the role community-admin; without it, 403 and nothing stored', async () => {
      const person = await lrs().signedInMember();
      const before = await newestStatement();
      const refused = await lrs().call(person, 'post', '/communities', { slug: newSlug(), ...FOUNDING });
      expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);
      expect(await newestStatement()).toBe(before);
      const admin = await lrs().signedInFounder();
      const founded = await lrs().call(admin, 'post', '/communities', { slug: newSlug(), ...FOUNDING });
      expect([founded.status, founded.body.admins]).toEqual([201, [admin.key]]);
    });

    it('a credential with only participate may not found (403)', async () => {
      const member = await lrs().member();
      const refused = await lrs().call(member, 'post', '/communities', { slug: newSlug(), ...FOUNDING });
      expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);
    });

    it('409 COMMUNITY_EXISTS on a taken slug, whoever asks; the first founder stays the admin', async () => {
      const community = await lrs().foundCommunity();
      const other = await lrs().founder();
      const before = await newestStatement();
      const refused = await lrs().call(other, 'post', '/communities', { slug: community.slug, ...FOUNDING });
      expect([refused.status, refused.body.code]).toEqual([409, 'COMMUNITY_EXISTS']);
      expect(await newestStatement()).toBe(before);
      const again = await lrs().call(lrs().founderOf(community.slug), 'post', '/communities', { slug: community.slug, ...FOUNDING });
      expect([again.status, again.body.code]).toEqual([409, 'COMMUNITY_EXISTS']);
      expect((await lrs().call(other, 'get', `/communities/${community.slug}`)).body.admins).toEqual([lrs().founderOf(community.slug).key]);
    });

    it.each([
      [{ slug: 'ab', ...FOUNDING }, 'slug must be 3 to 64'],
      [{ slug: 'Upper-Case', ...FOUNDING }, 'slug must be 3 to 64'],
      [{ slug: '-leading', ...FOUNDING }, 'slug must be 3 to 64'],
      [{ slug: 'a'.repeat(65), ...FOUNDING }, 'slug must be 3 to 64'],
      [{ slug: 'with/slash', ...FOUNDING }, 'slug must be 3 to 64'],
      [{ slug: 42, ...FOUNDING }, 'slug must be 3 to 64'],
      [{ slug: newSlug(), name: {} }, 'name needs an English or Spanish text'],
      [{ slug: newSlug(), name: { fr: 'Maths' } }, 'the languages are en and es'],
      [{ slug: newSlug(), name: { en: '' } }, 'name.en must be a non-empty text'],
      [{ slug: newSlug(), name: { en: 'x'.repeat(201) } }, 'name.en must be a non-empty text of at most 200'],
      [{ slug: newSlug(), name: 'Maths' }, 'name must be a JSON object'],
      [{ slug: newSlug(), ...FOUNDING, description: { en: 7 } }, 'description.en must be a non-empty text'],
      [{ slug: newSlug(), ...FOUNDING, admins: ['x'] }, 'Unknown field admins'],
    ])('400 INVALID_COMMUNITY for %j, nothing stored', async (body, message) => {
      const founder = await lrs().founder();
      const before = await newestStatement();
      const refused = await lrs().call(founder, 'post', '/communities', body);
      expect([refused.status, refused.body.code]).toEqual([400, 'INVALID_COMMUNITY']);
      expect(refused.body.message).toContain(message);
      expect(await newestStatement()).toBe(before);
    });

    it('400 for a body that is not JSON of an object, 415 for a signed-in form post', async () => {
      const founder = await lrs().founder();
      const array = await request(lrs().lrs.app).post('/plugins/governance/communities').set('Authorization', founder.auth!).send([1, 2]);
      expect(array.status).toBe(400);
      const admin = await lrs().signedInFounder();
      const form = await admin.browser!.post('/plugins/governance/communities').type('form').send({ slug: newSlug() });
      expect([form.status, form.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    });
  });

  describe('membership (member-joined, member-left)', () => {
    let slug: string;
    beforeAll(async () => {
      slug = (await lrs().foundCommunity()).slug;
    });

    it('joins with a new registration per membership, leaves in the same registration, rejoins with another', async () => {
      const member = await lrs().member('Ana');
      const joined = await lrs().join(slug, member);
      expect(joined).toEqual({ community: slug, member: member.key, agent: member.agent, registration: expect.any(String), joinedAt: expect.any(String), joinedPosition: expect.any(Number) });
      const left = await lrs().call(member, 'delete', `/communities/${slug}/membership`);
      expect([left.status, left.body.registration, left.body.leftAt]).toEqual([200, joined.registration, expect.any(String)]);
      const rejoined = await lrs().join(slug, member);
      expect(rejoined.registration).not.toBe(joined.registration);
      const [join2, leave, join1] = await statements({ agent: JSON.stringify(member.agent), limit: '3' });
      expect([join1!.verb.id, leave!.verb.id, join2!.verb.id]).toEqual([VERB.joined, VERB.left, VERB.joined]);
      expect([join1!.context.registration, leave!.context.registration, join2!.context.registration]).toEqual([joined.registration, joined.registration, rejoined.registration]);
    });

    it('409 ALREADY_MEMBER joining twice, 409 NOT_A_MEMBER leaving without being one; nothing stored', async () => {
      const member = await lrs().member();
      await lrs().join(slug, member);
      const before = await newestStatement();
      const twice = await lrs().call(member, 'put', `/communities/${slug}/membership`);
      expect([twice.status, twice.body.code]).toEqual([409, 'ALREADY_MEMBER']);
      const stranger = await lrs().member();
      const leaving = await lrs().call(stranger, 'delete', `/communities/${slug}/membership`);
      expect([leaving.status, leaving.body.code]).toEqual([409, 'NOT_A_MEMBER']);
      expect(await newestStatement()).toBe(before);
    });

    it('404 COMMUNITY_NOT_FOUND for an unknown community, 400 INVALID_SLUG for a malformed one', async () => {
      const member = await lrs().member();
      const unknown = await lrs().call(member, 'put', `/communities/${newSlug('nowhere')}/membership`);
      expect([unknown.status, unknown.body.code]).toEqual([404, 'COMMUNITY_NOT_FOUND']);
      const malformed = await lrs().call(member, 'put', '/communities/A%20B/membership');
      expect([malformed.status, malformed.body.code]).toEqual([400, 'INVALID_SLUG']);
    });

    it('lists the current members, in the order they joined, to members only (403 NOT_A_MEMBER otherwise), page by page', async () => {
      const community = await lrs().foundCommunity();
      const founder = lrs().founderOf(community.slug);
      const [first, second, third] = await lrs().members(community.slug, 3);
      await lrs().call(second!, 'delete', `/communities/${community.slug}/membership`).expect(200);
      const page1 = await lrs().call(first!, 'get', `/communities/${community.slug}/members?limit=2`);
      expect([page1.status, page1.body.members.map((m: { member: string }) => m.member)]).toEqual([200, [founder.key, first!.key]]);
      const page2 = await lrs().call(first!, 'get', `/communities/${community.slug}/members?limit=2&after=${encodeURIComponent(page1.body.next)}`);
      expect([page2.body.members.map((m: { member: string }) => m.member), page2.body.next]).toEqual([[third!.key], undefined]);
      const outsider = await lrs().call(second!, 'get', `/communities/${community.slug}/members`);
      expect([outsider.status, outsider.body.code]).toEqual([403, 'NOT_A_MEMBER']);
      expect((await lrs().call(first!, 'get', `/communities/${community.slug}`)).body.members).toBe(3);
    });

    it('a signed-in person joins and leaves as themself', async () => {
      const person = await lrs().signedInMember();
      const joined = await lrs().call(person, 'put', `/communities/${slug}/membership`);
      expect([joined.status, joined.body.member]).toEqual([200, person.key]);
      const left = await lrs().call(person, 'delete', `/communities/${slug}/membership`);
      expect([left.status, left.body.leftAt]).toEqual([200, expect.any(String)]);
    });
  });
});
