import { browserTests, expectAccessible, MOBILE, useBrowser } from '../../../../test-support/browser';
import { APPROVAL_ID, CLOSED_ID, OPEN_ID, pagesApp, SCORE_ID, SEALED_ID, SLUG, type Calls } from './stand-ins.contract';

const { describe: describeInBrowser } = browserTests;

/**
 * Every governance page with stood-in services in Chromium with axe, in English and Spanish and on
 * a phone; the closed proposal's inclusion proof checked by the page's script (the verdict read from
 * the page, < 100 ms: issue 14's goal). The journeys on the whole LRS are pages.browser.test.ts.
 */
describeInBrowser('The governance pages with stood-in services, in a real browser', () => {
  const calls: Calls = {};
  const browser = useBrowser(() => pagesApp(calls, { founder: true }));
  const signedIn = { extraHTTPHeaders: { 'x-test-roles': 'community-admin' } };

  const pages = [
    '/plugins/governance/community',
    `/plugins/governance/community/${SLUG}`,
    `/plugins/governance/community/${SLUG}/recognitions`,
    `/plugins/governance/proposal/${OPEN_ID}`,
    `/plugins/governance/proposal/${CLOSED_ID}`,
    `/plugins/governance/proposal/${APPROVAL_ID}`,
    `/plugins/governance/proposal/${SCORE_ID}`,
    `/plugins/governance/proposal/${SEALED_ID}`,
  ];

  it.each(pages.flatMap((path) => (['en', 'es'] as const).map((lang) => [path, lang] as const)))('%s is accessible, without CSP violations (%s)', async (path, lang) => {
    const { page, problems } = await browser.open(path, { locale: lang, ...signedIn });
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    await expectAccessible(page);
    expect(problems()).toEqual([]);
  });

  it('reads on a phone: the community page and the closed proposal', async () => {
    for (const path of [`/plugins/governance/community/${SLUG}`, `/plugins/governance/proposal/${CLOSED_ID}`]) {
      const { page, problems } = await browser.open(path, { ...MOBILE, ...signedIn });
      await expectAccessible(page);
      expect(problems()).toEqual([]);
    }
  });

  it.each([
    ['en', 'Verified: your vote is in the tree with this root.'],
    ['es', 'Verificado: tu voto está en el árbol con esta raíz.'],
  ] as const)('checks the voter’s inclusion proof in the page, in under 100 ms (issue 14: goals) (%s)', async (lang, verdict) => {
    const { page, problems } = await browser.open(`/plugins/governance/proposal/${CLOSED_ID}`, { locale: lang, ...signedIn });
    const status = page.locator('[data-inclusion-proof]');
    await status.and(page.locator('[data-result="verified"]')).waitFor();
    expect(await status.textContent()).toContain(verdict);
    expect(Number(await status.getAttribute('data-milliseconds'))).toBeLessThan(100);
    expect(problems()).toEqual([]);
  });

  it('names every ranking select and score input, so that a screen reader says which rank it is', async () => {
    const { page } = await browser.open(`/plugins/governance/community/${SLUG}?lang=es`, signedIn);
    expect(await page.getByRole('combobox', { name: 'En el miembro' }).count()).toBe(1);
    const { page: proposal } = await browser.open(`/plugins/governance/proposal/${OPEN_ID}?lang=es`, signedIn);
    expect(await proposal.getByRole('radio', { name: 'Sí' }).count()).toBe(1);
    expect(await proposal.getByRole('radio', { name: 'Abstención' }).count()).toBe(1);
    const { page: runoff } = await browser.open(`/plugins/governance/proposal/${SEALED_ID}?lang=es`, signedIn);
    expect(await runoff.getByRole('combobox', { name: 'Opción 2.ª' }).count()).toBe(1);
    const { page: score } = await browser.open(`/plugins/governance/proposal/${SCORE_ID}`, signedIn);
    expect(await score.getByRole('spinbutton', { name: 'Score for south' }).count()).toBe(1);
  });
});
