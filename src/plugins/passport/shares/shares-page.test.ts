import request from 'supertest';
import { PassportTestLrs, statement } from '../../../../test-support/passport';
import { pathOf, shareJson, sharePage, SHARES } from '../../../../test-support/passport-shares';
import { csrfFieldOf } from '../../../../test-support/people';
import { PUBLIC_SHARE_RATE_LIMIT } from './public-page';

/** The learner's shares page and its forms, the public page's tags and the public routes' rate limit, over HTTP. */
const PAGE = '/plugins/passport/shares';

let passport: PassportTestLrs;

beforeAll(async () => {
  passport = await PassportTestLrs.start();
});
afterAll(() => passport.close());

async function shareLinkOn(browser: request.Agent): Promise<string | undefined> {
  const page = await browser.get(PAGE).expect(200);
  return /<a href="(http:\/\/lrs\.test\/plugins\/passport\/s\/[^"]+)" class="share-link"/.exec(page.text)?.[1];
}

describe('the shares page', () => {
  it('makes a share of the whole passport with its form, shows its link and QR code once, and revokes it with its button', async () => {
    const { browser, identity } = await passport.signedIn();
    await passport.store([statement(identity)]);
    const empty = await browser.get(PAGE).expect(200);
    expect(empty.text).toContain('You have not shared anything yet.');

    const made = await browser.post(PAGE).type('form').send({ _csrf: csrfFieldOf(empty.text), all: '1', expiresInDays: '7' }).expect(303);
    expect(made.headers.location).toBe(PAGE);
    expect(JSON.stringify(made.headers)).not.toMatch(/plugins\/passport\/s\//);
    const shown = await browser.get(PAGE).expect(200);
    const url = /<a href="(http:\/\/lrs\.test\/plugins\/passport\/s\/[^"]+)" class="share-link"/.exec(shown.text)?.[1];
    expect(url).toBeDefined();
    expect(shown.text).toMatch(/<img class="share-qr" src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="QR code of the share link"/);
    expect(shown.text).toContain('Whole passport');
    expect(await shareLinkOn(browser)).toBeUndefined();
    await shareJson(passport, url!).expect(200);

    const [share] = (await browser.get(SHARES).expect(200)).body.shares;
    expect(Math.abs(Date.parse(share.expiresAt) - Date.parse(share.createdAt) - 7 * 24 * 3600 * 1000)).toBeLessThan(5000);
    const list = await browser.get(PAGE).expect(200);
    await browser.post(`${PAGE}/${share.id}/revoke`).type('form').send({ _csrf: csrfFieldOf(list.text) }).expect(303);
    await shareJson(passport, url!).expect(410);
    const after = await browser.get(`${PAGE}?lang=es`).expect(200);
    expect(after.text).toContain('Revocado');
    expect(after.text).not.toContain(`${PAGE}/${share.id}/revoke`);
  });

  it('takes the selected items of the timeline page\'s form', async () => {
    const { browser, identity } = await passport.signedIn();
    const [one, two] = await passport.store([statement(identity), statement(identity)]);
    const page = await browser.get(PAGE).expect(200);
    await browser.post(PAGE).type('form').send(`_csrf=${csrfFieldOf(page.text)}&items=${one}&items=${two}`).expect(303);
    expect((await browser.get(SHARES).expect(200)).body.shares).toEqual([expect.objectContaining({ scope: 'selection', itemCount: 2 })]);
  });

  it('refuses a form without its CSRF token (403) or with a bad expiry (400), making nothing', async () => {
    const { browser, identity } = await passport.signedIn();
    await passport.store([statement(identity)]);
    await browser.post(PAGE).type('form').send({ all: '1' }).expect(403);
    const page = await browser.get(PAGE).expect(200);
    for (const expiresInDays of ['0', '366', 'soon']) {
      const refused = await browser.post(PAGE).type('form').send({ _csrf: csrfFieldOf(page.text), all: '1', expiresInDays }).expect(400);
      expect(refused.text).toContain('expiresInDays must be a whole number of days from 1 to 365');
    }
    expect((await browser.get(SHARES).expect(200)).body.shares).toEqual([]);
  });

  it('sends a visitor without a session to sign in', async () => {
    const response = await request(passport.lrs.app).get(PAGE).set('Accept', 'text/html').expect(303);
    expect(response.headers.location).toMatch(/^\/sign-in\?return=/);
  });
});

describe('the public share page', () => {
  it('has OpenGraph tags naming no one, a QR code of its link, and the script that verifies it', async () => {
    const { browser, identity } = await passport.signedIn();
    await passport.store([statement(identity)]);
    const created = (await browser.post(SHARES).set('Content-Type', 'application/json').send('{"items":"all"}').expect(201)).body;
    const page = await sharePage(passport, created.url).expect(200);
    expect(page.text).toContain(`<meta property="og:url" content="${created.url}"`);
    expect(page.text).toContain('<meta property="og:title" content="Shared learning record"');
    expect(page.text).toContain('<meta property="og:type" content="website"');
    expect(page.text).toContain('<meta property="og:description" content="1 verifiable learning record"');
    expect(page.text).toContain('<script type="module" src="/plugins/passport/share-page.js">');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.text).toMatch(/<img class="share-qr" src="data:image\/svg\+xml;base64,/);
    expect(page.text).not.toContain(identity.account.name);
    const script = await request(passport.lrs.app).get('/plugins/passport/share-page.js').expect(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(pathOf(created.url)).toMatch(/^\/plugins\/passport\/s\//);
  });
});

describe('the public routes\' rate limit', () => {
  it('answers 429 with Retry-After past the limit per address, to pages and JSON alike', async () => {
    const url = 'http://lrs.test/plugins/passport/s/no-such-token';
    let answered = 0;
    let limited = await shareJson(passport, url);
    for (; limited.status === 404; limited = await shareJson(passport, url)) answered++;
    // The tests above opened a few shares from the same address within the minute.
    expect(answered).toBeGreaterThan(PUBLIC_SHARE_RATE_LIMIT.requests - 20);
    expect(answered).toBeLessThanOrEqual(PUBLIC_SHARE_RATE_LIMIT.requests);
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((await sharePage(passport, url).expect(429)).headers['retry-after']).toBeDefined();
  });
});
