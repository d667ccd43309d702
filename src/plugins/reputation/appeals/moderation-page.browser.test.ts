import request from 'supertest';
import { browserTests, expectAccessible, MOBILE, signedInThroughLoginLink, useBrowser } from '../../../../test-support/browser';
import { person, ReputationTestLrs } from '../../../../test-support/reputation';
import { fileAppeal, flaggedPair, grantModerator, ratedPair } from './fixtures.contract';

const { describe: describeInBrowser } = browserTests;

describeInBrowser('The moderation page, in a real browser', () => {
  let lrs: ReputationTestLrs;
  const session = useBrowser(async () => {
    lrs = await ReputationTestLrs.start();
    return lrs.lrs.app;
  });
  afterAll(() => lrs?.close());

  /** A moderator signed in through a login link in a fresh browser context speaking `lang`. */
  async function signedInModerator(lang: 'en' | 'es', options = {}) {
    const agent = person('Marta');
    const opened = await signedInThroughLoginLink(session, lrs, agent, lang, options);
    const people = await request(lrs.lrs.app).get(`/people?agent=${encodeURIComponent(JSON.stringify(agent))}`).set('Authorization', lrs.admin).expect(200);
    await grantModerator(lrs, people.body.people[0].id);
    return opened;
  }

  it.each(['en', 'es'] as const)('opens a review and upholds an appeal with a reason; the score changes; accessible (%s)', async (lang) => {
    const { ratee, ratingId } = await ratedPair(lrs);
    await fileAppeal(lrs, ratingId, ratee);
    const opened = await signedInModerator(lang);
    const { page } = opened;
    const m = lang === 'es' ? { title: 'Moderación: apelaciones', review: 'Abrir revisión', reason: 'Tu motivo por escrito (lo leen ambas personas)', uphold: 'Aceptar: anular la valoración', grounds: 'No compartimos la sesión' } : { title: 'Moderation: appeals', review: 'Open review', reason: 'Your written reason (both people read it)', uphold: 'Uphold: void the rating', grounds: 'We did not share the session' };

    await page.goto('/plugins/reputation/moderation');
    expect(await page.textContent('h1')).toBe(m.title);
    const card = page.locator('section', { hasText: 'We never met in that session.' });
    expect(await card.textContent()).toContain(m.grounds);
    expect(await card.textContent()).toContain('Never showed up');
    await expectAccessible(page);

    await card.getByRole('button', { name: m.review }).click();
    await page.waitForURL(/\/plugins\/reputation\/moderation$/);
    await card.getByLabel(m.reason).fill('Attendance shows no shared session.');
    await expectAccessible(page);
    await card.getByRole('button', { name: m.uphold }).click();
    await page.waitForURL(/\/plugins\/reputation\/moderation$/);
    expect(await card.count()).toBe(0); // decided: no longer open

    const score = await request(lrs.lrs.app).get('/plugins/reputation/score').query({ agent: JSON.stringify(ratee) }).set('Authorization', lrs.admin).expect(200);
    expect(score.body).toMatchObject({ totalRatings: 0 });
    const upheld = await request(lrs.lrs.app).get('/plugins/reputation/api/appeals?state=upheld').set('Authorization', lrs.admin).expect(200);
    expect(upheld.body.appeals.find((row: any) => row.appeal.ratingId === ratingId).appeal.steps.at(-1)).toMatchObject({ state: 'upheld', reason: 'Attendance shows no shared session.' });
    expect(opened.problems()).toEqual([]);
  });

  it.each(['en', 'es'] as const)('confirms a flag with a penalty, then lifts it, with the forms; accessible (%s)', async (lang) => {
    const { flag } = await flaggedPair(lrs);
    const opened = await signedInModerator(lang);
    const { page } = opened;
    const m = lang === 'es' ? { title: 'Moderación: señales de fraude', kind: 'Pareja recíproca', weight: 'Peso que conservan sus valoraciones (de 0 a 0,99)', reason: 'Tu motivo por escrito', confirm: 'Confirmar: aplicar una penalización', lift: 'Levantar' } : { title: 'Moderation: fraud flags', kind: 'Reciprocal pair', weight: 'Weight left to their ratings (0 to 0.99)', reason: 'Your written reason', confirm: 'Confirm: apply a penalty', lift: 'Lift' };
    await page.goto('/plugins/reputation/moderation/flags');
    expect(await page.textContent('h1')).toBe(m.title);
    const card = page.locator('section', { has: page.locator(`#flag-${flag.id}`) });
    expect(await card.locator('h2').textContent()).toBe(m.kind);
    expect(await card.textContent()).toContain(flag.explanation);
    await expectAccessible(page);

    await card.getByLabel(m.weight).fill('0.3');
    await card.getByLabel(m.reason).fill('A reciprocal pair.');
    await card.getByRole('button', { name: m.confirm }).click();
    await page.waitForURL(/\/plugins\/reputation\/moderation\/flags$/);
    expect(await page.locator(`#flag-${flag.id}`).count()).toBe(0);
    const rows = page.locator('tbody tr', { hasText: 'Pat' });
    expect(await rows.count()).toBe(1);
    await expectAccessible(page);
    await rows.locator('input[name="reason"]').fill('Second review.');
    await rows.getByRole('button', { name: m.lift }).click();
    await page.waitForURL(/\/plugins\/reputation\/moderation\/flags$/);
    expect(await page.locator('tbody tr', { hasText: 'Pat' }).count()).toBe(0);
    expect(opened.problems()).toEqual([]);
  });

  it('fits a phone', async () => {
    const opened = await signedInModerator('en', MOBILE);
    await opened.page.goto('/plugins/reputation/moderation');
    await expectAccessible(opened.page);
    await opened.page.goto('/plugins/reputation/moderation/flags');
    await expectAccessible(opened.page);
    expect(opened.problems()).toEqual([]);
  });
});
