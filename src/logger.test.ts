import express from 'express';
import pinoHttp from 'pino-http';
import { Writable } from 'node:stream';
import request from 'supertest';
import { createLogger, redactUrl } from './logger';

describe('redactUrl', () => {
  it.each([
    ['/sign-in/link/abcDEF123_-x', '/sign-in/link/[redacted]'],
    ['/sign-in/link/abc?lang=es', '/sign-in/link/[redacted]?lang=es'],
    ['/sign-in/callback?code=c0de&state=s7&iss=http%3A%2F%2Fidp', '/sign-in/callback?code=[redacted]&state=[redacted]&iss=http%3A%2F%2Fidp'],
    ['/xapi/statements?agent=%7B%7D', '/xapi/statements?agent=%7B%7D'],
  ])('%s → %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });
});

describe('request logs', () => {
  it('carry no login-link token, OIDC code or state, session cookie, CSRF cookie or authorization', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const app = express()
      .use(pinoHttp({ logger: createLogger('info', destination) }))
      .get('/sign-in/link/:token', (_req, res) => {
        res.cookie('keiko_session', 'session-secret-value').send('ok');
      })
      .get('/sign-in/callback', (_req, res) => {
        res.send('ok');
      });
    await request(app)
      .get('/sign-in/link/login-link-secret-token')
      .set('Cookie', 'keiko_session=old-session-secret; keiko_csrf=csrf-secret')
      .set('Authorization', 'Basic a2V5OnNlY3JldA==')
      .expect(200);
    await request(app).get('/sign-in/callback?code=secret-code&state=secret-state&iss=x').expect(200);
    const log = lines.join('');
    expect(log).toContain('/sign-in/link/[redacted]');
    expect(log).toContain('"iss":"x"');
    for (const secret of ['login-link-secret-token', 'session-secret-value', 'old-session-secret', 'csrf-secret', 'a2V5OnNlY3JldA==', 'secret-code', 'secret-state']) {
      expect(log).not.toContain(secret);
    }
  });
});
