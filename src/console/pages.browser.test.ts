import type { BrowserContextOptions } from 'playwright-core';
import { createTestLrs, type TestLrs } from '../../test-support/app';
import { browserTests, expectAccessible, MOBILE, useBrowser, type OpenedPage } from '../../test-support/browser';
import { fragilePlugin, idOf, storeEach } from '../../test-support/console-pages';

const { describe: describeInBrowser } = browserTests;

const ANA = { name: 'Ana', mbox: 'mailto:ana@example.org' };
const BEN = { account: { homePage: 'https://school.example', name: 'ben' } };
const COMPLETED = { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-US': 'completed', es: 'completó' } };
const ALGEBRA = { id: 'http://example.org/algebra', definition: { name: { 'en-US': 'Algebra', es: 'Álgebra' } } };

describeInBrowser('the console’s statement, event and profile pages in chromium', () => {
  let lrs: TestLrs | undefined;
  let admin: { key: string; secret: string };
  let refusing = true;
  const poison = idOf(2);
  const browser = useBrowser(async () => {
    lrs = await createTestLrs({}, [fragilePlugin(poison, () => refusing)]);
    await storeEach(lrs.app, lrs.auth, [
      { id: idOf(1), actor: ANA, verb: COMPLETED, object: ALGEBRA },
      { id: poison, actor: BEN, verb: COMPLETED, object: ALGEBRA },
    ]);
    await lrs.services.events.rebuild('fragile'); // the poison's event is retried, then parked
    admin = await lrs.storage.credentials.create({ name: 'Console Admin', scopes: ['admin'] });
    return lrs.app;
  });
  afterAll(async () => {
    await lrs?.close();
  });

  /** Signs in through the console's form, which then opens `path`. */
  async function openSignedIn(path: string, options: BrowserContextOptions = {}): Promise<OpenedPage> {
    const opened = await browser.open(`/console/sign-in?next=${encodeURIComponent(path)}`, options);
    await opened.page.locator('input[name="key"]').fill(admin.key);
    await opened.page.locator('input[name="secret"]').fill(admin.secret);
    await opened.page.locator('main').getByRole('button').click();
    await opened.page.waitForURL((url) => `${url.pathname}${url.search}` === path);
    return opened;
  }

  it('browses statements with the filter form, in English and Spanish, clean for axe and the CSP', async () => {
    for (const [locale, heading, search] of [['en', 'Statements', 'Show statements'], ['es', 'Sentencias', 'Mostrar sentencias']] as const) {
      const { page, problems } = await openSignedIn('/console/statements', { locale });
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(heading);
      expect(await page.locator('tbody tr').count()).toBe(2);
      await expectAccessible(page);

      expect(await page.getByRole('button', { name: search }).isVisible()).toBe(false); // the filters are folded until used
      await page.getByText(locale === 'en' ? 'Filters' : 'Filtros', { exact: true }).click();
      await page.getByLabel(locale === 'en' ? 'Agent (JSON)' : 'Agente (JSON)').fill(JSON.stringify({ mbox: ANA.mbox }));
      await page.getByRole('button', { name: search }).click();
      await page.waitForURL(/agent=/);
      expect(await page.locator('tbody tr').count()).toBe(1);
      expect(await page.locator('tbody tr').textContent()).toContain('Ana');
      expect(await page.getByLabel(locale === 'en' ? 'Agent (JSON)' : 'Agente (JSON)').inputValue()).toBe(JSON.stringify({ mbox: ANA.mbox }));
      expect(problems()).toEqual([]);
    }
  });

  it('shows the form again with the problem of a bad filter, and a statement’s raw JSON, accessibly', async () => {
    const { page, problems } = await openSignedIn('/console/statements?agent=%7Bnot+json', {});
    expect(await page.getByRole('alert').textContent()).toContain('agent must be an Agent object in JSON');
    await expectAccessible(page);

    await page.goto('/console/statements');
    await page.getByRole('link', { name: /UTC/ }).first().click();
    await page.waitForURL(`**/console/statements/${poison}`);
    const json = JSON.parse((await page.locator('pre').textContent())!) as { id: string; actor: unknown };
    expect(json).toMatchObject({ id: poison, actor: BEN });
    await expectAccessible(page);
    expect(problems()).toEqual([]);
    for (const path of ['/console/statements', `/console/statements/${poison}`]) await expectAccessible((await openSignedIn(path, MOBILE)).page);
  });

  it('shows the parked event and replays it without JavaScript; the page is accessible in both languages and on a phone', async () => {
    for (const locale of ['en', 'es']) {
      const { page, problems } = await openSignedIn('/console/events', { locale });
      expect(await page.getByRole('link', { name: poison }).count()).toBe(1);
      await expectAccessible(page);
      expect(problems()).toEqual([]);
    }
    const phone = await openSignedIn('/console/events', MOBILE);
    await expectAccessible(phone.page);

    refusing = false;
    const { page, problems } = await openSignedIn('/console/events', { javaScriptEnabled: false });
    await page.getByRole('button', { name: 'Replay fragile.2.stored' }).click();
    await page.waitForURL(/replay=delivered/);
    expect(await page.getByRole('status').textContent()).toBe('The event was delivered and is no longer parked.');
    expect(await page.getByText('No event is parked.').count()).toBe(1);
    expect(problems()).toEqual([]);
  });

  it('lists the profiles and shows one, accessibly', async () => {
    const { page, problems } = await openSignedIn('/console/profiles', { locale: 'es' });
    expect(await page.locator('tbody tr').count()).toBe(4);
    await expectAccessible(page);
    await page.locator('tbody tr').first().getByRole('link').click();
    await page.waitForURL(/\/console\/profiles\/profile\?id=/);
    expect(await page.getByRole('heading', { name: 'Versiones' }).count()).toBe(1);
    await expectAccessible(page);
    expect(problems()).toEqual([]);
    const phone = await openSignedIn(new URL(page.url()).pathname + new URL(page.url()).search, MOBILE);
    await expectAccessible(phone.page);
  });
});
