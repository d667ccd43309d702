import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import request from 'supertest';
import { createTestLrs, type TestLrs } from '../../../test-support/app';
import { browserTests, expectAccessible, launchChromium, serve } from '../../../test-support/browser';
import { freePort } from '../../../test-support/net';
import { startTestOidcProvider, type TestOidcProvider } from '../../../test-support/oidc/test-provider';
import { createPeopleTestApp, type PeopleTestApp } from '../../../test-support/people';

const { describe: describeInBrowser } = browserTests;

describeInBrowser('Signing in, in a real browser', () => {
  let lrs: TestLrs;
  let harness: PeopleTestApp;
  let provider: TestOidcProvider;
  let server: Awaited<ReturnType<typeof serve>>;
  let browser: Browser;
  let baseUrl: string;
  let adminAuth: string;

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const client = { client_id: 'keiko', client_secret: 'a-test-client-secret', redirect_uris: [`${baseUrl}/sign-in/callback`] };
    provider = await startTestOidcProvider(client, { ana: { email: 'ana@example.org', email_verified: true, name: 'Ana Pérez' } });
    lrs = await createTestLrs();
    adminAuth = await lrs.credential(['admin']);
    harness = await createPeopleTestApp(lrs, {
      publicUrl: baseUrl,
      oidc: { issuer: provider.issuer, clientId: client.client_id, clientSecret: client.client_secret },
    });
    server = await serve(harness.app, port);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await provider?.stop();
    await lrs?.close();
  });

  /** A fresh browser context on a page of the LRS, with the console errors of the LRS's pages. */
  async function open(path: string, options: BrowserContextOptions = {}): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ baseURL: baseUrl, ...options });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      // An error page's own status (410 for a spent link) is what the test expects, not a problem.
      const aboutTheDocument = message.text().startsWith('Failed to load resource') && message.location().url === page.url();
      if (message.type() === 'error' && page.url().startsWith(baseUrl) && !aboutTheDocument) problems.push(message.text());
    });
    await page.goto(path);
    return { page, problems };
  }

  async function loginLinkFor(name: string): Promise<string> {
    const agent = { account: { homePage: 'https://school.example', name } };
    const response = await request(harness.app).post('/people/login-links').set('Authorization', adminAuth).send({ agent }).expect(201);
    return response.body.url as string;
  }

  it('signs in with the OpenID Connect provider, shows the identities on /me, and signs out', async () => {
    const { page, problems } = await open('/sign-in');
    await page.getByRole('button', { name: `Sign in with ${new URL(provider.issuer).host}` }).click();
    await page.waitForURL(`${provider.issuer}/**`);
    await page.fill('input[name="login"]', 'ana');
    await page.fill('input[name="password"]', 'any password');
    await page.click('button[type="submit"]');
    await page.waitForURL(`${baseUrl}/me`);
    expect(await page.textContent('h1')).toBe('Your account');
    const main = (await page.textContent('main'))!;
    expect(main).toContain('Ana Pérez');
    expect(main).toContain('ana@example.org');
    expect(main).toContain(`Account at ${provider.issuer}`);
    await page.locator('main').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${baseUrl}/sign-in`);
    await page.goto('/me');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(problems).toEqual([]);
  });

  it('signs in through a login link, without JavaScript', async () => {
    const url = await loginLinkFor('learner-42');
    const { page, problems } = await open(new URL(url).pathname, { javaScriptEnabled: false });
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${baseUrl}/me`);
    expect(await page.textContent('main')).toContain('learner-42');
    await page.goto(new URL(url).pathname);
    expect(await page.textContent('h1')).toBe('This sign-in link cannot be used');
    expect(problems).toEqual([]);
  });

  it.each(['en', 'es'])('has no serious or critical axe-core violations on /sign-in (with and without a notice), a login link and /me (%s)', async (lang) => {
    const { page } = await open(`/sign-in?lang=${lang}`);
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    await expectAccessible(page);
    await page.goto('/sign-in/callback');
    expect(await page.locator('[role="alert"]').count()).toBe(1);
    await expectAccessible(page);
    await page.goto(new URL(await loginLinkFor(`axe-${lang}`)).pathname);
    await expectAccessible(page);
    await page.locator('main button[type="submit"]').click();
    await page.waitForURL(`${baseUrl}/me`);
    expect(await page.textContent('h1')).toBe(lang === 'es' ? 'Tu cuenta' : 'Your account');
    await expectAccessible(page);
  });
});
