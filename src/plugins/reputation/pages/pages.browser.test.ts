import type { BrowserContextOptions } from 'playwright-core';
import { browserTests, expectAccessible, MOBILE, signedInThroughLoginLink, useBrowser } from '../../../../test-support/browser';
import { InstitutionsLrs } from '../../../../test-support/institutions-lrs';
import { attended, newSession, person, rated } from '../../../../test-support/reputation';

const { describe: describeInBrowser } = browserTests;

describeInBrowser('The reputation pages, in a real browser', () => {
  let lrs: InstitutionsLrs;
  const session = newSession();
  const tutor = person('Tomás Ruiz');
  const student = person('Ana García');
  let tutorId: string;
  const browser = useBrowser(async () => {
    lrs = await InstitutionsLrs.start();
    await lrs.store(attended(session, tutor, student));
    await lrs.store([
      rated(student, tutor, session, { score: 5, raterRole: 'student', rateeRole: 'tutor', comment: 'Explained matrices patiently.' }),
      rated(tutor, student, session, { score: 4, raterRole: 'tutor', rateeRole: 'student' }),
    ]);
    tutorId = (await lrs.signedIn(tutor)).personId;
    return lrs.lrs.app;
  });
  afterAll(() => lrs?.close());

  /** Signs in as `who` (through a login link) in a fresh browser context, then opens `path`. */
  async function signedIn(who: object, path: string, lang: 'en' | 'es', options: BrowserContextOptions = {}) {
    return signedInThroughLoginLink(browser, lrs, who, lang, options, path);
  }


  it.each(['en', 'es'] as const)("shows the person's own page with its chart, data table and forms, accessible (%s)", async (lang) => {
    const { page, problems } = await signedIn(tutor, '/plugins/reputation/me', lang);
    expect(await page.textContent('h1')).toBe(lang === 'es' ? 'Tu reputación' : 'Your reputation');
    const chart = page.getByRole('img', { name: lang === 'es' ? 'Puntuaciones al final de cada día' : 'Scores at the end of each day' });
    expect(await chart.count()).toBe(1);
    const figure = page.locator('figure', { has: chart });
    await figure.locator('summary').click();
    expect(await figure.locator('table').textContent()).toContain(lang === 'es' ? '5,00' : '5.00');
    await page.getByText(lang === 'es' ? 'Apelar esta valoración' : 'Appeal this rating').click();
    expect(await page.getByLabel(lang === 'es' ? 'Motivo' : 'Grounds', { exact: true }).count()).toBe(1);
    expect(await page.textContent('main')).toContain('Explained matrices patiently.');
    await expectAccessible(page);
    expect(problems()).toEqual([]);
  });

  it.each(['en', 'es'] as const)("shows another person's page without comments, accessible (%s)", async (lang) => {
    const { page, problems } = await signedIn(student, `/plugins/reputation/people/${tutorId}`, lang);
    expect(await page.textContent('h1')).toBe(lang === 'es' ? 'Reputación de Tomás Ruiz' : 'Reputation of Tomás Ruiz');
    expect(await page.textContent('main')).not.toContain('Explained matrices patiently.');
    await expectAccessible(page);
    expect(problems()).toEqual([]);
  });

  it('reads on a phone, with nothing yet, in Spanish', async () => {
    const { page, problems } = await signedIn(person('Nadie Aún'), '/plugins/reputation/me', 'es', MOBILE);
    expect(await page.textContent('main')).toContain('Todavía no hay valoraciones sobre ti.');
    expect(await page.locator('figure').count()).toBe(0);
    await expectAccessible(page);
    expect(problems()).toEqual([]);
  });
});
