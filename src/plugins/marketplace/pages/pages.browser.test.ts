import { DateTime } from 'luxon';
import type { Locator, Page } from 'playwright-core';
import { browserTests, expectAccessible, MOBILE, signedInThroughLoginLink, useBrowser } from '../../../../test-support/browser';
import { MarketplaceTestLrs, schoolAgent, type TestAgent } from '../../../../test-support/marketplace';
import { startWired } from './wired.contract';

const { describe: describeInBrowser } = browserTests;

/**
 * The marketplace's pages on the whole LRS in Chromium: an owner registers a space and publishes
 * its week through the hosting page, a verifier verifies it from the queue, a booker searches with
 * filters, opens the space, holds, sees the cost, confirms and cancels; every page checked with
 * axe in English and Spanish, without console errors or CSP violations.
 */
describeInBrowser('The marketplace pages, in a real browser', () => {
  let lrs: MarketplaceTestLrs;
  const owner = schoolAgent('Olga Dueña');
  const verifier = schoolAgent('Vera Verificadora');
  const booker = schoolAgent('Bruno Reserva');
  const browser = useBrowser(async () => {
    lrs = await startWired();
    await lrs.signedInVerifier(verifier);
    return lrs.lrs.app;
  });
  afterAll(() => lrs?.close());
  const tomorrow = DateTime.now().setZone('Europe/Madrid').plus({ days: 1 }).toISODate()!;

  /** Signs in as `who` through a login link in a fresh context speaking `lang`, then opens `path`. */
  async function signedIn(who: TestAgent, path: string, lang: 'en' | 'es', options = {}) {
    return signedInThroughLoginLink(browser, lrs, who, lang, options, path);
  }


  /** The main content's text, spaces (Intl's no-break ones too) as plain spaces. */
  async function mainText(page: Page): Promise<string> {
    return ((await page.textContent('main')) ?? '').replace(/\s+/g, ' ');
  }

  /** Clicks a submit button (of `within`, the whole page by default) and waits for the page the form's 303 leads to. */
  async function submitAndWait(page: Page, button: string, url: RegExp, within: Page | Locator = page) {
    // A form answered with 303 to the page it is on keeps the URL: wait for the navigation itself.
    await Promise.all([page.waitForNavigation({ url }), within.getByRole('button', { name: button, exact: true }).click()]);
  }

  it.each(['en', 'es'] as const)('lets an owner register a space and publish its week, accessible (%s)', async (lang) => {
    const es = lang === 'es';
    const { page, problems } = await signedIn(owner, '/plugins/marketplace/hosting', lang);
    expect(await page.textContent('h1')).toBe(es ? 'Tus espacios' : 'Hosting');
    await expectAccessible(page);
    const name = es ? 'Aula Luna' : 'Moon Room';
    await page.getByLabel(es ? 'Nombre' : 'Name', { exact: true }).fill(name);
    await page.getByLabel(es ? 'Calle y número' : 'Street and number').fill('Calle Mayor 1');
    await page.getByLabel(es ? 'Localidad' : 'Town or city').fill('Madrid');
    await page.getByLabel(es ? 'País (dos letras, p. ej. ES)' : 'Country (two letters, e.g. ES)').fill('ES');
    await page.getByLabel(es ? 'Latitud' : 'Latitude').fill('40.4168');
    await page.getByLabel(es ? 'Longitud' : 'Longitude').fill('-3.7038');
    await page.getByLabel(es ? 'Capacidad' : 'Capacity', { exact: true }).fill('12');
    await page.getByLabel(es ? 'Certificaciones declaradas' : 'Certifications claimed').fill('fire-safety, child-safeguarding');
    await page.getByLabel(es ? 'Precio por hora (p. ej. 12.50)' : 'Hourly rate (e.g. 12.50)').fill('12.50');
    await submitAndWait(page, es ? 'Registrar' : 'Register', /\/plugins\/marketplace\/hosting#space-/);
    const article = page.locator('article', { has: page.getByRole('link', { name }) });
    await article.locator('summary').first().click();
    for (const day of es ? ['Lunes', 'Sábado'] : ['Monday', 'Saturday']) await article.getByLabel(day).first().check();
    await article.getByLabel(es ? 'Abre' : 'Opens').first().fill('08:00');
    await article.getByLabel(es ? 'Cierra' : 'Closes').first().fill('20:00');
    await submitAndWait(page, es ? 'Publicar disponibilidad' : 'Publish availability', /\/plugins\/marketplace\/hosting#space-/, article);
    expect(await article.textContent()).toContain(es ? 'Lunes, Sábado 08:00–20:00' : 'Monday, Saturday 08:00–20:00');
    await expectAccessible(page);
    expect(problems()).toEqual([]);
  });

  it.each(['en', 'es'] as const)('lets a verifier verify a space from the queue, accessible (%s)', async (lang) => {
    const es = lang === 'es';
    const space = await lrs.registerSpace({ name: { en: `Queued ${lang}` } });
    await lrs.publishAvailability(space.id);
    const { page, problems } = await signedIn(verifier, '/plugins/marketplace/verification', lang);
    expect(await page.textContent('h1')).toBe(es ? 'Verificación de espacios' : 'Space verification');
    const queued = page.locator('article', { has: page.getByRole('link', { name: `Queued ${lang}` }) });
    await queued.locator('summary').first().click();
    await expectAccessible(page);
    await queued.getByLabel(es ? 'Seguro para menores' : 'Child-safe').check();
    await submitAndWait(page, es ? 'Registrar la verificación' : 'Record verification', /\/plugins\/marketplace\/verification$/, queued);
    const verified = (await lrs.call(await lrs.booker(), 'get', `/spaces/${space.id}`).expect(200)).body;
    expect(verified.verified).toMatchObject({ childSafe: true, certifications: ['child-safeguarding', 'fire-safety'] });
    expect(problems()).toEqual([]);
  });

  it.each(['en', 'es'] as const)('lets a person search with filters, open a space, be told why a booking is refused, hold, see the cost, confirm and cancel, accessible (%s)', async (lang) => {
    const es = lang === 'es';
    const name = `Sun Room ${lang}`;
    await lrs.bookableSpace({ name: { en: name }, address: { street: 'Calle Sol 3', locality: 'Madrid', country: 'ES', latitude: 40.5, longitude: -3.6 } });
    const { page, problems } = await signedIn(booker, '/plugins/marketplace/search', lang);
    await expectAccessible(page);
    await page.getByLabel(es ? 'Cerca de (latitud, longitud)' : 'Near (latitude, longitude)').fill('40.5,-3.6');
    await page.getByLabel(es ? 'Solo verificados como seguros para menores (grupos con menores)' : 'Verified child-safe only (for groups with minors)').check();
    await page.getByLabel(es ? 'Accesibilidad verificada' : 'Verified accessibility features').fill('step-free-access');
    await submitAndWait(page, es ? 'Buscar' : 'Search', /childSafe=true/);
    await expectAccessible(page);
    await Promise.all([page.waitForURL(/\/listing\//), page.getByRole('link', { name }).click()]);
    expect(await page.textContent('h1')).toBe(name);
    expect(await page.getByRole('table', { name: new RegExp(es ? 'Los próximos 7 días' : 'The next 7 days') }).count()).toBe(1);
    await expectAccessible(page);
    // An end before the start: the page says why, in the page's language, and leads back to the form.
    await page.getByLabel(es ? 'Inicio' : 'Start', { exact: true }).fill(`${tomorrow}T12:00`);
    await page.getByLabel(es ? 'Fin' : 'End', { exact: true }).fill(`${tomorrow}T10:00`);
    await submitAndWait(page, es ? 'Retener esta hora' : 'Hold this time', /\/hold$/);
    expect(await page.textContent('h1')).toBe(es ? 'No se pudo hacer' : 'That could not be done');
    expect(await mainText(page)).toContain(es ? 'Las horas no son válidas' : 'The times are not valid');
    await expectAccessible(page);
    await Promise.all([page.waitForURL(/\/listing\/[0-9a-f-]{36}$/), page.getByRole('link', { name: es ? 'Volver al formulario' : 'Back to the form' }).click()]);
    await page.getByLabel(es ? 'Inicio' : 'Start', { exact: true }).fill(`${tomorrow}T10:00`);
    await page.getByLabel(es ? 'Fin' : 'End', { exact: true }).fill(`${tomorrow}T12:00`);
    await page.getByLabel(es ? 'Participantes' : 'Participants').fill('6');
    await submitAndWait(page, es ? 'Retener esta hora' : 'Hold this time', /\/plugins\/marketplace\/bookings\/[0-9a-f-]{36}$/);
    expect(await mainText(page)).toContain(es ? '25,00 € (2 h a 12,50 € por hora)' : '€25.00 (2 h at €12.50 per hour)');
    await expectAccessible(page);
    await submitAndWait(page, es ? 'Confirmar y pagar este coste' : 'Confirm and pay this cost', /\/bookings\/[0-9a-f-]{36}$/);
    expect(await mainText(page)).toContain(es ? 'Confirmada' : 'Confirmed');
    await submitAndWait(page, es ? 'Cancelar la reserva' : 'Cancel the reservation', /\/bookings\/[0-9a-f-]{36}$/);
    expect(await mainText(page)).toContain(es ? 'Cancelada' : 'Cancelled');
    await page.goto('/plugins/marketplace/bookings');
    await expectAccessible(page);
    expect(problems()).toEqual([]);
  });

  it('reads on a phone: the space page', async () => {
    const space = await lrs.bookableSpace({ name: { en: 'Phone Room' } });
    const { page, problems } = await signedIn(booker, `/plugins/marketplace/listing/${space.id}`, 'es', MOBILE);
    expect(await page.textContent('h1')).toBe('Phone Room');
    await expectAccessible(page);
    expect(problems()).toEqual([]);
  });
});
