import { randomUUID } from 'node:crypto';
import type { Statement } from '@xapi/xapi';
import type { Browser, BrowserContextOptions, Page, Request } from 'playwright-core';
import { browserTests, expectAccessible, launchChromium, watchProblems } from '../../../test-support/browser';
import { freePort } from '../../../test-support/net';
import { startTestOidcProvider, type TestOidcProvider } from '../../../test-support/oidc/test-provider';
import { SCHOOL, shareVerification, startJourneyLrs, timelineItemButton, type JourneyLrs } from '../../../test-support/passport-journey';
import { SAMPLE_NAMES, sampleStatements } from '../../../test-support/passport-sample';
import type { Locale } from '../../plugin-api';
import { analyticsMessages } from './analytics/messages';
import { verifyShare } from './credentials';
import { passportMessages } from './messages';
import { shareMessages } from './shares/messages';

const { describe: describeInBrowser } = browserTests;
const LOCALES: Locale[] = ['en', 'es'];

/**
 * Issue 11's journey in Chromium, on the whole LRS listening on a port: an LMS sends a learner's
 * statements with @xapi/xapi, the learner signs in (login link, OpenID Connect) and reads the
 * passport, every page checked with axe-core.
 */
describeInBrowser("A learner's passport, end to end", () => {
  let provider: TestOidcProvider;
  let lrs: JourneyLrs;
  let browser: Browser;

  beforeAll(async () => {
    const port = await freePort();
    const client = { client_id: 'keiko', client_secret: 'a-test-client-secret', redirect_uris: [`http://127.0.0.1:${port}/sign-in/callback`] };
    provider = await startTestOidcProvider(client, { ana: { email: 'ana@example.org', email_verified: true, name: 'Ana Example' } });
    lrs = await startJourneyLrs({ port, oidc: { issuer: provider.issuer, clientId: client.client_id, clientSecret: client.client_secret } });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await lrs?.stop();
    await provider?.stop();
  });

  /** A fresh browser context (no cookies: a new visitor) on `path`, with what goes wrong on its pages. */
  async function open(path: string, options: BrowserContextOptions = {}): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ baseURL: lrs.baseUrl, ...options });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(path);
    return { page, problems };
  }

  /** The LMS sends the learner's year with @xapi/xapi; resolves once the passport has indexed it. */
  async function lmsSends(actor: Statement['actor']): Promise<void> {
    await lrs.school.sendStatements({ statements: sampleStatements(actor) });
    await lrs.caughtUp();
  }

  async function timelineText(page: Page): Promise<string> {
    await page.goto('/plugins/passport/timeline');
    return (await page.textContent('main'))!;
  }

  it('signs in with OpenID Connect, sees the statements about the verified email, and shares two of them', async () => {
    await lmsSends({ objectType: 'Agent', mbox: 'mailto:ana@example.org' });
    const signIn = await open('/sign-in');
    await expectAccessible(signIn.page);
    expect(signIn.problems).toEqual([]);
    await signIn.page.getByRole('button', { name: `Sign in with ${new URL(provider.issuer).host}` }).click();
    await signIn.page.waitForURL(`${provider.issuer}/**`);
    await signIn.page.fill('input[name="login"]', 'ana');
    await signIn.page.fill('input[name="password"]', 'any password');
    await signIn.page.click('button[type="submit"]');
    await signIn.page.waitForURL(`${lrs.baseUrl}/me`);
    // The provider's own pages (its fonts from a CDN) are not the LRS's problems: a new tab, same cookies.
    const page = await signIn.page.context().newPage();
    const problems = watchProblems(page);
    const main = await timelineText(page);
    for (const name of [SAMPLE_NAMES.course, SAMPLE_NAMES.badge, SAMPLE_NAMES.quiz]) expect(main).toContain(name);
    await expectAccessible(page);

    const selected = [SAMPLE_NAMES.course, SAMPLE_NAMES.badge];
    for (const name of selected) await page.getByRole('checkbox', { name }).check();
    await page.getByRole('button', { name: passportMessages('en').shareSelected }).click();
    const stranger = await open(await newShareUrl(page));
    await expect(shareVerification(stranger.page)).resolves.toBe(shareMessages('en').valid);
    const shared = (await stranger.page.textContent('main'))!;
    for (const name of selected) expect(shared).toContain(name);
    expect(shared).not.toContain(SAMPLE_NAMES.quiz);
    expect(problems).toEqual([]);
    expect(stranger.problems).toEqual([]);
  });

  /** A learner of School LMS whose year the LMS has sent, signed in through a login link in a fresh context. */
  async function signedInLearner(lang: Locale): Promise<{ page: Page; problems: string[] }> {
    const learner = { objectType: 'Agent' as const, account: { homePage: SCHOOL, name: `learner-${randomUUID()}` } };
    await lmsSends(learner);
    const opened = await open(`${await lrs.loginLinkPath(learner)}?lang=${lang}`);
    await expectAccessible(opened.page);
    await opened.page.locator('main button[type="submit"]').click();
    await opened.page.waitForURL(`${lrs.baseUrl}/me`);
    return opened;
  }

  it.each(LOCALES)('signs in with a login link, hides an item, reads the analytics, shares the passport; a stranger sees it valid, then revoked (%s)', async (lang) => {
    const [m, shares] = [passportMessages(lang), shareMessages(lang)];
    const { page, problems } = await signedInLearner(lang);
    let main = await timelineText(page);
    expect(await page.textContent('h1')).toBe(m.title);
    for (const name of Object.values(SAMPLE_NAMES)) expect(main).toContain(name);
    await expectAccessible(page);

    await timelineItemButton(page, m.hide, SAMPLE_NAMES.hidden).click();
    await timelineItemButton(page, m.show, SAMPLE_NAMES.hidden).waitFor();
    await expectAccessible(page);

    await page.goto('/plugins/passport/analytics');
    expect(await page.textContent('h1')).toBe(analyticsMessages(lang).title);
    await expectAccessible(page);

    await page.goto('/plugins/passport/shares');
    await expectAccessible(page);
    await page.getByRole('button', { name: shares.create }).click();
    const shareUrl = await newShareUrl(page);
    await expectAccessible(page);

    const stranger = await open(shareUrl, { locale: lang });
    await expect(shareVerification(stranger.page)).resolves.toBe(shares.valid);
    main = (await stranger.page.textContent('main'))!;
    for (const name of [SAMPLE_NAMES.course, SAMPLE_NAMES.badge, SAMPLE_NAMES.quiz]) expect(main).toContain(name);
    expect(main).not.toContain(SAMPLE_NAMES.hidden);
    await expectAccessible(stranger.page);
    // The stranger keeps the signed presentation, as a verifier would.
    const presentation = await (await stranger.page.request.get(shareUrl, { headers: { Accept: 'application/json' } })).json();
    expect(JSON.stringify(presentation)).not.toContain(SAMPLE_NAMES.hidden);

    // A second visitor's page arrives before the revocation and its check after: the page says revoked.
    const visitor = await visitWithCheckHeld(shareUrl, lang);
    await page.getByRole('button', { name: new RegExp(`^${shares.revoke}`) }).click();
    await page.getByRole('cell', { name: shares.states.revoked }).waitFor();
    visitor.releaseCheck();
    await expect(shareVerification(visitor.page)).resolves.toBe(shares.revoked);
    expect(visitor.problems).toEqual([`410 for ${shareUrl}`]);
    await stranger.page.reload();
    expect(await stranger.page.textContent('h1')).toBe(shares.revokedGone);
    await expectAccessible(stranger.page);
    // Whoever kept the presentation checks it again with the passport's verifier (the page's code, in Node here): revoked.
    const fetchJson = async (url: string) => (await fetch(url)).json();
    await expect(verifyShare(presentation, { publicUrl: lrs.baseUrl, fetchJson })).resolves.toMatchObject({ result: 'revoked' });
    expect(problems).toEqual([]);
    expect(stranger.problems).toEqual([]);
  }, 60_000);

  /** A visitor on the share page whose script's check (its request for the presentation) waits for `releaseCheck()`. */
  async function visitWithCheckHeld(shareUrl: string, lang: Locale) {
    const visitor = await open('/', { locale: lang });
    let releaseCheck!: () => void;
    const released = new Promise<void>((resolve) => (releaseCheck = resolve));
    const isCheck = (request: Request) => request.url() === shareUrl && request.headers().accept === 'application/json';
    await visitor.page.route(shareUrl, async (route) => {
      if (isCheck(route.request())) await released;
      await route.continue();
    });
    const checking = visitor.page.waitForRequest(isCheck);
    await visitor.page.goto(shareUrl);
    await checking;
    return { ...visitor, releaseCheck };
  }

  /** The link of the share just made, as the shares page shows it (once). */
  async function newShareUrl(page: Page): Promise<string> {
    const url = (await page.locator('a.share-link').getAttribute('href'))!;
    expect(url.startsWith(`${lrs.baseUrl}/plugins/passport/s/`)).toBe(true);
    return url;
  }

  it('shows a share whose expiry has passed as no longer available', async () => {
    const { page } = await signedInLearner('en');
    const expiresAt = new Date(Date.now() + 5_000);
    const created = await page.request.post('/plugins/passport/api/shares', { data: { items: 'all', expiresAt: expiresAt.toISOString() } });
    expect(created.status()).toBe(201);
    const { url } = (await created.json()) as { url: string };
    const stranger = await open('/', { locale: 'en' });
    expect((await stranger.page.request.get(url, { headers: { Accept: 'application/json' } })).status()).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() + 100));
    await stranger.page.goto(url);
    expect(await stranger.page.textContent('h1')).toBe(shareMessages('en').gone);
    await expectAccessible(stranger.page);
  });
});
