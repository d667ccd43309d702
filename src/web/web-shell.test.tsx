import request from 'supertest';
import { DEMO_SESSION_CSRF_SECRET, webShellTestApp } from '../../test-support/web-pages';
import { CONTENT_SECURITY_POLICY } from './security-headers';

const app = webShellTestApp();
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

function page(path: string) {
  return request(app).get(path).set('Accept', BROWSER_ACCEPT);
}

function setCookies(response: request.Response): string[] {
  const header = response.headers['set-cookie'] as unknown as string[] | undefined;
  return header ?? [];
}

describe('web pages', () => {
  it('serves the home page in English by default, with the security headers', async () => {
    const response = await page('/');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toBe(
      "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
      vary: 'Accept-Language, Cookie',
    });
    expect(response.text).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(response.text).toContain('<title>Keiko LRS · Keiko</title>');
    expect(response.text).toContain('<h1>Keiko LRS</h1>');
    expect(response.text).toContain('href="/docs"');
    expect(response.text).toContain('href="/sign-in"');
    expect(response.text).toContain('<a class="skip-link" href="#main">Skip to main content</a>');
    expect(response.text).toContain('<main id="main"');
    expect(setCookies(response)).toEqual([]);
  });

  it('never writes inline script or style attributes (the CSP would block them)', async () => {
    for (const path of ['/', '/demo/charts', '/demo/form', '/demo/charts?viewer=1', '/nowhere']) {
      const response = await page(path);
      expect(response.text).not.toMatch(/<script|\sstyle=|\son[a-z]+=/i);
    }
  });

  it('speaks Spanish to a browser that prefers it', async () => {
    const response = await page('/').set('Accept-Language', 'es-ES,es;q=0.9,en;q=0.5');
    expect(response.text).toContain('<html lang="es">');
    expect(response.text).toContain('Saltar al contenido principal');
    expect(response.text).toContain('Iniciar sesión');
  });

  it('falls back to English for a language it does not have', async () => {
    const response = await page('/').set('Accept-Language', 'fr-FR,fr;q=0.9');
    expect(response.text).toContain('<html lang="en">');
  });

  it('remembers a language chosen with ?lang= in a cookie, which then wins over Accept-Language', async () => {
    const chosen = await page('/?lang=es').set('Accept-Language', 'en');
    expect(chosen.text).toContain('<html lang="es">');
    const [cookie] = setCookies(chosen);
    expect(cookie).toMatch(/^lang=es; Max-Age=31536000; Path=\/; Expires=.*; HttpOnly; SameSite=Lax$/);

    const later = await page('/').set('Accept-Language', 'en').set('Cookie', 'lang=es');
    expect(later.text).toContain('<html lang="es">');
    expect(setCookies(later)).toEqual([]);

    const switchedBack = await page('/?lang=en').set('Cookie', 'lang=es');
    expect(switchedBack.text).toContain('<html lang="en">');
    expect(setCookies(switchedBack)[0]).toMatch(/^lang=en;/);
  });

  it('ignores a language it does not have in the query or the cookie', async () => {
    const response = await page('/?lang=xx').set('Cookie', 'lang=fr').set('Accept-Language', 'es');
    expect(response.text).toContain('<html lang="es">');
    expect(setCookies(response)).toEqual([]);
  });

  it('links every language to the same page, keeping its query', async () => {
    const response = await page('/demo/charts?viewer=1&lang=en');
    expect(response.text).toContain('href="/demo/charts?viewer=1&amp;lang=es" lang="es" hreflang="es"');
    expect(response.text).toContain('href="/demo/charts?viewer=1&amp;lang=en" lang="en" hreflang="en" aria-current="true"');
  });

  it('never turns the language links into links to another site', async () => {
    const response = await page('/.//evil.example/x');
    expect(response.text).not.toContain('href="//evil.example');
  });

  it('marks the current page in the navigation, which holds the site navigation', async () => {
    const response = await page('/demo/charts');
    expect(response.text).toContain('<a href="/demo/charts" aria-current="page">Charts</a>');
    expect(response.text).toContain('<a href="/">Home</a>');
    const spanish = await page('/demo/charts?lang=es');
    expect(spanish.text).toContain('<a href="/demo/charts" aria-current="page">Gráficos</a>');
  });

  it('lists a role-bound link only to a signed-in person holding the role', async () => {
    expect((await page('/demo/charts')).text).not.toContain('/demo/review');
    expect((await page('/demo/charts?viewer=1')).text).not.toContain('/demo/review');
    expect((await page('/demo/charts?viewer=1&role=tutor')).text).not.toContain('/demo/review');
    expect((await page('/demo/charts?viewer=1&role=moderator')).text).toContain('<a href="/demo/review">Review</a>');
  });

  it('escapes what it renders', async () => {
    const response = await page('/demo/charts?viewer=1');
    expect(response.text).toContain('Signed in as Ana &lt;Pérez>');
    expect(response.text).toContain('voided &lt;script>');
  });
});

describe('form targets', () => {
  it('lets a page allow its forms to lead to another origin, and only that page', async () => {
    const response = await page('/demo/provider-form');
    expect(response.headers['content-security-policy']).toBe(
      "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self' https://id.example.org:8443; frame-ancestors 'none'; base-uri 'none'",
    );
    const other = await page('/demo/form');
    expect(other.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  });

  it('refuses a form target that is not an http(s) URL (a bug of the page: 500)', async () => {
    const response = await page('/demo/bad-form-target');
    expect(response.status).toBe(500);
    expect(response.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  });
});

describe('page scripts and meta', () => {
  it('lets a page load scripts of this origin, allowing them and fetches to this origin in its CSP only', async () => {
    const response = await page('/demo/scripted');
    expect(response.headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(response.text).toContain('<script type="module" src="/static/demo.js?v=1"></script>');
    expect(response.text).toContain('<meta property="og:title" content="A &quot;card&quot; &lt;title>"/>');
    expect((await page('/demo/form')).headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  });

  it('refuses a script from anywhere else (a bug of the page: 500, no script allowed)', async () => {
    const response = await page('/demo/script-elsewhere');
    expect(response.status).toBe(500);
    expect(response.text).not.toContain('cdn.example.org');
    expect(response.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  });
});

describe('the stylesheet', () => {
  it('is linked by its content version and cached for good at that URL', async () => {
    const home = await page('/');
    const href = /<link rel="stylesheet" href="([^"]+)"/.exec(home.text)?.[1];
    expect(href).toMatch(/^\/static\/keiko\.css\?v=[0-9a-f]{12}$/);
    const css = await request(app).get(href!);
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(css.headers['x-content-type-options']).toBe('nosniff');
    expect(css.text).toContain('.skip-link');
  });

  it('is revalidated when asked for without its version', async () => {
    const css = await request(app).get('/static/keiko.css');
    expect(css.status).toBe(200);
    expect(css.headers['cache-control']).toBe('no-cache');
    expect(css.headers.etag).toBeDefined();
  });
});

describe('errors', () => {
  it('answers a browser with an HTML 404 page in its language', async () => {
    const response = await page('/no/such/page').set('Accept-Language', 'es');
    expect(response.status).toBe(404);
    expect(response.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(response.text).toContain('<html lang="es">');
    expect(response.text).toContain('<h1>Página no encontrada</h1>');
    expect(response.headers.vary).toBe('Accept, Accept-Language, Cookie');
  });

  it('keeps JSON 404s for API clients and API paths', async () => {
    const apiClient = await request(app).get('/no/such/page');
    expect(apiClient.status).toBe(404);
    expect(apiClient.body).toEqual({ code: 'NO_SUCH_RESOURCE', message: 'No resource at GET /no/such/page' });
    expect(apiClient.headers.vary).toBe('Accept');
    const apiPath = await page('/xapi/nothing');
    expect(apiPath.status).toBe(404);
    expect(apiPath.body.code).toBe('NO_SUCH_RESOURCE');
    const post = await request(app).post('/no/such/page').set('Accept', BROWSER_ACCEPT);
    expect(post.body.code).toBe('NO_SUCH_RESOURCE');
  });

  it('leaves API routes alone: JSON, no page headers', async () => {
    const response = await request(app).get('/xapi/about');
    expect(response.body).toEqual({ version: ['1.0.3'] });
    expect(response.headers['content-security-policy']).toBeUndefined();
    expect(setCookies(response)).toEqual([]);
  });

  it('shows a page’s typed error as an HTML page with its status and message', async () => {
    const response = await page('/demo/forbidden');
    expect(response.status).toBe(403);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.text).toContain('<h1>This request could not be handled</h1>');
    expect(response.text).toContain('This page belongs to someone else');
  });

  it('maps what the storage refuses to the same 4xx as the JSON API, not a 500 page', async () => {
    const response = await page('/demo/unstorable');
    expect(response.status).toBe(400);
    expect(response.text).toContain('A field name may not contain');
  });

  it('shows a bug in a page as a 500 page that tells nothing of it', async () => {
    const response = await page('/demo/broken?lang=es');
    expect(response.status).toBe(500);
    expect(response.text).toContain('<h1>Algo salió mal</h1>');
    expect(response.text).not.toContain('secret detail');
  });
});

describe('CSRF on forms', () => {
  async function formFor(cookie?: string): Promise<{ token: string; cookie: string }> {
    const get = page('/demo/form');
    const response = await (cookie ? get.set('Cookie', cookie) : get);
    const token = /name="_csrf" value="([^"]+)"/.exec(response.text)?.[1];
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    return { token: token!, cookie: cookie ?? setCookies(response)[0].split(';')[0] };
  }

  function post(body: string, cookie?: string) {
    const sent = request(app).post('/demo/form').set('Accept', BROWSER_ACCEPT).type('form').send(body);
    return cookie ? sent.set('Cookie', cookie) : sent;
  }

  it('gives a visitor a CSRF cookie and the same token in the form, once', async () => {
    const { token, cookie } = await formFor();
    expect(cookie).toBe(`keiko_csrf=${token}`);
    const again = await formFor(cookie);
    expect(again.token).toBe(token);
  });

  it('accepts a form that carries the token of its cookie', async () => {
    const { token, cookie } = await formFor();
    const response = await post(`_csrf=${token}&name=Ana`, cookie);
    expect(response.status).toBe(200);
    expect(response.text).toContain('Received Ana');
  });

  it('refuses a form without the token, with another token, or without the cookie', async () => {
    const { token, cookie } = await formFor();
    const other = await formFor();
    for (const [body, sentCookie] of [
      ['name=Ana', cookie],
      [`_csrf=${other.token}&name=Ana`, cookie],
      [`_csrf=${token}&name=Ana`, undefined],
      [`_csrf=&name=Ana`, 'keiko_csrf='],
      [`_csrf=${token}&_csrf=${token}&name=Ana`, cookie],
    ] as const) {
      const response = await post(body, sentCookie);
      expect(response.status).toBe(403);
      expect(response.text).toContain('This form has expired or did not come from this site');
      expect(response.text).not.toContain('Received');
    }
  });

  it('checks a signed-in person’s forms against the session’s secret, not the cookie', async () => {
    const { token, cookie } = await formFor();
    const refused = await request(app)
      .post('/demo/form?viewer=1')
      .type('form')
      .set('Cookie', cookie)
      .send(`_csrf=${token}&name=Ana`);
    expect(refused.status).toBe(403);
    const accepted = await request(app).post('/demo/form?viewer=1').type('form').send(`_csrf=${DEMO_SESSION_CSRF_SECRET}&name=Ana`);
    expect(accepted.status).toBe(200);
  });

  it('puts the session’s token in the header’s sign-out form', async () => {
    const response = await page('/demo/charts?viewer=1');
    expect(response.text).toContain(
      `<form class="account" method="post" action="/sign-out"><span class="account__name">Signed in as Ana &lt;Pérez></span><input type="hidden" name="_csrf" value="${DEMO_SESSION_CSRF_SECRET}"/>`,
    );
  });

  it('answers 413 to a form larger than it reads', async () => {
    const { token, cookie } = await formFor();
    const response = await post(`_csrf=${token}&name=${'a'.repeat(70 * 1024)}`, cookie);
    expect(response.status).toBe(413);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
  });
});
