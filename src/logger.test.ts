import express from 'express';
import pinoHttp from 'pino-http';
import { Writable } from 'node:stream';
import request from 'supertest';
import { createLogger, redactUrl, requestLogSerializers } from './logger';

describe('redactUrl', () => {
  it.each([
    ['/sign-in/link/abcDEF123_-x', '/sign-in/link/[redacted]'],
    ['/sign-in/link/abc?lang=es', '/sign-in/link/[redacted]?lang=es'],
    ['/plugins/passport/s/Zm9vYmFy_-1?lang=es', '/plugins/passport/s/[redacted]?lang=es'],
    ['/plugins/passport/shares/Zm9vYmFy', '/plugins/passport/shares/Zm9vYmFy'],
    ['/sign-in/callback?code=c0de&state=s7&iss=http%3A%2F%2Fidp', '/sign-in/callback?code=[redacted]&state=[redacted]&iss=http%3A%2F%2Fidp'],
    ['/xapi/statements?agent=%7B%22mbox%22%3A%22mailto%3Aa%40b.c%22%7D&limit=5', '/xapi/statements?agent=[redacted]&limit=5'],
    ['/xapi/activities/state?activityId=x&agent=a&stateId=s', '/xapi/activities/state?activityId=[redacted]&agent=[redacted]&stateId=[redacted]'],
    ['/xapi/statements?verb=http%3A%2F%2Fv&since=2026-01-01&ascending=true', '/xapi/statements?verb=http%3A%2F%2Fv&since=2026-01-01&ascending=true'],
  ])('%s → %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });
});

/** A destination keeping what is written, one entry per write. */
function capture(): { destination: Writable; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { destination, lines };
}

describe('log lines', () => {
  it('are JSON with an ISO time unless asked to be pretty', () => {
    const { destination, lines } = capture();
    createLogger('info', destination).info({ engine: 'sqlite' }, 'Storage: sqlite at /data/keiko-lrs.db');
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ level: 30, service: 'keiko-lrs', engine: 'sqlite', msg: 'Storage: sqlite at /data/keiko-lrs.db' });
    expect(entry.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('are one readable line each, with an ISO time, level and message, when pretty', () => {
    const { destination, lines } = capture();
    createLogger('info', destination, 'pretty').info({ engine: 'sqlite' }, 'Storage: sqlite');
    expect(lines.join('')).toMatch(/^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] INFO: Storage: sqlite \{"engine":"sqlite"\}\n$/);
  });
});

describe('request logs', () => {
  it('are one info line with method, URL, status and response time, and no headers', async () => {
    const { destination, lines } = capture();
    const app = express()
      .use(pinoHttp({ logger: createLogger('info', destination), serializers: requestLogSerializers }))
      .get('/xapi/about', (_req, res) => {
        res.send('ok');
      });
    await request(app).get('/xapi/about?x=1').set('X-Experience-API-Version', '1.0.3').expect(200);
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ level: 30, req: { method: 'GET', url: '/xapi/about?x=[redacted]' }, res: { statusCode: 200 }, msg: 'request completed' });
    expect(entry.responseTime).toEqual(expect.any(Number));
    expect(lines[0]).not.toMatch(/headers|X-Experience-API-Version|1\.0\.3/i);
  });

  it('carry no login-link token, OIDC code or state, session cookie, CSRF cookie or authorization', async () => {
    const { destination, lines } = capture();
    const app = express()
      .use(pinoHttp({ logger: createLogger('info', destination), serializers: requestLogSerializers }))
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
    expect(log).toContain('/sign-in/callback?code=[redacted]&state=[redacted]&iss=x');
    for (const secret of ['login-link-secret-token', 'session-secret-value', 'old-session-secret', 'csrf-secret', 'a2V5OnNlY3JldA==', 'secret-code', 'secret-state']) {
      expect(log).not.toContain(secret);
    }
  });
});
