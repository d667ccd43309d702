import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../../../test-support/app';
import { browserTests, expectAccessible, useBrowser } from '../../../test-support/browser';

const { describe: describeInBrowser } = browserTests;
const SCHOOL = 'https://school.example';

describeInBrowser('The passport timeline page, in a real browser', () => {
  let lrs: TestLrs;
  let admin: string;
  let school: string;
  const session = useBrowser(async () => {
    lrs = await createTestLrs();
    admin = await lrs.credential(['admin']);
    school = await lrs.credential(['statements/write'], 'School LMS');
    lrs.services.events.start();
    return lrs.app;
  });
  afterAll(async () => {
    await lrs?.services.events.stop();
    await lrs?.close();
  });

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
    for (const statement of statements) {
      await request(lrs.app).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', school).send(statement).expect(200);
    }
    lrs.services.events.notify();
    const deadline = Date.now() + 10_000;
    while ((await lrs.services.events.status()).find((status) => status.name === 'passport')?.lag !== 0) {
      if (Date.now() > deadline) throw new Error('the passport plugin did not catch up');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it.each(['en', 'es'] as const)('signs in, expands a session, filters by kind, and has no serious axe-core violations (%s)', async (lang) => {
    const agent = { account: { homePage: SCHOOL, name: `learner-${randomUUID()}` } };
    await storeTimeline(agent);
    const { url } = (await request(lrs.app).post('/people/login-links').set('Authorization', admin).send({ agent }).expect(201)).body;
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
