/**
 * The plugin platform over HTTP, with the test plugin test-support/plugins/counter: routes mounted
 * under /plugins/<name> and guarded by the plugin's own scopes, former paths answered with 308,
 * the plugin's OpenAPI fragment merged into /openapi.json, its routes labelled in /metrics, its
 * stores opened with their declared indexes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { createServices } from '../../app';
import { openTestBackend } from '../../../test-support/backends';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../../../test-support/app';
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

describe('a plugin\'s event handler', () => {
  it('receives what is stored, through the durable event delivery, and voiding takes it back', async () => {
    const statement = { actor: { mbox: 'mailto:ana@example.org' }, verb: { id: 'http://adlnet.gov/expapi/verbs/completed' }, object: { id: 'http://example.org/course' } };
    const stored = await request(lrs.app).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth).send(statement);
    expect(stored.status).toBe(200);
    const count = async () => (await request(lrs.app).get('/plugins/counter/count').set('Authorization', lrs.auth)).body.count as number;
    lrs.services.events.start();
    try {
      await waitFor(async () => (await count()) === 1);
      const voiding = { ...statement, verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: stored.body[0] } };
      await request(lrs.app).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth).send(voiding).expect(200);
      lrs.services.events.notify();
      // The voiding statement counts, the voided one no longer does.
      await waitFor(async () => (await request(lrs.app).get('/plugins/counter/count?verb=http://adlnet.gov/expapi/verbs/completed').set('Authorization', lrs.auth)).body.count === 0);
      expect(await count()).toBe(1);
    } finally {
      await lrs.services.events.stop();
    }
  });

  it('is replayed by a rebuild, which empties only the stores declared derived', async () => {
    const runs = await lrs.storage.collections.open<{ at: string }>('counter', 'runs');
    await runs.put('kept', { at: 'before the rebuild' });
    const counted = await lrs.storage.collections.open('counter', 'counted');
    await counted.put('not-a-statement', { verb: 'http://example.org/stale' });
    const status = await lrs.services.events.rebuild('counter');
    expect(status.name).toBe('counter');
    expect((await runs.get('kept'))?.value).toEqual({ at: 'before the rebuild' });
    expect(await counted.get('not-a-statement')).toBeUndefined();
    expect((await request(lrs.app).get('/plugins/counter/count').set('Authorization', lrs.auth)).body.count).toBe(1);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for event delivery');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('profiles', () => {
  it('serves Keiko\'s own profiles from the first start', async () => {
    const listed = await request(lrs.app).get('/profiles');
    expect(listed.body.profiles.map((profile: { id: string }) => profile.id)).toEqual(
      expect.arrayContaining(['passport', 'reputation', 'marketplace', 'governance'].map((name) => `https://w3id.org/keiko/profiles/${name}`)),
    );
  });

  it('stop the LRS when a plugin defines one the registry refuses, naming the plugin and the field', async () => {
    const starting = startingWithPlugin({ profiles: ['broken.jsonld'] }, '{}', { 'broken.jsonld': JSON.stringify({ id: 'not a profile' }) });
    await expect(starting).rejects.toThrow(/^Plugin "broken": manifest\.profiles\[0\] names "broken\.jsonld", which cannot be registered: /);
  });
});

describe('a plugin\'s pages', () => {
  it('are linked from the web shell\'s header in the page\'s language', async () => {
    const english = await request(lrs.app).get('/').set('Accept', 'text/html');
    expect(english.text).toContain('<a href="/plugins/counter/count">Counts</a>');
    const spanish = await request(lrs.app).get('/?lang=es').set('Accept', 'text/html');
    expect(spanish.text).toContain('<a href="/plugins/counter/count">Recuentos</a>');
  });

  it('must be its own: a link outside /plugins/<name>/ stops the LRS', async () => {
    const setup = "{ nav: [{ href: '/admin', label: { en: 'Admin', es: 'Admin' } }] }";
    await expect(startingWithPlugin({}, setup)).rejects.toThrow('Plugin "broken": setup().nav links to "/admin", outside /plugins/broken/');
  });

  it('and so must its console sections', async () => {
    const setup = "{ console: [{ href: '/console/credentials', label: { en: 'Mine', es: 'Mío' } }] }";
    await expect(startingWithPlugin({}, setup)).rejects.toThrow('Plugin "broken": setup().console links to "/console/credentials", outside /plugins/broken/');
  });
});

/** Sets the LRS up with one plugin "broken" written to a temporary folder: its manifest changes, what its setup returns (source) and files. */
async function startingWithPlugin(manifestChanges: Record<string, unknown>, setupResult: string, files: Record<string, string> = {}): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keiko-plugin-'));
  const { backend, dispose } = await openTestBackend();
  try {
    const manifest = { name: 'broken', version: '1.0.0', description: 'x', profiles: [], scopes: {}, stores: {}, jobs: [], ...manifestChanges };
    fs.mkdirSync(path.join(dir, 'broken'));
    fs.writeFileSync(path.join(dir, 'broken', 'index.js'), `exports.default = { manifest: ${JSON.stringify(manifest)}, setup: () => (${setupResult}) };\n`);
    for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, 'broken', file), content);
    await createServices(backend, pino({ level: 'silent' }), { lrsHomePage: 'http://lrs.test/', plugins: loadPlugins('all', {}, dir), jsonBodyLimitBytes: 1_000_000 });
  } finally {
    await dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('a plugin job', () => {
  it('is set up with the schedule its setup returned', () => {
    const [counter] = lrs.services.plugins;
    expect(counter?.jobs.map(({ name, job }) => [name, job.schedule])).toEqual([['tick', '* * * * * *']]);
  });
});
