import request from 'supertest';
import { XAPI_VERSION_HEADER } from '../../../../test-support/app';
import { account, activity, ids, items, mbox, PassportTestLrs, statement } from '../../../../test-support/passport';
import { createShare, pathOf, postShare, shareJson, sharePage, sharedStatementIds, SHARES, sharesCollection } from '../../../../test-support/passport-shares';
import { verifyShare } from '../credentials';
import { SOMEONE_ELSE } from './redaction';

/** Shares over HTTP on the whole LRS: POST/GET/DELETE /plugins/passport/api/shares and the public share URL. */
const PRIVACY = '/plugins/passport/api/privacy';
const BADGE = 'http://activitystrea.ms/schema/1.0/badge';
const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';
const DAY_MS = 24 * 3600 * 1000;

let passport: PassportTestLrs;

beforeAll(async () => {
  passport = await PassportTestLrs.start();
});
afterAll(() => passport.close());

const inDays = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString();

function hide(browser: request.Agent, hiddenItems: string[]) {
  return browser
    .put(PRIVACY)
    .set('Content-Type', 'application/json')
    .send(JSON.stringify({ hiddenItems, hiddenCategories: { kinds: [], activities: [], institutions: [] } }))
    .expect(200);
}

/** What a verifier fetches (the DID document, the status list), from the LRS under test. */
const fetchJson = async (url: string) => (await request(passport.lrs.app).get(new URL(url).pathname).expect(200)).body as unknown;

async function presentationOf(url: string): Promise<object> {
  const response = await shareJson(passport, url).expect(200);
  expect(response.headers['cache-control']).toBe('no-store');
  return response.body as object;
}

describe('making, listing and revoking shares', () => {
  it('makes a share of everything visible (201 with its URL), lists it, serves it, and revokes it (410 after)', async () => {
    const { browser, identity } = await passport.signedIn();
    // Extensions: IRIs as keys (with dots), which no collection document may hold as keys.
    const extensions = { 'https://school.example/extensions/attempt.number': 2 };
    const [first, second] = await passport.store([statement(identity, { context: { extensions } }), statement(identity, { object: activity('Vectors quiz') })]);
    const expiresAt = inDays(10);

    const created = await createShare(browser, { items: 'all', expiresAt });
    expect(created).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), url: expect.stringMatching(/^http:\/\/lrs\.test\/plugins\/passport\/s\/[A-Za-z0-9_-]{43}$/), expiresAt });
    expect((await browser.get(SHARES).set('Accept', 'application/json').expect(200)).body).toEqual({
      shares: [{ id: created.id, scope: 'all', itemCount: 2, createdAt: expect.any(String), expiresAt, state: 'active' }],
    });
    expect(new Set(sharedStatementIds(await presentationOf(created.url)))).toEqual(new Set([first, second]));

    const page = await sharePage(passport, created.url).expect(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['x-robots-tag']).toBe('noindex');
    expect(page.text).toContain('Vectors quiz');
    expect(page.text).toContain('Checking the signature needs JavaScript');
    expect(page.text).not.toMatch(/>Valid/);

    const revoked = await browser.delete(`${SHARES}/${created.id}`).set('Accept', 'application/json').expect(200);
    expect(revoked.body).toEqual(expect.objectContaining({ id: created.id, state: 'revoked', revokedAt: expect.any(String) }));
    expect((await shareJson(passport, created.url).expect(410)).body).toEqual({ code: 'SHARE_REVOKED', message: expect.any(String) });
    const gone = await sharePage(passport, created.url, 'es').expect(410);
    expect(gone.text).toContain('Este enlace fue revocado.');
    expect(gone.headers['cache-control']).toBe('no-store');
    // Revoking again changes nothing.
    expect((await browser.delete(`${SHARES}/${created.id}`).expect(200)).body.revokedAt).toBe(revoked.body.revokedAt);
  });

  it('defaults the expiry to 30 days, and shares a selection in the order of the timeline', async () => {
    const { browser, identity } = await passport.signedIn();
    const [first, second] = await passport.store([statement(identity), statement(identity)]);
    const created = await createShare(browser, { items: [first!.toUpperCase(), second] });
    expect(Date.parse(created.expiresAt) - Date.now()).toBeGreaterThan(30 * DAY_MS - 60_000);
    expect(Date.parse(created.expiresAt) - Date.now()).toBeLessThanOrEqual(30 * DAY_MS);
    expect(sharedStatementIds(await presentationOf(created.url))).toEqual(ids(await items(browser)));
    expect((await browser.get(SHARES).expect(200)).body.shares[0]).toEqual(expect.objectContaining({ scope: 'selection', itemCount: 2 }));
  });

  it('shares one achievement as an achievement, shown as its card (OpenGraph)', async () => {
    const { browser, identity } = await passport.signedIn();
    const [badge] = await passport.store([statement(identity, { object: activity('Linear algebra badge', BADGE, 'Solved 50 systems of equations') })]);
    const created = await createShare(browser, { items: [badge] });
    expect((await browser.get(SHARES).expect(200)).body.shares[0].scope).toBe('achievement');
    const page = await sharePage(passport, created.url).expect(200);
    expect(page.text).toContain('<h1>Linear algebra badge</h1>');
    expect(page.text).toContain('Solved 50 systems of equations');
  });

  it('records sharing and revoking as statements of the passport profile, without the token', async () => {
    const { browser, identity } = await passport.signedIn();
    const [item] = await passport.store([statement(identity)]);
    const created = await createShare(browser, { items: [item] });
    await browser.delete(`${SHARES}/${created.id}`).expect(200);
    const agent = encodeURIComponent(JSON.stringify(identity));
    const found = await request(passport.lrs.app).get(`/xapi/statements?agent=${agent}&registration=${created.id}`).set(XAPI_VERSION_HEADER).set('Authorization', passport.lrs.auth).expect(200);
    const [revoked, shared] = found.body.statements;
    expect(shared.verb.id).toBe('http://adlnet.gov/expapi/verbs/shared');
    expect(shared.context.extensions['https://w3id.org/keiko/profiles/passport/extensions/share']).toEqual({
      id: created.id,
      expiresAt: created.expiresAt,
      scope: 'selection',
      items: [item],
      itemCount: 1,
    });
    expect(revoked.verb.id).toBe('http://activitystrea.ms/schema/1.0/unshare');
    expect(revoked.context.statement).toEqual({ objectType: 'StatementRef', id: shared.id });
    const token = pathOf(created.url).split('/').at(-1)!;
    expect(JSON.stringify(found.body)).not.toContain(token);
    // The passport's own records are never shared.
    await postShare(browser, { items: [shared.id] }).expect(400);
  });

  it('serves an expired share as gone (410 SHARE_EXPIRED)', async () => {
    const { browser, identity } = await passport.signedIn();
    await passport.store([statement(identity)]);
    const created = await createShare(browser, { items: 'all', expiresAt: inDays(1) });
    const shares = await sharesCollection(passport);
    const stored = (await shares.get(created.id))!;
    await shares.put(created.id, { ...stored.value, expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect((await shareJson(passport, created.url).expect(410)).body.code).toBe('SHARE_EXPIRED');
    expect((await sharePage(passport, created.url).expect(410)).text).toContain('no longer available');
    expect((await browser.get(SHARES).expect(200)).body.shares[0].state).toBe('expired');
  });
});

describe('what a stranger can check', () => {
  it('the presentation verifies (challenge: the share id) with the items shared, and says revoked once the share is revoked', async () => {
    const { browser, identity } = await passport.signedIn();
    const [item] = await passport.store([statement(identity, { object: activity('Linear algebra badge', BADGE) })]);
    const created = await createShare(browser, { items: [item] });
    const presentation = await presentationOf(created.url);
    const verified = await verifyShare(presentation, { publicUrl: 'http://lrs.test', fetchJson, challenge: created.id });
    expect(verified).toEqual(expect.objectContaining({ result: 'valid', reasons: [], expiresAt: created.expiresAt }));
    expect(verified.items).toEqual([expect.objectContaining({ statement: expect.objectContaining({ id: item }), kind: 'achievement' })]);
    expect(verified.achievements).toHaveLength(1);

    await browser.delete(`${SHARES}/${created.id}`).expect(200);
    expect((await verifyShare(presentation, { publicUrl: 'http://lrs.test', fetchJson })).result).toBe('revoked');
  });
});

describe('what a share never shows', () => {
  it('another person\'s statements, a hidden item or a voided statement (400 naming it); "all" leaves them out', async () => {
    const ana = await passport.signedIn();
    const ben = await passport.signedIn();
    const [anas, hidden, voided] = await passport.store([statement(ana.identity), statement(ana.identity), statement(ana.identity)]);
    const [bens] = await passport.store([statement(ben.identity)]);
    await passport.store([statement(ana.identity, { verb: { id: VOIDED }, object: { objectType: 'StatementRef', id: voided } })]);
    await hide(ana.browser, [hidden!]);
    for (const id of [bens!, hidden!, voided!, '00000000-0000-4000-8000-000000000000']) {
      const response = await postShare(ana.browser, { items: [anas, id] }).expect(400);
      expect(response.body).toEqual({ code: 'SHARE_ITEM_UNAVAILABLE', message: expect.stringContaining(id) });
    }
    const all = await createShare(ana.browser, { items: 'all' });
    expect(sharedStatementIds(await presentationOf(all.url))).toEqual([anas]);
  });

  it('anyone else named in a shared statement: Group members, instructors, a Group object, a team (replaced by "someone else")', async () => {
    const ana = await passport.signedIn();
    const ben = mbox();
    const tutor = account();
    const team = { objectType: 'Group', name: 'Team Rocket', mbox: 'mailto:rocket@school.example', member: [ana.identity, ben] };
    const [asMember, asInstructor, asObject] = await passport.store([
      statement(team, { context: { instructor: tutor, team: { objectType: 'Group', member: [ben] } } }),
      statement(ben, { context: { instructor: ana.identity } }),
      statement(tutor, { verb: { id: 'http://adlnet.gov/expapi/verbs/mentored' }, object: { objectType: 'Group', member: [ana.identity, ben] } }),
    ]);
    const created = await createShare(ana.browser, { items: 'all' });
    const presentation = await presentationOf(created.url);
    expect(new Set(sharedStatementIds(presentation))).toEqual(new Set([asMember, asInstructor, asObject]));
    const text = JSON.stringify(presentation);
    for (const secret of [ben.mbox, tutor.account.name, 'Team Rocket', 'rocket@school.example']) expect(text).not.toContain(secret);
    expect(text).toContain(ana.identity.account.name);
    expect(text).toContain(SOMEONE_ELSE.account!.name);
    const page = await sharePage(passport, created.url).expect(200);
    for (const secret of [ben.mbox, tutor.account.name, 'Team Rocket']) expect(page.text).not.toContain(secret);
  });

  it('someone else\'s statement referring to theirs, nor a SubStatement about them', async () => {
    const ana = await passport.signedIn();
    const tutor = account();
    const [own] = await passport.store([statement(ana.identity)]);
    const [comment, planned] = await passport.store([
      statement(tutor, { verb: { id: 'http://adlnet.gov/expapi/verbs/commented' }, object: { objectType: 'StatementRef', id: own } }),
      statement(tutor, { object: { objectType: 'SubStatement', actor: ana.identity, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' }, object: activity('Homework') } }),
    ]);
    expect(sharedStatementIds(await presentationOf((await createShare(ana.browser, { items: 'all' })).url))).toEqual([own]);
    for (const id of [comment!, planned!]) await postShare(ana.browser, { items: [id] }).expect(400);
  });

  it('the statements of an identity linked later are shareable; after unlinking, the share drops them', async () => {
    const ana = await passport.signedIn();
    const other = mbox();
    const [linked] = await passport.store([statement(other)]);
    await postShare(ana.browser, { items: [linked] }).expect(400);
    await passport.link(ana.personId, other);
    const [own] = await passport.store([statement(ana.identity)]);
    const created = await createShare(ana.browser, { items: 'all' });
    expect(sharedStatementIds(await presentationOf(created.url))).toEqual([own, linked]);
    await request(passport.lrs.app)
      .delete(`/people/${ana.personId}/identities?agent=${encodeURIComponent(JSON.stringify(other))}`)
      .set('Authorization', passport.admin)
      .expect(204);
    expect(sharedStatementIds(await presentationOf(created.url))).toEqual([own]);
  });

  it('an item hidden or voided after sharing: the presentation is signed again without it', async () => {
    const ana = await passport.signedIn();
    const [kept, hiddenLater, voidedLater] = await passport.store([statement(ana.identity), statement(ana.identity), statement(ana.identity)]);
    const created = await createShare(ana.browser, { items: [kept, hiddenLater, voidedLater] });
    expect(sharedStatementIds(await presentationOf(created.url))).toHaveLength(3);
    await hide(ana.browser, [hiddenLater!]);
    await passport.store([statement(ana.identity, { verb: { id: VOIDED }, object: { objectType: 'StatementRef', id: voidedLater } })]);
    const again = await presentationOf(created.url);
    expect(sharedStatementIds(again)).toEqual([kept]);
    expect((await verifyShare(again, { publicUrl: 'http://lrs.test', fetchJson, challenge: created.id })).result).toBe('valid');
    expect((await sharePage(passport, created.url).expect(200)).text).not.toContain(hiddenLater);
    await hide(ana.browser, [kept!]);
    expect((await shareJson(passport, created.url).expect(410)).body.code).toBe('SHARE_EMPTY');
  });
});

describe('requests it refuses', () => {
  it('400 INVALID_SHARE for a malformed body, ids or expiry, and SHARE_TOO_LARGE, NOTHING_TO_SHARE', async () => {
    const { browser } = await passport.signedIn();
    const uuid = '00000000-0000-4000-8000-000000000000';
    const cases: Array<[unknown, string, string]> = [
      [[], 'INVALID_SHARE', 'object'],
      [{ items: 'all', extra: 1 }, 'INVALID_SHARE', 'unknown property "extra"'],
      [{}, 'INVALID_SHARE', 'items must be'],
      [{ items: [] }, 'INVALID_SHARE', 'at least one'],
      [{ items: ['nope'] }, 'INVALID_SHARE', 'items[0]'],
      [{ items: [7] }, 'INVALID_SHARE', 'items[0]'],
      [{ items: Array.from({ length: 2001 }, () => uuid) }, 'SHARE_TOO_LARGE', '2000'],
      [{ items: 'all', expiresAt: 'tomorrow' }, 'INVALID_SHARE', 'RFC 3339'],
      [{ items: 'all', expiresAt: '2027-01-01T00:00:00' }, 'INVALID_SHARE', 'RFC 3339'],
      [{ items: 'all', expiresAt: inDays(-1) }, 'INVALID_SHARE', 'future'],
      [{ items: 'all', expiresAt: inDays(366) }, 'INVALID_SHARE', '365 days'],
      [{ items: 'all' }, 'NOTHING_TO_SHARE', 'nothing to share'],
    ];
    for (const [body, code, message] of cases) {
      const response = await postShare(browser, body);
      expect({ status: response.status, body: response.body }).toEqual({ status: 400, body: { code, message: expect.stringContaining(message) } });
    }
    expect((await browser.get(SHARES).expect(200)).body.shares).toEqual([]);
  });

  it('415 for a body that is not application/json (a cross-site form cannot send one)', async () => {
    const { browser } = await passport.signedIn();
    for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
      const response = await browser.post(SHARES).set('Content-Type', type).send('items=all');
      expect({ status: response.status, code: response.body.code }).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    }
  });

  it('401 without a session; 404 for someone else\'s share or an unknown one; 400 for an id that is no UUID', async () => {
    const ana = await passport.signedIn();
    const ben = await passport.signedIn();
    const [item] = await passport.store([statement(ana.identity)]);
    const created = await createShare(ana.browser, { items: [item] });
    const app = request(passport.lrs.app);
    await app.post(SHARES).set('Content-Type', 'application/json').send('{"items":"all"}').expect(401);
    await app.get(SHARES).set('Accept', 'application/json').expect(401);
    await app.delete(`${SHARES}/${created.id}`).set('Accept', 'application/json').expect(401);
    expect((await ben.browser.delete(`${SHARES}/${created.id}`).expect(404)).body.code).toBe('SHARE_NOT_FOUND');
    await ben.browser.delete(`${SHARES}/00000000-0000-4000-8000-000000000000`).expect(404);
    await ben.browser.delete(`${SHARES}/nope`).expect(400);
    await presentationOf(created.url);
  });

  it('404 for a token that opens no share, as JSON and as a page', async () => {
    expect((await shareJson(passport, 'http://lrs.test/plugins/passport/s/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').expect(404)).body.code).toBe('SHARE_NOT_FOUND');
    await sharePage(passport, 'http://lrs.test/plugins/passport/s/nothing-here').expect(404);
  });
});
