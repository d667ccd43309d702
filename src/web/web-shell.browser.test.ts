import { createTestLrs, type TestLrs } from '../../test-support/app';
import { browserTests, expectAccessible, MOBILE, useBrowser } from '../../test-support/browser';
import { webShellTestApp } from '../../test-support/web-pages';

const { describe: describeInBrowser } = browserTests;

describeInBrowser('the web shell in chromium', () => {
  const browser = useBrowser(webShellTestApp);

  it('shows the home page in English, styled, with no CSP violation or failed request, and passes axe', async () => {
    const { page, problems } = await browser.open('/', { locale: 'en-GB' });
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.title()).toBe('Keiko LRS · Keiko');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Keiko LRS');
    expect(await page.getByRole('link', { name: 'API documentation' }).first().getAttribute('href')).toBe('/docs');
    const headerBackground = await page.locator('.site-header').evaluate((header) => getComputedStyle(header).backgroundColor);
    expect(headerBackground).toBe('rgb(18, 53, 91)');
    await expectAccessible(page);
    expect(problems()).toEqual([]);
  });

  it('shows the home page in Spanish to a Spanish browser, and passes axe', async () => {
    const { page, problems } = await browser.open('/', { locale: 'es-ES' });
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    expect(await page.getByRole('link', { name: 'Iniciar sesión' }).first().getAttribute('href')).toBe('/sign-in');
    await expectAccessible(page);
    expect(problems()).toEqual([]);
  });

  it('switches language with a link, and remembers it, with JavaScript disabled', async () => {
    const { page, problems } = await browser.open('/', { locale: 'en-US', javaScriptEnabled: false });
    expect(await page.getByRole('heading', { name: 'What it does' }).count()).toBe(1);
    await page.getByRole('link', { name: 'Español' }).click();
    await page.waitForURL('**/?lang=es');
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    expect(await page.getByRole('heading', { name: 'Qué hace' }).count()).toBe(1);
    await page.getByRole('link', { name: 'Inicio' }).click();
    await page.waitForURL((url) => url.search === '');
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    expect(problems()).toEqual([]);
  });

  it('sends a CSRF-protected form with JavaScript disabled', async () => {
    const { page, problems } = await browser.open('/demo/form', { javaScriptEnabled: false });
    await page.getByLabel('Name').fill('Ana');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForURL('**/demo/form');
    expect(await page.locator('.sent').textContent()).toBe('Received Ana');
    expect(problems()).toEqual([]);
  });

  it('shows the 404 page in the browser’s language, and it passes axe', async () => {
    const { page, problems } = await browser.open('/no/such/page', { locale: 'es' });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Página no encontrada');
    await expectAccessible(page);
    expect(problems()).toEqual([]);
  });

  it('lets a keyboard user skip to the content: the skip link is first and visible when focused', async () => {
    const { page } = await browser.open('/');
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    expect(await focused.textContent()).toBe('Skip to main content');
    const box = await focused.boundingBox();
    expect(box && box.y >= 0 && box.height > 0).toBe(true);
    expect(await focused.evaluate((link) => getComputedStyle(link).outlineStyle)).toBe('solid');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
  });

  it('fits a phone’s screen without sideways scrolling, and passes axe there', async () => {
    for (const path of ['/', '/demo/charts', '/demo/charts?viewer=1&lang=es']) {
      const { page, problems } = await browser.open(path, MOBILE);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await expectAccessible(page);
      expect(problems()).toEqual([]);
    }
  });

  it('draws the charts as SVG named for screen readers, styled by the stylesheet, with their data tables', async () => {
    const { page, problems } = await browser.open('/demo/charts');
    const bars = page.getByRole('img', { name: 'Statements by verb' });
    expect(await bars.count()).toBe(1);
    expect(await bars.locator('rect.chart__bar').count()).toBe(3);
    const barFill = await bars.locator('rect.chart__bar').first().evaluate((bar) => getComputedStyle(bar).fill);
    expect(barFill).toBe('rgb(0, 114, 178)');
    const barWidth = (await bars.locator('rect.chart__bar').first().boundingBox())?.width ?? 0;
    expect(barWidth).toBeGreaterThan(100);
    const lines = page.getByRole('img', { name: 'Statements per day' });
    expect(await lines.locator('polyline').count()).toBe(2);
    expect(await page.getByRole('table', { name: 'Statements per day' }).isVisible()).toBe(false);
    await page.getByText('Data table').nth(1).click();
    expect(await page.getByRole('table', { name: 'Statements per day' }).isVisible()).toBe(true);
    await expectAccessible(page);
    expect(problems()).toEqual([]);
  });

  it('reports a violation of its CSP on the console (the check that the others rely on)', async () => {
    const { page, problems } = await browser.open('/');
    const reported = page.waitForEvent('console', { predicate: (message) => message.text().includes('Content Security Policy') });
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'document.title = "injected"';
      document.body.append(script);
    });
    await reported;
    expect(await page.title()).toBe('Keiko LRS · Keiko');
    expect(problems().join('\n')).toMatch(/Content Security Policy/);
  });
});

describeInBrowser('the LRS’s own pages in chromium', () => {
  let lrs: TestLrs | undefined;
  const browser = useBrowser(async () => {
    lrs = await createTestLrs();
    return lrs.app;
  });

  afterAll(async () => {
    await lrs?.close();
  });

  it('serves its home and 404 pages in both languages, clean for axe and the CSP', async () => {
    for (const [path, locale, heading] of [
      ['/', 'en', 'Keiko LRS'],
      ['/', 'es', 'Keiko LRS'],
      ['/missing', 'en', 'Page not found'],
      ['/missing', 'es', 'Página no encontrada'],
    ] as const) {
      const { page, problems } = await browser.open(path, { locale });
      expect(await page.getAttribute('html', 'lang')).toBe(locale);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(heading);
      await expectAccessible(page);
      expect(problems()).toEqual([]);
    }
  });
});
