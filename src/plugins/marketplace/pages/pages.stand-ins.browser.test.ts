import { browserTests, expectAccessible, MOBILE, useBrowser } from '../../../../test-support/browser';
import { pagesApp, RESERVATION_ID, space, SPACE_ID, type Calls } from './stand-ins.contract';

const { describe: describeInBrowser } = browserTests;

/**
 * Every marketplace page in every state the stand-ins give (ratings with their chart, reports,
 * a rating form, a held reservation, the verifiers' forms) in Chromium with axe, in English and
 * Spanish and on a phone. The flow on the whole LRS is pages.browser.test.ts.
 */
describeInBrowser('The marketplace pages with stood-in services, in a real browser', () => {
  const calls: Calls = {};
  const browser = useBrowser(() => pagesApp([space()], calls));
  const headers = (roles: string) => ({ extraHTTPHeaders: { 'x-test-roles': roles } });

  const pages = [
    ['/plugins/marketplace/search', ''],
    ['/plugins/marketplace/search?near=40.41,-3.70&childSafe=true', ''],
    [`/plugins/marketplace/listing/${SPACE_ID}`, ''],
    ['/plugins/marketplace/bookings', ''],
    [`/plugins/marketplace/bookings/${RESERVATION_ID}`, ''],
    ['/plugins/marketplace/hosting', ''],
    ['/plugins/marketplace/verification', 'space-verifier'],
  ] as const;

  it.each(pages.flatMap(([path, roles]) => (['en', 'es'] as const).map((lang) => [path, lang, roles] as const)))('%s is accessible, without CSP violations (%s)', async (path, lang, roles) => {
    const { page, problems } = await browser.open(path, { locale: lang, ...headers(roles) });
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    // Folded forms are opened so that axe checks them too.
    for (const summary of await page.locator('main details > summary').all()) await summary.click();
    await expectAccessible(page);
    expect(problems()).toEqual([]);
  });

  it('reads on a phone: the space page and the hosting page', async () => {
    for (const path of [`/plugins/marketplace/listing/${SPACE_ID}`, '/plugins/marketplace/hosting']) {
      const { page, problems } = await browser.open(path, { ...MOBILE, ...headers('') });
      await expectAccessible(page);
      expect(problems()).toEqual([]);
    }
  });

  it('labels every rating score so that a screen reader names each radio button', async () => {
    const { page } = await browser.open(`/plugins/marketplace/listing/${SPACE_ID}`, { locale: 'es', ...headers('') });
    const safety = page.getByRole('group', { name: 'Seguridad' });
    expect(await safety.getByRole('radio', { name: '4 de 5' }).count()).toBe(1);
    expect(await page.getByRole('img', { name: 'Valoraciones generales por puntuación' }).count()).toBe(1);
  });
});
