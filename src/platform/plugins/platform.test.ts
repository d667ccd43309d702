/**
 * The plugin platform over HTTP, with the test plugin test-support/plugins/counter: routes mounted
 * under /plugins/<name> and guarded by the plugin's own scopes, former paths answered with 308,
 * the plugin's OpenAPI fragment merged into /openapi.json, its routes labelled in /metrics, its
 * stores opened with their declared indexes.
 */
import path from 'node:path';
import request from 'supertest';
import { createTestLrs, type TestLrs } from '../../../test-support/app';
import { loadPlugins } from './load';

const TEST_PLUGINS = path.resolve(__dirname, '../../../test-support/plugins');

let lrs: TestLrs;

beforeAll(async () => {
  lrs = await createTestLrs({}, loadPlugins(['counter'], {}, TEST_PLUGINS));
});

afterAll(() => lrs.close());

describe('a plugin route', () => {
  it('is mounted under /plugins/<name> and answers with what the plugin stores', async () => {
    const reader = await lrs.credential(['plugins/counter/read']);
    const response = await request(lrs.app).get('/plugins/counter/count').set('Authorization', reader);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ count: 0 });
  });

  it('needs credentials (401) and the plugin scope or admin (403 naming the scope)', async () => {
    const unauthenticated = await request(lrs.app).get('/plugins/counter/count');
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.body.code).toBe('UNAUTHORIZED');

    const xapiOnly = await lrs.credential(['all']);
    const forbidden = await request(lrs.app).get('/plugins/counter/count').set('Authorization', xapiOnly);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('plugins/counter/read') });

    const admin = await lrs.credential(['admin']);
    expect((await request(lrs.app).get('/plugins/counter/count').set('Authorization', admin)).status).toBe(200);
  });

  it('is reachable from its former path with a 308 that keeps the rest of the URL', async () => {
    const response = await request(lrs.app).get('/counting/count?verb=x');
    expect(response.status).toBe(308);
    expect(response.headers.location).toBe('/plugins/counter/count?verb=x');
  });

  it('is documented in /openapi.json under /plugins/<name>, with the plugin\'s tags', async () => {
    const response = await request(lrs.app).get('/openapi.json');
    expect(response.body.paths['/plugins/counter/count'].get.operationId).toBe('counterCount');
    expect(response.body.tags).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Counter' })]));
  });

  it('is labelled by its route pattern in /metrics', async () => {
    await request(lrs.app).get('/plugins/counter/count').set('Authorization', lrs.auth);
    const metrics = await request(lrs.app).get('/metrics');
    expect(metrics.text).toMatch(/keiko_http_request_duration_seconds_count\{method="GET",route="\/plugins\/counter\/count",status="(401|403|200)"\}/);
  });

  it('unknown paths under a plugin get the LRS\'s 404', async () => {
    const response = await request(lrs.app).get('/plugins/counter/nothing-here').set('Authorization', lrs.auth);
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('NO_SUCH_RESOURCE');
  });
});

describe('a plugin job', () => {
  it('is set up with the schedule its setup returned', () => {
    const [counter] = lrs.services.plugins;
    expect(counter?.jobs.map(({ name, job }) => [name, job.schedule])).toEqual([['tick', '* * * * * *']]);
  });
});
