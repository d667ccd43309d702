import { randomUUID } from 'node:crypto';
import type { BrowserContextOptions } from 'playwright-core';
import request from 'supertest';
import { browserTests, expectAccessible, MOBILE, useBrowser } from '../../../../test-support/browser';
import { PassportTestLrs, SCHOOL } from '../../../../test-support/passport';
import learningStyleExample from '../../../profiles/keiko/passport/examples/learning-style-assessed.valid.json';

const { describe: describeInBrowser } = browserTests;

describeInBrowser('The passport learning profile page, in a real browser', () => {
  let passport: PassportTestLrs;
  const session = useBrowser(async () => {
    passport = await PassportTestLrs.start();
    return passport.lrs.app;
  });
  afterAll(() => passport?.close());

  const answered = (actor: object, scaled: number, timestamp: string) => ({
    actor,
    verb: { id: 'http://adlnet.gov/expapi/verbs/answered', display: { en: 'answered' } },
    object: { objectType: 'Activity', id: `${SCHOOL}/questions/${randomUUID()}`, definition: { name: { en: 'Question' }, type: 'http://adlnet.gov/expapi/activities/cmi.interaction' } },
    result: { score: { scaled } },
    timestamp,
  });

  /** Signs in as a new learner (through a login link) in a fresh browser context, after `statements` of theirs are stored. */
  async function signedIn(statementsOf: (actor: object) => object[], lang: 'en' | 'es', options: BrowserContextOptions = {}) {
    const agent = { account: { homePage: SCHOOL, name: `learner-${randomUUID()}` } };
    const statements = statementsOf(agent);
    if (statements.length > 0) await passport.store(statements);
    const { url } = (await request(passport.lrs.app).post('/people/login-links').set('Authorization', passport.school).send({ agent }).expect(201)).body;
    const opened = await session.open(`${new URL(url).pathname}?lang=${lang}`, options);
    await opened.page.locator('main button[type="submit"]').click();
    await opened.page.waitForURL(/\/me$/);
    await opened.page.goto('/plugins/passport/analytics');
    return opened;
  }

  it.each(['en', 'es'] as const)('shows the charts with their data tables, and has no serious axe-core violations (%s)', async (lang) => {
    const { page, problems } = await signedIn(
      (actor) => [
        { ...structuredClone(learningStyleExample), id: undefined, actor },
        answered(actor, 0.5, '2026-03-01T10:00:00Z'),
        answered(actor, 0.9, '2026-03-02T10:00:00Z'),
      ],
      lang,
    );
    expect(await page.textContent('h1')).toBe(lang === 'es' ? 'Tu perfil de aprendizaje' : 'Your learning profile');
    const styleChart = page.getByRole('img', { name: lang === 'es' ? 'Tu estilo de aprendizaje, de 0 a 100' : 'Your learning style, 0 to 100' });
    expect(await styleChart.count()).toBe(1);
    const styleFigure = page.locator('figure', { has: styleChart });
    await styleFigure.locator('summary').click();
    expect(await styleFigure.locator('table').textContent()).toContain(lang === 'es' ? 'Kinestésico58' : 'Kinesthetic58');
    expect(await page.getByRole('img', { name: lang === 'es' ? 'Tu puntuación media' : 'Your mean score' }).count()).toBe(1);
    await expectAccessible(page);
    expect(problems()).toEqual([]);
  });

  it('reads on a phone, and with nothing yet, in Spanish', async () => {
    const { page, problems } = await signedIn(() => [], 'es', MOBILE);
    expect(await page.textContent('main')).toContain('Todavía no hay puntuaciones.');
    expect(await page.locator('figure').count()).toBe(0);
    await expectAccessible(page);
    expect(problems()).toEqual([]);
  });
});
