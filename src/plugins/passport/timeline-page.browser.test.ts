import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { browserTests, expectAccessible, useBrowser } from '../../../test-support/browser';
import { PassportTestLrs, SCHOOL } from '../../../test-support/passport';

const { describe: describeInBrowser } = browserTests;

describeInBrowser('The passport timeline page, in a real browser', () => {
  let passport: PassportTestLrs;
  const session = useBrowser(async () => {
    passport = await PassportTestLrs.start();
    return passport.lrs.app;
  });
  afterAll(() => passport?.close());

  const activity = (name: string, type: string, id = `${SCHOOL}/activities/${randomUUID()}`) => ({ objectType: 'Activity', id, definition: { name: { en: name, es: `${name} (es)` }, type } });

  /** A learner's statements: a tutoring session with two questions, and a badge. */
  async function storeTimeline(actor: object): Promise<void> {
    const tutoring = `${SCHOOL}/sessions/${randomUUID()}`;
    const verb = { id: 'http://adlnet.gov/expapi/verbs/completed', display: { en: 'completed', es: 'completó' } };
    const inSession = { contextActivities: { parent: [{ id: tutoring }] } };
    const statements = [
      { actor, verb, object: activity('Tutoring', 'http://id.tincanapi.com/activitytype/tutor-session', tutoring) },
      { actor, verb, object: activity('Question one', 'http://adlnet.gov/expapi/activities/cmi.interaction'), context: inSession, result: { success: true } },
      { actor, verb, object: activity('Question two', 'http://adlnet.gov/expapi/activities/cmi.interaction'), context: inSession, result: { score: { raw: 3, max: 4 } } },
      { actor, verb, object: activity('Algebra badge', 'http://activitystrea.ms/schema/1.0/badge') },
    ];
    for (const statement of statements) await passport.store([statement]);
  }

  it.each(['en', 'es'] as const)('signs in, expands a session, filters by kind, and has no serious axe-core violations (%s)', async (lang) => {
    const agent = { account: { homePage: SCHOOL, name: `learner-${randomUUID()}` } };
    await storeTimeline(agent);
    const { url } = (await request(passport.lrs.app).post('/people/login-links').set('Authorization', passport.school).send({ agent }).expect(201)).body;
    const opened = await session.open(`${new URL(url).pathname}?lang=${lang}`);
    const { page } = opened;
    await page.locator('main button[type="submit"]').click();
    await page.waitForURL(/\/me$/);

    await page.goto('/plugins/passport/timeline');
    expect(await page.textContent('h1')).toBe(lang === 'es' ? 'Tu pasaporte' : 'Your passport');
    const question = page.getByText(lang === 'es' ? 'Question one (es)' : 'Question one', { exact: true });
    expect(await question.count()).toBe(1);
    expect(await question.isVisible()).toBe(false);
    await page.locator('summary', { hasText: lang === 'es' ? 'Tutoring (es)' : 'Tutoring' }).click();
    expect(await question.isVisible()).toBe(true);
    await expectAccessible(page);

    await page.selectOption('#passport-kind', 'achievement');
    await page.locator('form[role="search"] button[type="submit"]').click();
    await page.waitForURL(/kind=achievement/);
    const main = (await page.textContent('main'))!;
    expect(main).toContain(lang === 'es' ? 'Algebra badge (es)' : 'Algebra badge');
    expect(main).not.toContain('Question');
    await expectAccessible(page);
    expect(opened.problems()).toEqual([]);
  });
});
