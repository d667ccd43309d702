import type { Page } from 'playwright-core';
import request from 'supertest';
import { loadAnchoringPlugin, TEST_STARKNET_ENV } from '../../../test-support/anchoring';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../../../test-support/app';
import { browserTests, expectAccessible, MOBILE, useBrowser } from '../../../test-support/browser';
import { InMemoryChain } from '../../../test-support/in-memory-chain';
import { sampleStatement } from '../../../test-support/statements';
import { ANCHORING_CONSOLE_PATH } from './console';

const TEXTS = {
  en: { key: 'Key', secret: 'Secret', submit: 'Sign in', title: 'Anchoring', anchored: 'Anchored', failed: 'Failed', older: 'Older batches', batch: 'Batch 20', all: 'All batches' },
  es: { key: 'Clave', secret: 'Secreto', submit: 'Acceder', title: 'Anclaje', anchored: 'Anclado', failed: 'Fallido', older: 'Lotes más antiguos', batch: 'Lote 20', all: 'Todos los lotes' },
};

async function signIn(page: Page, admin: { key: string; secret: string }, t: (typeof TEXTS)['en']): Promise<void> {
  await page.getByLabel(t.key).fill(admin.key);
  await page.getByLabel(t.secret).fill(admin.secret);
  await page.getByRole('button', { name: t.submit }).click();
}

/**
 * The anchoring page of the admin console in chromium: reached through the console's sign-in,
 * batches anchored, failed and pending with an explorer link, more than a page of them; axe-clean
 * in English and Spanish and on a phone, without CSP problems, and usable without JavaScript.
 */
browserTests.describe('the anchoring page of the admin console in a browser', () => {
  let lrs: TestLrs | undefined;
  let admin: { key: string; secret: string };
  const browser = useBrowser(async () => {
    const env = { ...TEST_STARKNET_ENV, ANCHOR_MAX_BATCH: '1', STARKNET_EXPLORER_TX_URL: 'https://explorer.test/tx/{tx}' };
    const chain = new InMemoryChain();
    lrs = await createTestLrs(env, [loadAnchoringPlugin(env, { chain })]);
    admin = await lrs.storage.credentials.create({ name: 'Operator', scopes: ['admin'] });
    const job = lrs.services.plugins.find((plugin) => plugin.name === 'anchoring')!.jobs[0]!.job;
    const statements = Array.from({ length: 22 }, () => sampleStatement());
    await request(lrs.app).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth).send(statements).expect(200);
    // Batches of one statement: each run confirms the batch in flight and sends the next one.
    for (let run = 0; run < 21; run++) await job.run(); // 20 anchored, the 21st sent
    chain.failNextSends = 1;
    await job.run(); // the 21st anchored; the 22nd, recorded in the same run, fails to send
    return lrs.app;
  });
  afterAll(() => lrs?.close());

  for (const locale of ['en', 'es'] as const) {
    const t = TEXTS[locale];
    it(`${locale}: signs in, shows the batches with explorer links and pages back — accessible, without CSP problems`, async () => {
      const { page, problems } = await browser.open(ANCHORING_CONSOLE_PATH, { locale });
      await signIn(page, admin, t);
      expect(new URL(page.url()).pathname).toBe(ANCHORING_CONSOLE_PATH);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(t.title);
      const rows = page.getByRole('region').getByRole('row');
      expect(await rows.count()).toBe(21); // the header and 20 batches
      expect(await rows.nth(1).getByRole('cell').first().textContent()).toBe(t.failed);
      expect(await rows.nth(2).getByRole('cell').first().textContent()).toBe(t.anchored);
      expect(await rows.nth(2).getByRole('link').nth(1).getAttribute('href')).toMatch(/^https:\/\/explorer\.test\/tx\/0x[0-9a-f]+$/);
      await expectAccessible(page);

      await rows.nth(2).getByRole('link', { name: t.batch }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(t.batch);
      await expectAccessible(page);
      await page.getByRole('link', { name: t.all }).click();

      await page.getByRole('link', { name: t.older }).click();
      expect(await page.getByRole('region').getByRole('row').count()).toBe(3); // the header and batches 1 and 0
      await expectAccessible(page);
      expect(problems()).toEqual([]);
    });
  }

  it('works without JavaScript and on a phone', async () => {
    const { page } = await browser.open(ANCHORING_CONSOLE_PATH, { javaScriptEnabled: false });
    await signIn(page, admin, TEXTS.en);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Anchoring');
    await page.getByRole('link', { name: 'Older batches' }).click();
    expect(new URL(page.url()).search).toBe('?before=2');

    const phone = await browser.open(ANCHORING_CONSOLE_PATH, MOBILE);
    await signIn(phone.page, admin, TEXTS.en);
    expect(await phone.page.getByRole('heading', { level: 1 }).textContent()).toBe('Anchoring');
    await expectAccessible(phone.page);
    expect(phone.problems()).toEqual([]);
  });
});
