import type { Express } from 'express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { basicAuth, createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../../test-support/app';
import { TEST_ENGINES } from '../../test-support/backends';
import { csrfFieldOf } from '../../test-support/people';
import { sampleStatement } from '../../test-support/statements';
import { CONSOLE_SESSION_COOKIE } from './index';

type Agent = InstanceType<typeof TestAgent>;

function cookiesOf(response: request.Response): string[] {
  return ([] as string[]).concat(response.headers['set-cookie'] ?? []);
}

/** A browser: an agent keeping cookies, signed in to the console with the credential when given. */
async function browserFor(app: Express, credential?: { key: string; secret: string }): Promise<Agent> {
  const agent = request.agent(app);
  if (credential !== undefined) {
    const response = await signIn(agent, credential.key, credential.secret);
    expect(response.status).toBe(303);
  }
  return agent;
}

async function signIn(agent: Agent, key: string, secret: string, next?: string) {
  const form = await agent.get('/console/sign-in').expect(200);
  return agent
    .post('/console/sign-in')
    .type('form')
    .send({ _csrf: csrfFieldOf(form.text), key, secret, ...(next !== undefined && { next }) });
}

/** The CSRF token of a console page the agent can open. */
async function tokenOf(agent: Agent, path: string): Promise<string> {
  const page = await agent.get(path).expect(200);
  return csrfFieldOf(page.text);
}

async function createCredential(agent: Agent, name: string, scopes: string[]) {
  const _csrf = await tokenOf(agent, '/console/credentials/new');
  const body = [`_csrf=${encodeURIComponent(_csrf)}`, `name=${encodeURIComponent(name)}`, ...scopes.map((scope) => `scopes=${encodeURIComponent(scope)}`)].join('&');
  return agent.post('/console/credentials').type('form').send(body);
}

/** The key and secret a "credential created" page shows. */
function issuedOn(html: string): { key: string; secret: string } {
  const codes = [...html.matchAll(/<dd><code>([^<]+)<\/code><\/dd>/g)].map((match) => match[1]);
  expect(codes).toHaveLength(2);
  return { key: codes[0], secret: codes[1] };
}

async function revoke(agent: Agent, key: string) {
  const _csrf = await tokenOf(agent, `/console/credentials/revoke?key=${encodeURIComponent(key)}`);
  return agent.post('/console/credentials/revoke').type('form').send({ _csrf, key });
}

describe.each(TEST_ENGINES)('the admin console on %s', (engine) => {
  let lrs: TestLrs;
  let admin: { key: string; secret: string };
  const engineBefore = process.env.KEIKO_TEST_ENGINE;

  beforeAll(async () => {
    process.env.KEIKO_TEST_ENGINE = engine;
    lrs = await createTestLrs();
    admin = await lrs.storage.credentials.create({ name: 'Console Admin', scopes: ['admin'] });
  });
  afterAll(async () => {
    process.env.KEIKO_TEST_ENGINE = engineBefore;
    await lrs?.close();
  });

  describe('signing in', () => {
    it('refuses a wrong secret, an unknown key and a credential without admin with the same generic 401 page', async () => {
      const other = await lrs.storage.credentials.create({ name: 'Everything but admin', scopes: ['all'] });
      for (const [key, secret] of [[admin.key, 'not-the-secret'], ['no-such-key', 'whatever-secret'], [other.key, other.secret]]) {
        const response = await signIn(request.agent(lrs.app), key, secret);
        expect(response.status).toBe(401);
        expect(response.text).toContain('These do not match a credential that may administer this LRS.');
        expect(response.text).not.toContain(key);
        expect(cookiesOf(response).join()).not.toContain(CONSOLE_SESSION_COOKIE);
      }
    });

    it('with an admin credential: an HttpOnly, SameSite=Strict session cookie and a redirect to the console', async () => {
      const response = await signIn(request.agent(lrs.app), admin.key, admin.secret);
      expect(response.status).toBe(303);
      expect(response.headers.location).toBe('/console');
      const cookie = cookiesOf(response).find((line) => line.startsWith(`${CONSOLE_SESSION_COOKIE}=`));
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      expect(cookie).toMatch(/Path=\//);
    });

    it('goes back to the console page asked for, never to another site', async () => {
      expect((await signIn(request.agent(lrs.app), admin.key, admin.secret, '/console/credentials')).headers.location).toBe('/console/credentials');
      expect((await signIn(request.agent(lrs.app), admin.key, admin.secret, 'https://evil.example/')).headers.location).toBe('/console');
      expect((await signIn(request.agent(lrs.app), admin.key, admin.secret, '//evil.example/console')).headers.location).toBe('/console');
    });

    it('refuses a sign-in form without its CSRF token (403), starting no session', async () => {
      const response = await request(lrs.app).post('/console/sign-in').type('form').send({ key: admin.key, secret: admin.secret });
      expect(response.status).toBe(403);
      expect(cookiesOf(response).join()).not.toContain(CONSOLE_SESSION_COOKIE);
    });
  });

  describe('without a session', () => {
    it('sends a GET to sign in and back (303)', async () => {
      const response = await request(lrs.app).get('/console/credentials');
      expect(response.status).toBe(303);
      expect(response.headers.location).toBe('/console/sign-in?next=%2Fconsole%2Fcredentials');
    });

    it('answers a POST 403 CONSOLE_SIGN_IN_REQUIRED and changes nothing, even with HTTP Basic admin credentials', async () => {
      const before = (await lrs.storage.credentials.list()).length;
      const response = await request(lrs.app).post('/console/credentials').set('Authorization', lrs.auth).type('form').send({ name: 'sneaky', scopes: 'all' });
      expect(response.status).toBe(403);
      expect(response.text).toContain('Sign in to the console first');
      expect((await lrs.storage.credentials.list()).length).toBe(before);
    });

    it('ignores a made-up session cookie', async () => {
      const response = await request(lrs.app).get('/console').set('Cookie', `${CONSOLE_SESSION_COOKIE}=${'A'.repeat(43)}`);
      expect(response.status).toBe(303);
    });
  });

  describe('signed in', () => {
    it('shows the overview: version, storage engine, feed position, plugins and the sections', async () => {
      const agent = await browserFor(lrs.app, admin);
      const response = await agent.get('/console').expect(200);
      expect(response.text).toContain('<h1>Console</h1>');
      expect(response.text).toContain(`<dd>${engine}</dd>`);
      expect(response.text).toContain('Signed in with the credential Console Admin.');
      for (const plugin of lrs.services.plugins) expect(response.text).toContain(`<td>${plugin.name}</td>`);
      expect(response.text).toContain('href="/console/credentials"');
      expect(response.text).toContain('action="/console/sign-out"');
    });

    it('refuses a form without its CSRF token (403) and creates nothing', async () => {
      const agent = await browserFor(lrs.app, admin);
      const before = (await lrs.storage.credentials.list()).length;
      const response = await agent.post('/console/credentials').type('form').send({ name: 'no token', scopes: 'all' });
      expect(response.status).toBe(403);
      expect(response.text).toContain('This form has expired');
      expect((await lrs.storage.credentials.list()).length).toBe(before);
    });

    it('creates a credential: its secret shown once (no-store), then it works on /xapi', async () => {
      const agent = await browserFor(lrs.app, admin);
      const created = await createCredential(agent, 'Moodle', ['statements/write', 'statements/read']);
      expect(created.status).toBe(201);
      expect(created.headers['cache-control']).toBe('no-store');
      const issued = issuedOn(created.text);
      const auth = basicAuth(issued.key, issued.secret);
      await request(lrs.app).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', auth).send(sampleStatement()).expect(200);
      const read = await request(lrs.app).get('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', auth).expect(200);
      expect(read.body.statements.length).toBeGreaterThan(0);
      const list = await agent.get('/console/credentials').expect(200);
      expect(list.text).toContain(issued.key);
      expect(list.text).toContain('statements/write, statements/read');
      expect(list.text).not.toContain(issued.secret);
    });

    it('answers a bad creation form with the form again (400) and creates nothing', async () => {
      const agent = await browserFor(lrs.app, admin);
      const before = (await lrs.storage.credentials.list()).length;
      const noScope = await createCredential(agent, 'No scope', []);
      expect(noScope.status).toBe(400);
      expect(noScope.text).toContain('at least one scope is required');
      const unknownScope = await createCredential(agent, 'Odd', ['root']);
      expect(unknownScope.status).toBe(400);
      expect(unknownScope.text).toContain('unknown scope(s): root');
      expect((await lrs.storage.credentials.list()).length).toBe(before);
    });

    it('offers the plugins\' scopes', async () => {
      const agent = await browserFor(lrs.app, admin);
      const form = await agent.get('/console/credentials/new').expect(200);
      for (const scope of lrs.services.plugins.flatMap((plugin) => Object.keys(plugin.scopes))) expect(form.text).toContain(`value="${scope}"`);
    });

    it('revokes a credential after confirming: refused on /xapi at once', async () => {
      const agent = await browserFor(lrs.app, admin);
      const issued = issuedOn((await createCredential(agent, 'Soon revoked', ['all'])).text);
      const auth = basicAuth(issued.key, issued.secret);
      await request(lrs.app).get('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', auth).expect(200);
      const confirm = await agent.get(`/console/credentials/revoke?key=${encodeURIComponent(issued.key)}`).expect(200);
      expect(confirm.text).toContain(`Revoke Soon revoked (key ${issued.key})?`);
      const revoked = await revoke(agent, issued.key);
      expect(revoked.status).toBe(303);
      const list = await agent.get(revoked.headers.location).expect(200);
      expect(list.text).toContain(`The credential ${issued.key} is revoked.`);
      await request(lrs.app).get('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', auth).expect(401);
      expect((await lrs.storage.credentials.findActive(issued.key))).toBeNull();
    });

    it('answers 404 to revoking an unknown or already revoked key', async () => {
      const agent = await browserFor(lrs.app, admin);
      expect((await agent.get('/console/credentials/revoke?key=nobody')).status).toBe(404);
      const _csrf = await tokenOf(agent, '/console/credentials');
      const response = await agent.post('/console/credentials/revoke').type('form').send({ _csrf, key: 'nobody' });
      expect(response.status).toBe(404);
      expect(response.text).toContain('No active credential has this key.');
    });

    it('ends the console session of a credential revoked (or stripped of admin) at once', async () => {
      const operator = await browserFor(lrs.app, admin);
      const second = issuedOn((await createCredential(operator, 'Second operator', ['admin'])).text);
      const secondBrowser = await browserFor(lrs.app, second);
      await secondBrowser.get('/console').expect(200);
      await revoke(operator, second.key);
      const after = await secondBrowser.get('/console');
      expect(after.status).toBe(303);
      expect(after.headers.location).toBe('/console/sign-in?next=%2Fconsole');
      expect((await signIn(request.agent(lrs.app), second.key, second.secret)).status).toBe(401);
    });

    it('signs out: the session is gone', async () => {
      const agent = await browserFor(lrs.app, admin);
      const _csrf = await tokenOf(agent, '/console');
      const response = await agent.post('/console/sign-out').type('form').send({ _csrf });
      expect(response.status).toBe(303);
      expect(response.headers.location).toBe('/console/sign-in?signed_out=1');
      expect((await agent.get('/console')).status).toBe(303);
      expect((await agent.get('/console/sign-in?signed_out=1')).text).toContain('You have signed out of the console.');
    });

    it('speaks Spanish', async () => {
      const agent = await browserFor(lrs.app, admin);
      const response = await agent.get('/console/credentials').set('Accept-Language', 'es').expect(200);
      expect(response.text).toContain('<h1>Credenciales</h1>');
      expect(response.text).toContain('lang="es"');
    });
  });
});
