import request from 'supertest';
import { createTestLrs, type TestLrs } from '../../test-support/app';

/** /metrics behind METRICS_TOKEN, over HTTP in the whole app. */
describe('/metrics', () => {
  let lrs: TestLrs | undefined;

  afterEach(async () => {
    await lrs?.close();
    lrs = undefined;
  });

  it('is open without METRICS_TOKEN (a scraper on a private network)', async () => {
    lrs = await createTestLrs({ PLUGINS: 'none' });
    const response = await request(lrs.app).get('/metrics').expect(200);
    expect(response.text).toContain('keiko_statements_stored_total 0');
  });

  describe('with METRICS_TOKEN', () => {
    const token = 'scrape-token-0123456789';

    beforeEach(async () => {
      lrs = await createTestLrs({ PLUGINS: 'none', METRICS_TOKEN: token });
    });

    it('answers the bearer of the token', async () => {
      const response = await request(lrs!.app).get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
      expect(response.text).toContain('keiko_statements_stored_total 0');
    });

    it.each([
      ['no Authorization header', undefined],
      ['another token', 'Bearer scrape-token-0123456780'],
      ['a prefix of the token', 'Bearer scrape-token'],
      ['the token as HTTP Basic credentials', `Basic ${Buffer.from(`${token}:${token}`).toString('base64')}`],
    ])('refuses %s with 401 METRICS_TOKEN_REQUIRED and a Bearer challenge', async (_case, authorization) => {
      const call = request(lrs!.app).get('/metrics');
      const response = await (authorization === undefined ? call : call.set('Authorization', authorization)).expect(401);
      expect(response.body).toMatchObject({ code: 'METRICS_TOKEN_REQUIRED', message: expect.stringContaining('Bearer') });
      expect(response.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(response.text).not.toContain('keiko_');
    });

    it('leaves /health and /ready open', async () => {
      await request(lrs!.app).get('/health').expect(200);
      await request(lrs!.app).get('/ready').expect(200);
    });
  });
});
