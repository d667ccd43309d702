import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import request from 'supertest';
import { requireRole } from '../src/people';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../test-support/app';
import { signInAtProvider, startTestOidcProvider, type TestOidcProvider } from '../test-support/oidc/test-provider';
import { createPeopleTestApp, csrfFieldOf, setCookie, type PeopleTestApp } from '../test-support/people';
import { sampleStatement } from '../test-support/statements';

const SCHOOL = 'https://school.example';
const OTHER_SCHOOL = 'https://other-school.example';
const REDIRECT_URI = 'http://lrs.test/sign-in/callback';
const oidcClient = { client_id: 'keiko', client_secret: 'a-test-client-secret', redirect_uris: [REDIRECT_URI] };

let lrs: TestLrs;
let harness: PeopleTestApp;
let provider: TestOidcProvider;
let clock = new Date('2026-03-01T10:00:00Z');
let schoolLinks: string;
let schoolLoginLinks: string;
let adminAuth: string | undefined;

beforeAll(async () => {
  lrs = await createTestLrs();
  provider = await startTestOidcProvider(oidcClient, {
    ana: { email: 'ana@example.org', email_verified: true, name: 'Ana Pérez' },
    unverified: { email: 'claimed@example.org', email_verified: false, name: 'Claimer' },
  });
  harness = await createPeopleTestApp(lrs, {
    now: () => clock,
    oidc: { issuer: provider.issuer, clientId: oidcClient.client_id, clientSecret: oidcClient.client_secret },
    extraRoutes: Router().get('/tutors-only', requireRole('tutor'), (_req, res) => {
      res.send('tutor page');
    }),
  });
  adminAuth = await lrs.credential(['admin']);
  schoolLinks = await institutionCredential(['people/links']);
  schoolLoginLinks = await institutionCredential(['people/login-links']);
});
afterAll(async () => {
  await provider.stop();
  await lrs.close();
});

/** A credential whose institution owns SCHOOL's accounts. */
async function institutionCredential(scopes: Parameters<TestLrs['credential']>[0]): Promise<string> {
  const auth = await lrs.credential(scopes, 'school');
  const key = Buffer.from(auth.split(' ')[1]!, 'base64').toString().split(':')[0]!;
  await api().put(`/people/institutions/${key}`).send({ homePages: [SCHOOL] }).expect(200);
  return auth;
}

/** Requests as the administrator (the test LRS's `all` credential is not one), or with `auth`. */
function api(auth?: string) {
  const agent = request(harness.app);
  const withAuth = (test: request.Test) => test.set('Authorization', auth ?? adminAuth!);
  return {
    get: (path: string) => withAuth(agent.get(path)),
    post: (path: string) => withAuth(agent.post(path)),
    put: (path: string) => withAuth(agent.put(path)),
    delete: (path: string) => withAuth(agent.delete(path)),
  };
}

const account = (homePage = SCHOOL, name = randomUUID()) => ({ account: { homePage, name } });
const mbox = () => ({ mbox: `mailto:${randomUUID()}@example.org` });
const q = (params: Record<string, string>) => `?${new URLSearchParams(params).toString()}`;

async function createPerson(name: string, identities: object[]) {
  return (await api().post('/people').send({ name, identities }).expect(201)).body as { id: string; identities: object[] };
}

describe('People: identity links (admin routes)', () => {
  it('creates a person with identities and shows them as Agents', async () => {
    const [email, school] = [mbox(), account()];
    const person = await createPerson('Ana', [email, school]);
    expect(person).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Ana',
      identities: [{ objectType: 'Agent', ...school }, { objectType: 'Agent', ...email }],
      roles: [],
      createdAt: expect.any(String),
    });
    expect((await api().get(`/people/${person.id}`).expect(200)).body).toEqual(person);
    expect((await api().get(`/people${q({ agent: JSON.stringify(school) })}`).expect(200)).body.people).toEqual([person]);
  });

  it('refuses an identity already linked to another person: 409 IDENTITY_TAKEN, nothing changed', async () => {
    const shared = mbox();
    const ana = await createPerson('Ana', [shared]);
    const bea = await createPerson('Bea', [account()]);
    const response = await api().post(`/people/${bea.id}/identities`).send({ agent: shared }).expect(409);
    expect(response.body.code).toBe('IDENTITY_TAKEN');
    expect((await api().post('/people').send({ name: 'Eve', identities: [mbox(), shared] }).expect(409)).body.code).toBe('IDENTITY_TAKEN');
    expect((await api().get(`/people${q({ agent: JSON.stringify(shared) })}`).expect(200)).body.people.map((p: { id: string }) => p.id)).toEqual([ana.id]);
    expect((await api().get(`/people/${bea.id}`).expect(200)).body.identities).toHaveLength(1);
  });

  it('links (201), re-links idempotently (200) and unlinks (204, then 404 IDENTITY_NOT_LINKED)', async () => {
    const person = await createPerson('Cai', []);
    const identity = account();
    await api().post(`/people/${person.id}/identities`).send({ agent: identity }).expect(201);
    await api().post(`/people/${person.id}/identities`).send({ agent: { ...identity, name: 'Cai' } }).expect(200);
    await api().delete(`/people/${person.id}/identities${q({ agent: JSON.stringify(identity) })}`).expect(204);
    const again = await api().delete(`/people/${person.id}/identities${q({ agent: JSON.stringify(identity) })}`).expect(404);
    expect(again.body.code).toBe('IDENTITY_NOT_LINKED');
  });

  it.each([
    ['a Group', { objectType: 'Group', mbox: 'mailto:g@example.org' }],
    ['an agent with two identifiers', { mbox: 'mailto:a@example.org', openid: 'http://example.org/a' }],
    ['an agent without identifier', { name: 'nobody' }],
    ['a string', 'mailto:a@example.org'],
    ['an mbox that is not mailto:', { mbox: 'a@example.org' }],
  ])('refuses %s with 400 INVALID_AGENT', async (_name, agent) => {
    const person = await createPerson('Dan', []);
    const response = await api().post(`/people/${person.id}/identities`).send({ agent }).expect(400);
    expect(response.body.code).toBe('INVALID_AGENT');
    expect((await api().get(`/people/${person.id}`).expect(200)).body.identities).toEqual([]);
  });

  it('answers 404 PERSON_NOT_FOUND for an unknown person id, NO_SUCH_RESOURCE for what is no person id', async () => {
    expect((await api().get(`/people/${randomUUID()}`).expect(404)).body.code).toBe('PERSON_NOT_FOUND');
    expect((await api().get('/people/not-a-uuid').expect(404)).body.code).toBe('NO_SUCH_RESOURCE');
    expect((await api().get('/people/login-links').expect(404)).body.code).toBe('NO_SUCH_RESOURCE');
    expect((await api().get(`/people${q({ after: 'not-a-uuid' })}`).expect(404)).body.code).toBe('PERSON_NOT_FOUND');
  });

  it('needs the admin scope: 401 without a credential, 403 with another scope', async () => {
    await request(harness.app).post('/people').send({ name: 'X' }).expect(401);
    const response = await api(await lrs.credential(['all'], 'xAPI only')).post('/people').send({ name: 'X' }).expect(403);
    expect(response.body.code).toBe('FORBIDDEN');
    await api(schoolLinks).get('/people').expect(403);
  });
});

describe('People: roles (admin routes)', () => {
  it('grants and revokes roles; an unknown role is 400 UNKNOWN_ROLE', async () => {
    const person = await createPerson('Eli', []);
    await api().put(`/people/${person.id}/roles/tutor`).expect(204);
    await api().put(`/people/${person.id}/roles/space-verifier`).expect(204);
    expect((await api().get(`/people/${person.id}`).expect(200)).body.roles).toEqual(['tutor', 'space-verifier']);
    await api().delete(`/people/${person.id}/roles/tutor`).expect(204);
    expect((await api().get(`/people/${person.id}`).expect(200)).body.roles).toEqual(['space-verifier']);
    expect((await api().put(`/people/${person.id}/roles/emperor`).expect(400)).body.code).toBe('UNKNOWN_ROLE');
    expect((await api().put(`/people/${randomUUID()}/roles/tutor`).expect(404)).body.code).toBe('PERSON_NOT_FOUND');
  });
});

describe('People: institutions link their own accounts (scope people/links)', () => {
  it('creates a person for its own account (201), then finds it (200)', async () => {
    const identity = account();
    const created = (await api(schoolLinks).post('/people/links').send({ agent: identity }).expect(201)).body;
    expect(created).toEqual({ person: expect.any(String) });
    expect((await api(schoolLinks).post('/people/links').send({ agent: identity }).expect(200)).body).toEqual(created);
  });

  it('links two of its own accounts to one person (sameAs)', async () => {
    const [first, second] = [account(), account()];
    const { person } = (await api(schoolLinks).post('/people/links').send({ agent: first }).expect(201)).body;
    expect((await api(schoolLinks).post('/people/links').send({ agent: second, sameAs: first }).expect(201)).body).toEqual({ person });
    expect((await api().get(`/people/${person}`).expect(200)).body.identities).toHaveLength(2);
  });

  it.each([
    ['an account of another homePage', account(OTHER_SCHOOL)],
    ['an mbox', { mbox: 'mailto:learner@school.example' }],
    ['an openid', { openid: 'https://school.example/learner' }],
  ])('refuses to link %s: 403 FOREIGN_ACCOUNT', async (_name, agent) => {
    expect((await api(schoolLinks).post('/people/links').send({ agent }).expect(403)).body.code).toBe('FOREIGN_ACCOUNT');
    expect((await api().get(`/people${q({ agent: JSON.stringify(agent) })}`).expect(200)).body.people).toEqual([]);
  });

  it('never attaches its account to a person of another identity (sameAs must be its own account)', async () => {
    const victim = mbox();
    await createPerson('Victim', [victim]);
    const response = await api(schoolLinks).post('/people/links').send({ agent: account(), sameAs: victim }).expect(403);
    expect(response.body.code).toBe('FOREIGN_ACCOUNT');
  });

  it('cannot take an account already linked to another person: 409 IDENTITY_TAKEN', async () => {
    const [mine, theirs] = [account(), account()];
    await api(schoolLinks).post('/people/links').send({ agent: mine }).expect(201);
    await api(schoolLinks).post('/people/links').send({ agent: theirs }).expect(201);
    expect((await api(schoolLinks).post('/people/links').send({ agent: mine, sameAs: theirs }).expect(409)).body.code).toBe('IDENTITY_TAKEN');
  });

  it('unlinks its own account only', async () => {
    const identity = account();
    await api(schoolLinks).post('/people/links').send({ agent: identity }).expect(201);
    await api(schoolLinks).delete(`/people/links${q({ agent: JSON.stringify(identity) })}`).expect(204);
    expect((await api(schoolLinks).delete(`/people/links${q({ agent: JSON.stringify(identity) })}`).expect(404)).body.code).toBe('IDENTITY_NOT_LINKED');
    const foreign = account(OTHER_SCHOOL);
    await createPerson('Foreign', [foreign]);
    expect((await api(schoolLinks).delete(`/people/links${q({ agent: JSON.stringify(foreign) })}`).expect(403)).body.code).toBe('FOREIGN_ACCOUNT');
  });

  it('needs homePages recorded for the credential: 403 NOT_AN_INSTITUTION', async () => {
    const unbound = await lrs.credential(['people/links']);
    expect((await api(unbound).post('/people/links').send({ agent: account() }).expect(403)).body.code).toBe('NOT_AN_INSTITUTION');
  });

  it('needs the scope people/links: 403 FORBIDDEN', async () => {
    expect((await api(schoolLoginLinks).post('/people/links').send({ agent: account() }).expect(403)).body.code).toBe('FORBIDDEN');
  });

  it('refuses homePages that are not http(s) IRLs: 400 INVALID_INSTITUTION', async () => {
    expect((await api().put('/people/institutions/some-key').send({ homePages: ['not a url'] }).expect(400)).body.code).toBe('INVALID_INSTITUTION');
    expect((await api().put('/people/institutions/some-key').send({ homePages: [] }).expect(400)).body.code).toBe('INVALID_INSTITUTION');
  });
});

describe('/xapi/agents returns the linked Person', () => {
  const postStatements = (statements: object[]) =>
    request(lrs.app).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth).send(statements).expect(200);
  const person = async (agent: object) =>
    (await request(harness.app).get(`/xapi/agents${q({ agent: JSON.stringify(agent) })}`).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth).expect(200)).body;

  it('has every identity linked to the person, its name and the names statements gave them', async () => {
    const [email, school, openid] = [mbox(), account(), { openid: `https://id.example/${randomUUID()}` }];
    await createPerson('Ana Pérez', [email, school, openid]);
    await postStatements([sampleStatement({ actor: { ...email, name: 'Ana' } }), sampleStatement({ actor: { ...school, name: 'A. Pérez' } })]);
    const expected = { objectType: 'Person', name: ['Ana Pérez', 'A. Pérez', 'Ana'], mbox: [email.mbox], openid: [openid.openid], account: [school.account] };
    expect(await person(school)).toEqual(expected);
    expect(await person(email)).toEqual(expected);
  });

  it('shows nothing of another person, nor of an unlinked agent beyond what was asked', async () => {
    const [mine, theirs, unlinked] = [mbox(), mbox(), mbox()];
    await createPerson('Mine', [mine]);
    await createPerson('Theirs', [theirs]);
    await postStatements([sampleStatement({ actor: { ...unlinked, name: 'Loose' } })]);
    expect(await person(mine)).toEqual({ objectType: 'Person', name: ['Mine'], mbox: [mine.mbox] });
    expect(await person(unlinked)).toEqual({ objectType: 'Person', name: ['Loose'], mbox: [unlinked.mbox] });
  });
});

describe('Login links (POST /people/login-links, a stable contract)', () => {
  const issue = (agent: unknown, auth = schoolLoginLinks) => api(auth).post('/people/login-links').send({ agent });
  const tokenPath = (url: string) => new URL(url).pathname;

  /** Opens the link's page, then sends its form: what a browser does. */
  async function follow(url: string) {
    const browser = request.agent(harness.app);
    const page = await browser.get(tokenPath(url));
    if (page.status !== 200) return { browser, status: page.status };
    const token = /name="token" value="([^"]+)"/.exec(page.text)![1]!;
    const sent = await browser.post('/sign-in/link').type('form').send({ _csrf: csrfFieldOf(page.text), token });
    return { browser, status: sent.status, location: sent.headers.location as string | undefined };
  }

  it('answers 201 {url, expiresAt} ten minutes ahead', async () => {
    const response = await issue({ ...account(), name: 'Lía' }).expect(201);
    expect(Object.keys(response.body).sort()).toEqual(['expiresAt', 'url']);
    expect(response.body.url).toMatch(/^http:\/\/lrs\.test\/sign-in\/link\/[A-Za-z0-9_-]{43}$/);
    expect(response.body.expiresAt).toBe(new Date(clock.getTime() + 10 * 60 * 1000).toISOString());
  });

  it('signs in the person the agent belongs to, once', async () => {
    const identity = account();
    const { person } = (await api(schoolLinks).post('/people/links').send({ agent: identity }).expect(201)).body;
    const { url } = (await issue(identity).expect(201)).body;
    const first = await follow(url);
    expect(first).toMatchObject({ status: 303, location: '/me' });
    const me = await first.browser.get('/me').expect(200);
    expect(me.text).toContain(identity.account.name);
    expect((await api().get(`/people/${person}`).expect(200)).body.identities).toEqual([{ objectType: 'Agent', ...identity }]);
    expect((await follow(url)).status).toBe(410);
  });

  it('creates the person of an account the institution vouches for', async () => {
    const identity = account();
    const { url } = (await issue({ ...identity, name: 'New Learner' }).expect(201)).body;
    expect((await follow(url)).status).toBe(303);
    expect((await api().get(`/people${q({ agent: JSON.stringify(identity) })}`).expect(200)).body.people).toEqual([expect.objectContaining({ name: 'New Learner' })]);
  });

  it('stops working ten minutes after it was issued', async () => {
    const { url } = (await issue(account()).expect(201)).body;
    const page = await request.agent(harness.app).get(tokenPath(url)).expect(200);
    clock = new Date(clock.getTime() + 10 * 60 * 1000);
    await request(harness.app).get(tokenPath(url)).expect(410);
    const browser = request.agent(harness.app);
    const fresh = await browser.get('/sign-in');
    const token = /name="token" value="([^"]+)"/.exec(page.text)![1]!;
    await browser.post('/sign-in/link').type('form').send({ _csrf: csrfFieldOf(fresh.text), token }).expect(410);
  });

  it('is refused without the scope people/login-links (403 FORBIDDEN) or a credential (401)', async () => {
    expect((await issue(account(), schoolLinks).expect(403)).body.code).toBe('FORBIDDEN');
    await request(harness.app).post('/people/login-links').send({ agent: account() }).expect(401);
  });

  it.each([
    ['a malformed agent', { mbox: 'not-an-email' }, 'INVALID_AGENT'],
    ['a Group', { objectType: 'Group', member: [] }, 'INVALID_AGENT'],
    ['no agent', undefined, 'INVALID_BODY'],
  ])('answers 400 for %s', async (_name, agent, code) => {
    expect((await api(schoolLoginLinks).post('/people/login-links').send(agent === undefined ? {} : { agent }).expect(400)).body.code).toBe(code);
  });

  it('is refused for an agent that is not one of the institution’s accounts: 403 FOREIGN_ACCOUNT', async () => {
    const victim = mbox();
    await createPerson('Victim', [victim]);
    expect((await issue(victim).expect(403)).body.code).toBe('FOREIGN_ACCOUNT');
    expect((await issue(account(OTHER_SCHOOL)).expect(403)).body.code).toBe('FOREIGN_ACCOUNT');
  });

  it('never writes the token to the log', async () => {
    const { url } = (await issue(account()).expect(201)).body;
    await follow(url);
    const token = tokenPath(url).split('/').pop()!;
    expect(harness.log()).toContain('/sign-in/link/[redacted]');
    expect(harness.log()).not.toContain(token);
  });
});

describe('Sessions', () => {
  /** Signs a fresh browser in through a login link; returns it with the session cookie it got. */
  async function signedInBrowser(identity = account()) {
    const { url } = (await api(schoolLoginLinks).post('/people/login-links').send({ agent: identity }).expect(201)).body;
    const browser = request.agent(harness.app);
    const page = await browser.get(new URL(url).pathname).expect(200);
    const token = /name="token" value="([^"]+)"/.exec(page.text)![1]!;
    const response = await browser.post('/sign-in/link').type('form').send({ _csrf: csrfFieldOf(page.text), token }).expect(303);
    return { browser, cookie: setCookie(response.headers, 'keiko_session')! };
  }

  it('keep a random id in an HttpOnly, SameSite=Lax cookie for 24 hours', async () => {
    const { cookie } = await signedInBrowser();
    expect(cookie).toMatch(/^keiko_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure');
    expect(cookie).toContain(`Max-Age=${24 * 3600}`);
  });

  it('are Secure when the public URL is https', async () => {
    const secure = await createPeopleTestApp(lrs, { publicUrl: 'https://lrs.test', now: () => clock });
    const { url } = (await request(secure.app).post('/people/login-links').set('Authorization', adminAuth!).send({ agent: account() }).expect(201)).body;
    const browser = request.agent(secure.app);
    const page = await browser.get(new URL(url).pathname).expect(200);
    const token = /name="token" value="([^"]+)"/.exec(page.text)![1]!;
    const response = await browser.post('/sign-in/link').type('form').send({ _csrf: csrfFieldOf(page.text), token }).expect(303);
    expect(setCookie(response.headers, 'keiko_session')).toMatch(/; Secure/);
  });

  it('end after 24 hours', async () => {
    const { browser } = await signedInBrowser();
    await browser.get('/me').expect(200);
    clock = new Date(clock.getTime() + 24 * 3600 * 1000);
    expect((await browser.get('/me').expect(303)).headers.location).toBe('/sign-in?return=%2Fme');
  });

  it('are new at every sign-in: an id the browser had before is not kept, and no longer works', async () => {
    const { browser, cookie } = await signedInBrowser();
    const before = cookie.split(';')[0]!;
    const again = await signedInBrowser();
    expect(again.cookie.split(';')[0]).not.toBe(before);
    const { url } = (await api(schoolLoginLinks).post('/people/login-links').send({ agent: account() }).expect(201)).body;
    const page = await browser.get(new URL(url).pathname).expect(200);
    const token = /name="token" value="([^"]+)"/.exec(page.text)![1]!;
    const response = await browser.post('/sign-in/link').type('form').send({ _csrf: csrfFieldOf(page.text), token }).expect(303);
    expect(setCookie(response.headers, 'keiko_session')!.split(';')[0]).not.toBe(before);
    await request(harness.app).get('/me').set('Cookie', before).expect(303);
  });

  it('are deleted at sign-out', async () => {
    const { browser, cookie } = await signedInBrowser();
    const me = await browser.get('/me').expect(200);
    const response = await browser.post('/sign-out').type('form').send({ _csrf: csrfFieldOf(me.text) }).expect(303);
    expect(setCookie(response.headers, 'keiko_session')).toMatch(/^keiko_session=;/);
    await request(harness.app).get('/me').set('Cookie', cookie.split(';')[0]!).expect(303);
  });

  it('refuse a form without the CSRF token: 403 INVALID_CSRF_TOKEN, the session kept', async () => {
    const { browser } = await signedInBrowser();
    const refused = await browser.post('/sign-out').type('form').send({}).expect(403);
    expect(refused.text).toContain('This form has expired or did not come from this site');
    await browser.post('/sign-out').type('form').send({ _csrf: 'forged' }).expect(403);
    await browser.get('/me').expect(200);
  });

  it('refuse a login link sent without the CSRF token, which stays usable', async () => {
    const { url } = (await api(schoolLoginLinks).post('/people/login-links').send({ agent: account() }).expect(201)).body;
    const browser = request.agent(harness.app);
    const page = await browser.get(new URL(url).pathname).expect(200);
    const token = /name="token" value="([^"]+)"/.exec(page.text)![1]!;
    await browser.post('/sign-in/link').type('form').send({ token }).expect(403);
    await browser.post('/sign-in/link').type('form').send({ _csrf: csrfFieldOf(page.text), token }).expect(303);
  });

  it('let requireRole pages through only for people holding the role', async () => {
    const identity = account();
    const { browser } = await signedInBrowser(identity);
    const response = await browser.get('/tutors-only').expect(403);
    expect(response.text).toContain('role tutor');
    const person = (await api().get(`/people${q({ agent: JSON.stringify(identity) })}`).expect(200)).body.people[0];
    await api().put(`/people/${person.id}/roles/tutor`).expect(204);
    expect((await browser.get('/tutors-only').expect(200)).text).toBe('tutor page');
    expect((await request(harness.app).get('/tutors-only').expect(303)).headers.location).toBe('/sign-in?return=%2Ftutors-only');
  });
});

describe('Sign-in with OpenID Connect (a real provider)', () => {
  /** /sign-in → the provider (as `login`) → the callback: what a browser does. */
  async function signIn(login: string, browser = request.agent(harness.app), signInPath = '/sign-in') {
    const page = await browser.get(signInPath).expect(200);
    const returnTo = /name="return" value="([^"]+)"/.exec(page.text)?.[1];
    const form = { _csrf: csrfFieldOf(page.text), ...(returnTo && { return: returnTo.replace(/&amp;/g, '&') }) };
    const started = await browser.post('/sign-in').type('form').send(form).expect(303);
    expect(setCookie(started.headers, 'keiko_oidc')).toMatch(/HttpOnly; SameSite=Lax/);
    const callback = await signInAtProvider(started.headers.location as string, login);
    expect(callback.href.startsWith(REDIRECT_URI)).toBe(true);
    const response = await browser.get(`${callback.pathname}${callback.search}`);
    return { browser, response };
  }

  it('signs in as the person of the account {homePage: issuer, name: sub}, with the verified email linked', async () => {
    const { browser, response } = await signIn('ana');
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/me');
    const me = await browser.get('/me').expect(200);
    expect(me.text).toContain('Ana Pérez');
    expect(me.text).toContain('ana@example.org');
    expect(me.text).toContain(`Account at ${provider.issuer}`);
    const people = (await api().get(`/people${q({ agent: JSON.stringify({ account: { homePage: provider.issuer, name: 'ana' } }) })}`).expect(200)).body.people;
    expect(people).toEqual([expect.objectContaining({ name: 'Ana Pérez', identities: [{ objectType: 'Agent', account: { homePage: provider.issuer, name: 'ana' } }, { objectType: 'Agent', mbox: 'mailto:ana@example.org' }] })]);
    await signIn('ana');
    expect((await api().get(`/people${q({ agent: JSON.stringify({ mbox: 'mailto:ana@example.org' }) })}`).expect(200)).body.people.map((p: { id: string }) => p.id)).toEqual([people[0].id]);
  });

  it('returns to the page that sent the browser to sign in, never to another site', async () => {
    expect((await signIn('ana', undefined, `/sign-in${q({ return: '/me?lang=es' })}`)).response.headers.location).toBe('/me?lang=es');
    for (const elsewhere of ['//evil.example/', '/\\evil.example', 'https://evil.example/', 'me']) {
      expect((await signIn('ana', undefined, `/sign-in${q({ return: elsewhere })}`)).response.headers.location).toBe('/me');
    }
  });

  it('does not link an unverified email, nor sign in as the person who has it', async () => {
    const owner = await createPerson('Owner', [{ mbox: 'mailto:claimed@example.org' }]);
    const { browser, response } = await signIn('unverified');
    expect(response.status).toBe(303);
    const me = await browser.get('/me').expect(200);
    expect(me.text).toContain('Claimer');
    expect(me.text).not.toContain('claimed@example.org');
    expect((await api().get(`/people/${owner.id}`).expect(200)).body.identities).toHaveLength(1);
  });

  it('refuses a callback in a browser that did not start the sign-in (400)', async () => {
    const page = await request.agent(harness.app).get('/sign-in');
    const starter = request.agent(harness.app);
    const started = await starter.post('/sign-in').type('form').set('Cookie', setCookie(page.headers, 'keiko_csrf')!.split(';')[0]!).send({ _csrf: csrfFieldOf(page.text) }).expect(303);
    const callback = await signInAtProvider(started.headers.location as string, 'ana');
    const response = await request(harness.app).get(`${callback.pathname}${callback.search}`).expect(400);
    expect(setCookie(response.headers, 'keiko_session')).toBeUndefined();
  });

  it('refuses a callback whose state was changed (400), logging neither state', async () => {
    const browser = request.agent(harness.app);
    const page = await browser.get('/sign-in').expect(200);
    const started = await browser.post('/sign-in').type('form').send({ _csrf: csrfFieldOf(page.text) }).expect(303);
    const callback = await signInAtProvider(started.headers.location as string, 'ana');
    const state = callback.searchParams.get('state')!;
    callback.searchParams.set('state', 'forged-state-value');
    const response = await browser.get(`${callback.pathname}${callback.search}`).expect(400);
    expect(setCookie(response.headers, 'keiko_session')).toBeUndefined();
    expect(harness.log()).toContain('state mismatch');
    expect(harness.log()).not.toContain(state);
    expect(harness.log()).not.toContain('forged-state-value');
  });

  it('lets the sign-in form post to the provider (form-action) and nowhere else', async () => {
    const page = await request(harness.app).get('/sign-in').expect(200);
    expect(page.headers['content-security-policy']).toContain(`form-action 'self' ${provider.issuer}`);
    expect((await request(harness.app).get('/').expect(200)).headers['content-security-policy']).toContain("form-action 'self';");
  });
});
