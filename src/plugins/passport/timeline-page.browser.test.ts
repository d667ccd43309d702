import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { BrowserContextOptions } from 'playwright-core';
import { browserTests, expectAccessible, MOBILE, useBrowser } from '../../../test-support/browser';
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

  /** A new learner with that timeline, signed in through a login link in a fresh browser context speaking `lang`. */
  async function signedInWithTimeline(lang: 'en' | 'es', options: BrowserContextOptions = {}) {
    const agent = { account: { homePage: SCHOOL, name: `learner-${randomUUID()}` } };
    await storeTimeline(agent);
    const { url } = (await request(passport.lrs.app).post('/people/login-links').set('Authorization', passport.school).send({ agent }).expect(201)).body;
    const opened = await session.open(`${new URL(url).pathname}?lang=${lang}`, options);
    await opened.page.locator('main button[type="submit"]').click();
    await opened.page.waitForURL(/\/me$/);
    return opened;
  }

  it.each(['en', 'es'] as const)('signs in, expands a session, filters by kind, and has no serious axe-core violations (%s)', async (lang) => {
    const opened = await signedInWithTimeline(lang);
    const { page } = opened;

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

  it.each(['en', 'es'] as const)('hides an item with its button, shows the badge, and shares two selected items, landing on the shares page (%s)', async (lang) => {
    const opened = await signedInWithTimeline(lang);
    const { page } = opened;
    const name = (text: string) => (lang === 'es' ? `${text} (es)` : text);
    /** A control's accessible name: its action, then the item's name (visually hidden, so the browser may put a space before it). */
    const named = (action: string, item: string) => new RegExp(`^${action}\\s*: ${name(item).replace(/[()]/g, '\\$&')}$`);
    const m = lang === 'es' ? { hide: 'Ocultar', hidden: 'oculto', show: 'Mostrar', select: 'Seleccionar', share: 'Compartir la selección' } : { hide: 'Hide', hidden: 'hidden', show: 'Show', select: 'Select', share: 'Share selected' };

    await page.goto('/plugins/passport/timeline?kind=achievement');
    const badge = page.locator('li.timeline__item', { hasText: name('Algebra badge') });
    expect(await badge.locator('.badge').count()).toBe(0);
    await page.getByRole('button', { name: named(m.hide, 'Algebra badge') }).click();
    await page.waitForURL(/\/plugins\/passport\/timeline\?kind=achievement$/);
    expect(await badge.locator('.badge').textContent()).toBe(m.hidden);
    expect(await page.getByRole('button', { name: named(m.show, 'Algebra badge') }).count()).toBe(1);
    await expectAccessible(page);

    await page.goto('/plugins/passport/timeline');
    await page.locator('summary', { hasText: name('Tutoring') }).click();
    await page.getByRole('checkbox', { name: named(m.select, 'Question one') }).check();
    await page.getByRole('checkbox', { name: named(m.select, 'Question two') }).check();
    expect(await page.getByRole('checkbox', { name: named(m.select, 'Algebra badge') }).count()).toBe(0); // hidden: never shared
    await expectAccessible(page);
    const [posted] = await Promise.all([page.waitForRequest((sent) => sent.method() === 'POST'), page.getByRole('button', { name: m.share, exact: true }).click()]);
    expect(new URL(posted.url()).pathname).toBe('/plugins/passport/shares');
    const form = new URLSearchParams(posted.postData() ?? '');
    expect(form.getAll('items')).toHaveLength(2);
    expect(form.get('expiresInDays')).toBe('30');
    expect(form.get('_csrf')).toBeTruthy();
    await page.waitForURL(/\/plugins\/passport\/shares$/);
    expect(await page.textContent('h1')).toBe(lang === 'es' ? 'Tus enlaces compartidos' : 'Your shares');
    expect(await page.locator('a.share-link').getAttribute('href')).toMatch(/\/plugins\/passport\/s\/[\w-]+$/);
    expect(opened.problems()).toEqual([]);
  });

  it('hides and shows an item and a whole kind on a phone without JavaScript', async () => {
    const opened = await signedInWithTimeline('en', { ...MOBILE, javaScriptEnabled: false });
    const { page } = opened;
    await page.goto('/plugins/passport/timeline');
    const badge = page.locator('li.timeline__item', { hasText: 'Algebra badge' }).locator('.badge');
    await page.getByRole('button', { name: /^Hide\s*: Algebra badge$/ }).click();
    await page.waitForURL(/\/plugins\/passport\/timeline$/);
    expect(await badge.textContent()).toBe('hidden');
    await page.getByRole('button', { name: /^Show\s*: Algebra badge$/ }).click();
    await page.waitForURL(/\/plugins\/passport\/timeline$/);
    expect(await badge.count()).toBe(0);

    await page.selectOption('#passport-hide-kind', 'session');
    await page.getByRole('button', { name: /^Hide\s*: Hide every item of a kind$/ }).click();
    await page.waitForURL(/\/plugins\/passport\/timeline$/);
    expect(await page.locator('li.timeline__item--session > details > summary .badge').textContent()).toBe('hidden');
    await page.getByRole('button', { name: /^Show again\s*: Kind: Session$/ }).click();
    await page.waitForURL(/\/plugins\/passport\/timeline$/);
    expect(await page.locator('.badge').count()).toBe(0);
    expect(opened.problems()).toEqual([]);
  });
});
