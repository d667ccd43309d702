import type { Page } from 'playwright-core';
import { createTestLrs, type TestLrs } from '../../test-support/app';
import { browserTests, expectAccessible, MOBILE, useBrowser } from '../../test-support/browser';

const TEXTS = {
  en: {
    signIn: 'Console sign-in', key: 'Key', secret: 'Secret', submit: 'Sign in', overview: 'Console', credentials: 'Credentials',
    newCredential: 'New credential', name: 'Name', create: 'Create credential', created: 'Credential created',
    revokeTitle: 'Revoke a credential', revokeConfirm: 'Revoke it', revoked: (key: string) => `The credential ${key} is revoked.`,
  },
  es: {
    signIn: 'Acceso a la consola', key: 'Clave', secret: 'Secreto', submit: 'Acceder', overview: 'Consola', credentials: 'Credenciales',
    newCredential: 'Nueva credencial', name: 'Nombre', create: 'Crear credencial', created: 'Credencial creada',
    revokeTitle: 'Revocar una credencial', revokeConfirm: 'Revocarla', revoked: (key: string) => `La credencial ${key} está revocada.`,
  },
};

async function heading(page: Page): Promise<string | null> {
  return page.getByRole('heading', { level: 1 }).textContent();
}

browserTests.describe('the admin console in a browser', () => {
  let lrs: TestLrs | undefined;
  let admin: { key: string; secret: string };
  const browser = useBrowser(async () => {
    lrs = await createTestLrs();
    admin = await lrs.storage.credentials.create({ name: 'Operator', scopes: ['admin'] });
    return lrs.app;
  });
  afterAll(() => lrs?.close());

  for (const locale of ['en', 'es'] as const) {
    const t = TEXTS[locale];
    it(`${locale}: sign in, create a credential, revoke it — accessible, without CSP problems`, async () => {
      const { page, problems } = await browser.open('/console/credentials', { locale });
      expect(await heading(page)).toBe(t.signIn);
      await expectAccessible(page);
      await page.getByLabel(t.key).fill(admin.key);
      await page.getByLabel(t.secret).fill(admin.secret);
      await page.getByRole('button', { name: t.submit }).click();
      expect(new URL(page.url()).pathname).toBe('/console/credentials');
      expect(await heading(page)).toBe(t.credentials);
      await expectAccessible(page);

      await page.getByRole('link', { name: t.newCredential }).click();
      await expectAccessible(page);
      await page.getByLabel(t.name, { exact: true }).fill(`Moodle ${locale}`);
      await page.getByLabel('all/read', { exact: true }).check();
      await page.getByRole('button', { name: t.create }).click();
      expect(await heading(page)).toBe(t.created);
      await expectAccessible(page);
      const [key, secret] = await page.locator('dd code').allTextContents();
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);

      await page.getByRole('navigation').getByRole('link', { name: t.credentials }).click();
      await page.getByRole('link', { name: new RegExp(`Moodle ${locale}$`) }).click();
      expect(await heading(page)).toBe(t.revokeTitle);
      await expectAccessible(page);
      await page.getByRole('button', { name: t.revokeConfirm }).click();
      expect(await page.getByRole('status').textContent()).toBe(t.revoked(key));
      expect(await page.content()).not.toContain(secret);
      await expectAccessible(page);
      expect(problems()).toEqual([]);
    });
  }

  it('works without JavaScript and on a phone', async () => {
    const { page } = await browser.open('/console', { javaScriptEnabled: false });
    await page.getByLabel('Key').fill(admin.key);
    await page.getByLabel('Secret').fill(admin.secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await heading(page)).toBe('Console');
    const phone = await browser.open('/console/sign-in', MOBILE);
    await expectAccessible(phone.page);
    expect(phone.problems()).toEqual([]);
  });
});
