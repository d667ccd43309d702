/**
 * The screenshots of docs/passport.md (docs/images/passport-*.png), taken from a real LRS: every
 * plugin, SQLite in a temporary DATA_DIR, an invented learner's year sent by @xapi/xapi, a test
 * OpenID Connect provider for the sign-in page, and Debian's chromium (as the browser tests).
 *
 *   npx tsx scripts/passport-screenshots.ts
 *
 * Pages 1280 pixels wide; long pages are cut at MAX_HEIGHT. Nothing here is anyone's real data.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { freePort } from '../test-support/net';
import { startTestOidcProvider } from '../test-support/oidc/test-provider';
import { passportMessages } from '../src/plugins/passport/messages';
import { shareMessages } from '../src/plugins/passport/shares/messages';
import { SCHOOL, shareVerification, startJourneyLrs, timelineItemButton } from '../test-support/passport-journey';
import { SAMPLE_NAMES, sampleStatements } from '../test-support/passport-sample';

const ROOT = path.resolve(__dirname, '..');
const IMAGES = path.join(ROOT, 'docs', 'images');
const WIDTH = 1280;
const MAX_HEIGHT = 1600;
const LEARNER = { objectType: 'Agent' as const, name: 'Alex Sample', account: { homePage: SCHOOL, name: 'alex-sample' } };

async function main(): Promise<void> {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-vc-bundles.js')], { stdio: 'inherit' });
  const port = await freePort();
  const client = { client_id: 'keiko', client_secret: 'screenshots-client-secret', redirect_uris: [`http://127.0.0.1:${port}/sign-in/callback`] };
  const provider = await startTestOidcProvider(client);
  const lrs = await startJourneyLrs({ port, oidc: { issuer: provider.issuer, clientId: client.client_id, clientSecret: client.client_secret } });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    // One by one, as an LMS sends them as they happen: the timeline lists them in that order, newest first.
    for (const statement of sampleStatements(LEARNER)) await lrs.school.sendStatement({ statement });
    await lrs.caughtUp();
    const context = await browser.newContext({ baseURL: lrs.baseUrl, viewport: { width: WIDTH, height: 800 }, locale: 'en' });
    const page = await context.newPage();

    await page.goto('/sign-in');
    await save(page, 'passport-sign-in');

    await page.goto(await lrs.loginLinkPath(LEARNER));
    await page.locator('main button[type="submit"]').click();
    await page.waitForURL(/\/me$/);
    await page.goto('/plugins/passport/timeline');
    await timelineItemButton(page, passportMessages('en').hide, SAMPLE_NAMES.hidden).click();
    await timelineItemButton(page, passportMessages('en').show, SAMPLE_NAMES.hidden).waitFor();
    await page.locator('summary', { hasText: SAMPLE_NAMES.session }).click();
    await save(page, 'passport-timeline');

    await page.goto('/plugins/passport/analytics');
    await save(page, 'passport-analytics');

    const m = shareMessages('en');
    await page.goto('/plugins/passport/shares');
    await page.getByRole('button', { name: m.create }).click();
    const shareUrl = (await page.locator('a.share-link').getAttribute('href'))!;
    await save(page, 'passport-shares');

    const stranger = await (await browser.newContext({ viewport: { width: WIDTH, height: 800 }, locale: 'en' })).newPage();
    await stranger.goto(shareUrl);
    if ((await shareVerification(stranger)) !== m.valid) throw new Error('the new share does not verify as valid');
    await save(stranger, 'passport-share-valid');

    await page.getByRole('button', { name: new RegExp(`^${m.revoke}`) }).click();
    await page.getByRole('cell', { name: m.states.revoked }).waitFor();
    await stranger.reload();
    await save(stranger, 'passport-share-revoked');
  } finally {
    await browser.close();
    await lrs.stop();
    await provider.stop();
  }
}

/** A PNG of the page as it is, full length up to MAX_HEIGHT. */
async function save(page: Page, name: string): Promise<void> {
  const height = Math.min(MAX_HEIGHT, await page.evaluate(() => document.documentElement.scrollHeight));
  const file = path.join(IMAGES, `${name}.png`);
  await page.screenshot({ path: file, clip: { x: 0, y: 0, width: WIDTH, height }, fullPage: true });
  process.stdout.write(`${path.relative(ROOT, file)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
