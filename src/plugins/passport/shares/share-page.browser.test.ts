import type { Browser, BrowserContextOptions } from 'playwright-core';
import request from 'supertest';
import { browserTests, expectAccessible, launchChromium, MOBILE, watchProblems, serve } from '../../../../test-support/browser';
import { freePort } from '../../../../test-support/net';
import { activity, PassportTestLrs, statement } from '../../../../test-support/passport';
import { createShare, SHARES } from '../../../../test-support/passport-shares';

/**
 * The public share page in Chromium, as a stranger opens it (a fresh context, no cookies): the
 * presentation verified in the browser, then revoked. The LRS's public URL is the address it is
 * served on, so that the share's did:web is the page's origin.
 */
const { describe: describeInBrowser } = browserTests;
const BADGE = 'http://activitystrea.ms/schema/1.0/badge';

describeInBrowser('the public share page in a browser', () => {
  let passport: PassportTestLrs;
  let server: Awaited<ReturnType<typeof serve>>;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    passport = await PassportTestLrs.start({ PUBLIC_URL: baseUrl });
    server = await serve(passport.lrs.app, port);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await passport?.close();
  });

  async function open(url: string, options: BrowserContextOptions = {}) {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const problems = watchProblems(page);
    const response = await page.goto(url);
    return { context, page, response, problems };
  }

  const verification = (page: Awaited<ReturnType<typeof open>>['page']) => page.locator('#share-verification');

  it('shows a stranger the shared items and "valid", accessible in English, Spanish and on a phone; says nothing is verified without JavaScript; "revoked" once revoked', async () => {
    const learner = await passport.signedIn();
    await passport.store([
      statement(learner.identity, { object: activity('Linear algebra badge', BADGE, 'Solved 50 systems of equations') }),
      statement(learner.identity, { object: activity('Vectors quiz') }),
    ]);
    const share = await createShare(learner.browser, { items: 'all' });
    expect(share.url.startsWith(`${baseUrl}/plugins/passport/s/`)).toBe(true);

    const stranger = await open(share.url);
    expect(stranger.response?.status()).toBe(200);
    await stranger.page.waitForSelector('#share-verification[data-result="valid"]', { timeout: 30_000 });
    expect(await verification(stranger.page).textContent()).toMatch(/^Valid/);
    expect(await stranger.page.textContent('main')).toContain('Vectors quiz');
    await expectAccessible(stranger.page);
    expect(stranger.problems).toEqual([]);
    const presentation = await stranger.page.evaluate(async () => (await fetch(window.location.pathname, { headers: { Accept: 'application/json' } })).json());

    const spanish = await open(share.url, { locale: 'es' });
    await spanish.page.waitForSelector('#share-verification[data-result="valid"]', { timeout: 30_000 });
    expect(await verification(spanish.page).textContent()).toMatch(/^Válido/);
    await expectAccessible(spanish.page);

    const phone = await open(share.url, MOBILE);
    await phone.page.waitForSelector('#share-verification[data-result="valid"]', { timeout: 30_000 });
    await expectAccessible(phone.page);

    const withoutScript = await open(share.url, { javaScriptEnabled: false });
    expect(await verification(withoutScript.page).textContent()).toContain('needs JavaScript');
    expect(await withoutScript.page.textContent('main')).not.toMatch(/Valid/);

    await learner.browser.delete(`${SHARES}/${share.id}`).expect(200);
    // The copy the stranger already holds now verifies as revoked, in their browser.
    // A string, so that the test's compiler leaves the browser's import() alone.
    const verifyInPage = `(async () => {
      const { verifyShare } = await import(document.getElementById('share-verification').dataset.verifier);
      return (await verifyShare(${JSON.stringify(presentation)}, { publicUrl: ${JSON.stringify(baseUrl)} })).result;
    })()`;
    const result = await stranger.page.evaluate(verifyInPage);
    expect(result).toBe('revoked');
    const gone = await open(share.url, { locale: 'es' });
    expect(gone.response?.status()).toBe(410);
    expect(await gone.page.textContent('h1')).toBe('Este enlace fue revocado.');
    await expectAccessible(gone.page);
  }, 120_000);

  it('shows the learner\'s shares page accessibly, with the new link and its QR code', async () => {
    const learner = await passport.signedIn();
    await passport.store([statement(learner.identity)]);
    const link = await request(passport.lrs.app).post('/people/login-links').set('Authorization', passport.school).send({ agent: learner.identity }).expect(201);
    const context = await browser.newContext({ baseURL: baseUrl });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(new URL(link.body.url).pathname);
    await page.locator('main button[type="submit"]').click();
    await page.waitForURL(`${baseUrl}/me`);
    await page.goto('/plugins/passport/shares');
    await page.getByRole('button', { name: 'Create a share link' }).click();
    await page.waitForSelector('img.share-qr');
    expect(await page.locator('a.share-link').textContent()).toMatch(/\/plugins\/passport\/s\//);
    await expectAccessible(page);
    await page.goto('/plugins/passport/shares?lang=es');
    await expectAccessible(page);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});
