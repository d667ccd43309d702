import request from 'supertest';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../../test-support/app';
import { CONTENT_SECURITY_POLICY } from './security-headers';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** The web shell as src/app.ts mounts it: pages for browsers, the JSON API unchanged. */
describe('the web shell in the LRS', () => {
  let lrs: TestLrs;

  beforeAll(async () => {
    lrs = await createTestLrs();
  });

  afterAll(async () => {
    await lrs.close();
  });

  it('serves the home page at /', async () => {
    const response = await request(lrs.app).get('/').set('Accept', BROWSER_ACCEPT).set('Accept-Language', 'es');
    expect(response.status).toBe(200);
    expect(response.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(response.text).toContain('<html lang="es">');
    expect(response.text).toContain('<h1>Keiko LRS</h1>');
  });

  it('leaves the JSON routes as they were, with none of the pages’ headers', async () => {
    const health = await request(lrs.app).get('/health').set('Accept', BROWSER_ACCEPT);
    expect(health.body).toEqual({ status: 'ok' });
    const about = await request(lrs.app).get('/xapi/about').set('Accept', BROWSER_ACCEPT);
    expect(about.body.version).toContain('1.0.3');
    expect(about.headers['content-security-policy']).toBeUndefined();
    const openapi = await request(lrs.app).get('/openapi.json').set('Accept', BROWSER_ACCEPT);
    expect(openapi.body.openapi).toMatch(/^3\.1/);
    const docs = await request(lrs.app).get('/docs').set('Accept', BROWSER_ACCEPT);
    expect(docs.status).toBe(301);
    const metrics = await request(lrs.app).get('/metrics').set('Accept', BROWSER_ACCEPT);
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('answers a browser’s unknown page with HTML, and API clients and /xapi paths with JSON', async () => {
    const browser = await request(lrs.app).get('/nothing/here').set('Accept', BROWSER_ACCEPT);
    expect(browser.status).toBe(404);
    expect(browser.text).toContain('<h1>Page not found</h1>');
    const client = await request(lrs.app).get('/nothing/here');
    expect(client.body).toEqual({ code: 'NO_SUCH_RESOURCE', message: 'No resource at GET /nothing/here' });
    const xapi = await request(lrs.app).get('/xapi/nothing').set('Accept', BROWSER_ACCEPT).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth);
    expect(xapi.status).toBe(404);
    expect(xapi.body.code).toBe('NO_SUCH_RESOURCE');
  });

  it('keeps the JSON errors of the API for a browser', async () => {
    const response = await request(lrs.app).get('/xapi/statements').set('Accept', BROWSER_ACCEPT).set(XAPI_VERSION_HEADER);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('UNAUTHORIZED');
  });
});
