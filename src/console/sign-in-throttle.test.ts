import request from 'supertest';
import { createTestLrs, type TestLrs } from '../../test-support/app';
import { csrfFieldOf } from '../../test-support/people';
import { FAILED_SIGN_IN_WINDOW_MS, MAX_FAILED_SIGN_INS, SignInThrottle } from './sign-in-throttle';

describe('SignInThrottle', () => {
  let now = 0;
  const throttle = () => new SignInThrottle(() => now);

  beforeEach(() => {
    now = 1_000_000;
  });

  it(`lets an address try until ${MAX_FAILED_SIGN_INS} failures, then makes it wait for the oldest to leave the window`, () => {
    const limiter = throttle();
    for (let failure = 0; failure < MAX_FAILED_SIGN_INS; failure++) {
      expect(limiter.waitMs('10.0.0.1')).toBeUndefined();
      limiter.recordFailure('10.0.0.1');
      now += 1000;
    }
    expect(limiter.waitMs('10.0.0.1')).toBe(FAILED_SIGN_IN_WINDOW_MS - MAX_FAILED_SIGN_INS * 1000);
    expect(limiter.waitMs('10.0.0.2')).toBeUndefined();
    now += FAILED_SIGN_IN_WINDOW_MS - MAX_FAILED_SIGN_INS * 1000 + 1;
    expect(limiter.waitMs('10.0.0.1')).toBeUndefined();
  });

  it('forgets an address’s failures when it signs in', () => {
    const limiter = throttle();
    for (let failure = 0; failure < MAX_FAILED_SIGN_INS - 1; failure++) limiter.recordFailure('10.0.0.1');
    limiter.recordSuccess('10.0.0.1');
    limiter.recordFailure('10.0.0.1');
    expect(limiter.waitMs('10.0.0.1')).toBeUndefined();
  });
});

async function failSignIns(browser: ReturnType<typeof request.agent>, key: string, forwardedFor: string): Promise<string> {
  const _csrf = csrfFieldOf((await browser.get('/console/sign-in').expect(200)).text);
  for (let failure = 0; failure < MAX_FAILED_SIGN_INS; failure++) {
    await browser.post('/console/sign-in').set('X-Forwarded-For', forwardedFor).type('form').send({ _csrf, key, secret: 'a wrong secret' }).expect(401);
  }
  return _csrf;
}

describe('console sign-in after too many failures', () => {
  let lrs: TestLrs;

  beforeAll(async () => {
    lrs = await createTestLrs();
  });
  afterAll(() => lrs.close());

  it('counts by the connection’s address without TRUST_PROXY: X-Forwarded-For chooses nothing', async () => {
    const { key, secret } = await lrs.storage.credentials.create({ name: 'Console Admin', scopes: ['admin'] });
    const browser = request.agent(lrs.app);
    const _csrf = await failSignIns(browser, key, '203.0.113.1');
    await browser.post('/console/sign-in').set('X-Forwarded-For', '203.0.113.2').type('form').send({ _csrf, key, secret }).expect(429);
  });

  it('answers 429 with Retry-After, in the page’s language, without checking even a right secret', async () => {
    const fresh = await createTestLrs();
    const { key, secret } = await fresh.storage.credentials.create({ name: 'Console Admin', scopes: ['admin'] });
    const browser = request.agent(fresh.app);
    const _csrf = await failSignIns(browser, key, '203.0.113.1');
    const refused = await browser.post('/console/sign-in?lang=es').type('form').send({ _csrf, key, secret });
    await fresh.close();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(FAILED_SIGN_IN_WINDOW_MS / 1000 - 60);
    expect(refused.text).toContain('Demasiados accesos fallidos desde tu dirección. Vuelve a intentarlo en 15 minutos.');
    expect(String(refused.headers['set-cookie'])).not.toContain('keiko_console');
  });

  it('counts each client apart behind a proxy TRUST_PROXY names', async () => {
    const proxied = await createTestLrs({ TRUST_PROXY: 'loopback' });
    const { key, secret } = await proxied.storage.credentials.create({ name: 'Console Admin', scopes: ['admin'] });
    const browser = request.agent(proxied.app);
    const _csrf = await failSignIns(browser, key, '203.0.113.1');
    await browser.post('/console/sign-in').set('X-Forwarded-For', '203.0.113.1').type('form').send({ _csrf, key, secret }).expect(429);
    await browser.post('/console/sign-in').set('X-Forwarded-For', '203.0.113.2').type('form').send({ _csrf, key, secret }).expect(303);
    await proxied.close();
  });
});
