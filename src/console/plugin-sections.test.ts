/**
 * The plugin API's console hook, with the test plugin test-support/plugins/counter: a page behind
 * `context.console.requireAdmin()`, rendered with the console's navigation, listed by setup's
 * `console` after the core sections.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createTestLrs, type TestLrs } from '../../test-support/app';
import { csrfFieldOf } from '../../test-support/people';
import { loadPlugins } from '../platform/plugins/load';

const TEST_PLUGINS = path.resolve(__dirname, '../../test-support/plugins');

let lrs: TestLrs;
let admin: { key: string; secret: string };

beforeAll(async () => {
  lrs = await createTestLrs({}, loadPlugins(['counter'], {}, TEST_PLUGINS));
  admin = await lrs.storage.credentials.create({ name: 'Operator', scopes: ['admin'] });
});
afterAll(() => lrs.close());

async function signedInAgent() {
  const agent = request.agent(lrs.app);
  const form = await agent.get('/console/sign-in').expect(200);
  await agent.post('/console/sign-in').type('form').send({ _csrf: csrfFieldOf(form.text), ...admin }).expect(303);
  return agent;
}

describe("a plugin's console section", () => {
  it('is listed after the core sections, in the request\'s language', async () => {
    const agent = await signedInAgent();
    const english = await agent.get('/console').expect(200);
    const links = [...english.text.matchAll(/<li><a href="(\/console[^"]*|\/plugins\/[^"]*)"/g)].map((match) => match[1]);
    expect(links).toEqual(expect.arrayContaining(['/console', '/console/credentials', '/plugins/counter/console']));
    expect(links.indexOf('/plugins/counter/console')).toBeGreaterThan(links.indexOf('/console/profiles'));
    expect(english.text).toContain('<a href="/plugins/counter/console">Counter</a>');
    expect((await agent.get('/console?lang=es').expect(200)).text).toContain('<a href="/plugins/counter/console">Contador</a>');
  });

  it('is a console page: without a session a GET goes to sign in and back, HTTP Basic does not do', async () => {
    const response = await request(lrs.app).get('/plugins/counter/console').set('Authorization', lrs.auth);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/console/sign-in?next=%2Fplugins%2Fcounter%2Fconsole');
  });

  it('renders with the console navigation and the operator in the header', async () => {
    const agent = await signedInAgent();
    const page = await agent.get('/plugins/counter/console').expect(200);
    expect(page.text).toContain('<h1>Counter</h1>');
    expect(page.text).toContain('Statements counted: 0');
    expect(page.text).toContain('<a href="/console/credentials">Credentials</a>');
    expect(page.text).toContain('aria-current="page">Counter</a>');
    expect(page.text).toContain('Signed in as Operator');
  });
});

describe("a plugin's xAPI Profiles", () => {
  it('show the plugin as their source in the console\'s profile registry', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keiko-plugin-'));
    const manifest = { name: 'quizzes', version: '1.0.0', description: 'x', profiles: ['quiz.jsonld'], scopes: {}, stores: {}, jobs: [] };
    fs.mkdirSync(path.join(dir, 'quizzes'));
    fs.writeFileSync(path.join(dir, 'quizzes', 'index.js'), `exports.default = { manifest: ${JSON.stringify(manifest)}, setup: () => ({}) };\n`);
    fs.copyFileSync(path.resolve(__dirname, '../profiles/test-fixtures/quiz-profile.json'), path.join(dir, 'quizzes', 'quiz.jsonld'));
    const withProfile = await createTestLrs({}, loadPlugins(['quizzes'], {}, dir));
    try {
      const agent = request.agent(withProfile.app);
      const form = await agent.get('/console/sign-in').expect(200);
      const operator = await withProfile.storage.credentials.create({ name: 'Operator', scopes: ['admin'] });
      await agent.post('/console/sign-in').type('form').send({ _csrf: csrfFieldOf(form.text), key: operator.key, secret: operator.secret }).expect(303);
      const registry = await agent.get('/console/profiles').expect(200);
      const row = registry.text.split('<tr').find((cells) => cells.includes('https://keiko.test/profiles/quiz'));
      expect(row).toContain('Plugin quizzes');
    } finally {
      await withProfile.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
