import type { Page } from 'playwright-core';
import { browserTests, expectAccessible, MOBILE, useBrowser } from '../../../../test-support/browser';
import { DEAD_LETTERS_PATH, FEDERATION_CONSOLE_PATH } from './parts';
import { PUSHED_ID, standInConsole, type StandInConsole } from './stand-ins.contract';

const TEXTS = {
  // English replays north's pushed letter with its own button; Spanish replays all of locker's.
  en: { key: 'Key', secret: 'Secret', submit: 'Sign in', title: 'Federation', letters: 'Dead letters', see: 'See the dead letters', replay: `Replay ${PUSHED_ID} (north)`, replayed: 'One dead letter went back to delivery.' },
  es: { key: 'Clave', secret: 'Secreto', submit: 'Acceder', title: 'Federación', letters: 'Envíos apartados', see: 'Ver los envíos apartados', replay: 'Volver a entregar todos los de locker', replayed: 'Un envío apartado volvió a la entrega.' },
};

async function signIn(page: Page, admin: { key: string; secret: string }, t: (typeof TEXTS)['en']): Promise<void> {
  await page.getByLabel(t.key).fill(admin.key);
  await page.getByLabel(t.secret).fill(admin.secret);
  await page.getByRole('button', { name: t.submit }).click();
}

/**
 * The federation pages of the admin console in chromium, over stood-in services: reached through
 * the console's sign-in, the overview's tables, the dead letters' Replay and Replay all forms
 * (303 back with the notice); axe-clean in English and Spanish and on a phone, without CSP
 * problems (no script at all), and usable without JavaScript.
 */
browserTests.describe('the federation pages of the admin console in a browser', () => {
  let on: StandInConsole | undefined;
  let admin: { key: string; secret: string };
  const browser = useBrowser(async () => {
    on = await standInConsole();
    admin = await on.lrs.storage.credentials.create({ name: 'Operator', scopes: ['admin'] });
    return on.lrs.app;
  });
  afterAll(() => on?.lrs.close());

  for (const locale of ['en', 'es'] as const) {
    const t = TEXTS[locale];
    it(`${locale}: signs in, shows the overview, replays a letter (en: one, es: all of a peer) — accessible, without CSP problems`, async () => {
      const { page, problems } = await browser.open(FEDERATION_CONSOLE_PATH, { locale });
      await signIn(page, admin, t);
      expect(new URL(page.url()).pathname).toBe(FEDERATION_CONSOLE_PATH);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(t.title);
      expect(await page.getByRole('table').count()).toBe(3); // peers, subscriptions, pulls
      await expectAccessible(page);

      await page.getByRole('link', { name: t.see }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(t.letters);
      await expectAccessible(page);
      await page.getByRole('button', { name: t.replay }).click();
      expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(`${DEAD_LETTERS_PATH}?replayed=1`);
      expect(await page.getByRole('status').textContent()).toBe(t.replayed);
      await expectAccessible(page);
      expect(problems()).toEqual([]);
    });
  }

  it('works without JavaScript and on a phone', async () => {
    const { page } = await browser.open(DEAD_LETTERS_PATH, { javaScriptEnabled: false });
    await signIn(page, admin, TEXTS.en);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Dead letters');
    await page.getByRole('link', { name: 'Federation overview' }).click();
    expect(new URL(page.url()).pathname).toBe(FEDERATION_CONSOLE_PATH);

    const phone = await browser.open(FEDERATION_CONSOLE_PATH, MOBILE);
    await signIn(phone.page, admin, TEXTS.en);
    expect(await phone.page.getByRole('heading', { level: 1 }).textContent()).toBe('Federation');
    await expectAccessible(phone.page);
    expect(phone.problems()).toEqual([]);
  });
});
