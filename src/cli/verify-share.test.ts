import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { loadAnchoringPlugin, TEST_STARKNET_ENV } from '../../test-support/anchoring';
import { basicAuth, XAPI_VERSION_HEADER } from '../../test-support/app';
import { InMemoryChain } from '../../test-support/in-memory-chain';
import { ensureBuilt, runKeiko } from '../../test-support/keiko-cli';
import { freePort } from '../../test-support/net';
import { activity, statement } from '../../test-support/passport';
import { csrfFieldOf } from '../../test-support/people';
import { loadConfig } from '../config';
import { loadPlugins } from '../platform/plugins/load';
import { startServer, type RunningServer } from '../server';
import { EXIT } from './exit-codes';

/**
 * The compiled `keiko verify share` (and `keiko-verify share`) against shares of a whole LRS
 * listening on a port (every plugin, SQLite, anchoring on an in-memory chain), by URL and as files.
 */
const SCHOOL = 'https://school.example';
const ADMIN = { key: 'cli-admin', secret: 'cli-admin-secret' };

let dir: string;
let server: RunningServer;
let stopped = false;
let baseUrl: string;
let learner: request.Agent;
let shareUrl: string;
let shareId: string;
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
  ensureBuilt();
  dir = await mkdtemp(path.join(os.tmpdir(), 'keiko-verify-share-'));
  server = await startLrs(await freePort());
  const identity = { account: { homePage: SCHOOL, name: 'learner-1' } };
  const school = await institution();
  learner = await signIn(school, identity);
  await storeStatements(school, [statement(identity, { object: activity('Anchored quiz') }), statement({ objectType: 'Group', member: [identity, { mbox: 'mailto:someone@example.org' }] })]);
  await anchorAll();
  await storeStatements(school, [statement(identity, { object: activity('Recent quiz') })]);
  const created = await learner.post('/plugins/passport/api/shares').set('Content-Type', 'application/json').send('{"items":"all"}').expect(201);
  ({ url: shareUrl, id: shareId } = created.body as { url: string; id: string });
  await writeFile(file('share.json'), JSON.stringify(await vpAt(shareUrl)));
}, 300_000);

afterAll(async () => {
  if (!stopped) await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function startLrs(port: number): Promise<RunningServer> {
  baseUrl = `http://127.0.0.1:${port}`;
  const env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: baseUrl,
    DATA_DIR: path.join(dir, 'data'),
    LRS_ADMIN_KEY: ADMIN.key,
    LRS_ADMIN_SECRET: ADMIN.secret,
    ...TEST_STARKNET_ENV,
    ANCHOR_CRON: '0 0 1 1 *',
  };
  const config = loadConfig(env);
  const others = loadPlugins('all', env).filter(({ plugin }) => plugin.manifest.name !== 'anchoring');
  return startServer(config, pino({ level: 'silent' }), [...others, loadAnchoringPlugin(env, { chain: new InMemoryChain() })]);
}

/** School LMS: a credential writing statements and making login links for SCHOOL's accounts. */
async function institution(): Promise<string> {
  const school = await server.services.storage.credentials.create({ name: 'School LMS', scopes: ['statements/write', 'people/login-links'] });
  await request(baseUrl).put(`/people/institutions/${school.key}`).set('Authorization', basicAuth(ADMIN.key, ADMIN.secret)).send({ homePages: [SCHOOL] }).expect(200);
  return basicAuth(school.key, school.secret);
}

async function signIn(school: string, identity: object): Promise<request.Agent> {
  const { url } = (await request(baseUrl).post('/people/login-links').set('Authorization', school).send({ agent: identity }).expect(201)).body as { url: string };
  const browser = request.agent(baseUrl);
  const page = await browser.get(new URL(url).pathname).expect(200);
  const token = /name="token" value="([^"]+)"/.exec(page.text)![1]!;
  await browser.post('/sign-in/link').type('form').send({ _csrf: csrfFieldOf(page.text), token }).expect(303);
  return browser;
}

async function storeStatements(school: string, statements: object[]): Promise<void> {
  await request(baseUrl).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', school).send(statements).expect(200);
  const { events } = server.services;
  events.notify();
  const deadline = Date.now() + 10_000;
  while ((await events.status()).some((subscriber) => subscriber.lag > 0)) {
    if (Date.now() > deadline) throw new Error('event delivery did not catch up');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function anchorAll(): Promise<void> {
  const job = server.services.plugins.find((plugin) => plugin.name === 'anchoring')!.jobs.find((entry) => entry.name === 'anchor')!.job;
  for (let run = 0; run < 3; run++) await job.run(); // records and sends, confirms, finds nothing more
}

async function vpAt(url: string): Promise<Record<string, any>> {
  return (await request(url).get('').set('Accept', 'application/json').expect(200)).body as Record<string, any>;
}

describe('a valid share', () => {
  it('verifies by URL: exit 0, the LRS, the expiry, the items, their receipts checked offline', async () => {
    const result = await runKeiko(['verify', 'share', shareUrl]);
    expect(result.stdout).toMatch(new RegExp(`^Share from ${baseUrl}$`, 'm'));
    expect(result.stdout).toMatch(/^ {2}expires \d{4}-\d\d-\d\dT/m);
    expect(result.stdout).toMatch(/^ {2}3 item\(s\), 0 achievement credential\(s\)$/m);
    expect(result.stdout).toMatch(/^ {2}receipts: 2 anchored item\(s\), verified offline \(1 with other people left out: checked without their statement's digest\); roots on chain not checked \(no --rpc\)$/m);
    expect(result.stdout).toMatch(/^VALID$/m);
    expect(result.stdout).not.toContain(shareUrl.split('/').at(-1)); // the token is never printed
    expect(result.code).toBe(EXIT.ok);
  });

  it('verifies from a file, and as JSON with --json', async () => {
    const result = await runKeiko(['verify', 'share', file('share.json'), '--json']);
    expect(JSON.parse(result.stdout)).toEqual({
      result: 'valid',
      reasons: [],
      lrs: baseUrl,
      expiresAt: expect.any(String),
      items: 3,
      achievements: 0,
      receipts: { anchored: 2, redacted: 1, onChain: 'not checked', problems: [] },
    });
    expect(result.code).toBe(EXIT.ok);
  });

  it('cannot confirm when the Starknet node given with --rpc does not answer: exit 3', async () => {
    const closed = await freePort();
    const result = await runKeiko(['verify', 'share', shareUrl, '--rpc', `http://127.0.0.1:${closed}/rpc`]);
    expect(result.stdout).toMatch(/^CANNOT CONFIRM$/m);
    expect(result.stdout).toMatch(new RegExp(`^ {2}- the items' roots on chain could not be checked: the Starknet node at http://127.0.0.1:${closed}/rpc did not answer`, 'm'));
    expect(result.code).toBe(EXIT.cannotConfirm);
  });

  it('is checked by keiko-verify share too', async () => {
    const result = await runKeiko(['share', shareUrl], { bin: 'keiko-verify.js' });
    expect(result.stdout).toMatch(/^VALID$/m);
    expect(result.code).toBe(EXIT.ok);
  });
});

describe('a share that is not valid', () => {
  it('changed in a file: the signature does not verify, so it cannot be confirmed (exit 3)', async () => {
    const vp = await vpAt(shareUrl);
    vp.verifiableCredential[0].credentialSubject.items[0].statement.verb.id = 'http://adlnet.gov/expapi/verbs/failed';
    await writeFile(file('changed.json'), JSON.stringify(vp));
    const result = await runKeiko(['verify', 'share', file('changed.json')]);
    expect(result.stdout).toMatch(/^CANNOT CONFIRM$/m);
    expect(result.stdout).toMatch(/signature/i);
    expect(result.code).toBe(EXIT.cannotConfirm);
  });

  it('unknown at its URL: NOT FOUND, exit 1', async () => {
    const result = await runKeiko(['verify', 'share', `${baseUrl}/plugins/passport/s/AAAAAAAAAAAAAAAAAAAAAA`]);
    expect(result.stdout).toMatch(/^NOT FOUND$/m);
    expect(result.code).toBe(EXIT.failed);
  });
});

describe('input it cannot use', () => {
  it.each([
    ['a URL that is no share', EXIT.badInput, () => ['https://lrs.example/plugins/passport/timeline'], /^Error: https:\/\/lrs\.example\/plugins\/passport\/timeline is not a share URL/m],
    ['a missing file', EXIT.cannotRead, () => [file('missing.json')], /^Error: cannot read the share .*missing\.json: .*ENOENT/m],
    ['a file that is not JSON', EXIT.badInput, () => [file('not-json.json')], /^Error: the share .*not-json\.json is not JSON/m],
    ['a file that is no share', EXIT.badInput, () => [file('not-a-share.json')], /^Error: the share .*not-a-share\.json is not a share/m],
    ['nothing', EXIT.badInput, () => [], /missing required argument 'share'/],
  ])('%s: exit %i', async (_case, code, args, message) => {
    await writeFile(file('not-json.json'), '{"type": ["VerifiablePresentation"],');
    await writeFile(file('not-a-share.json'), '{"type": ["VerifiablePresentation"]}');
    const result = await runKeiko(['verify', 'share', ...args()]);
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(code);
  });

  it('cannot read a share from an LRS that does not answer: exit 4', async () => {
    const closed = await freePort();
    const result = await runKeiko(['verify', 'share', `http://127.0.0.1:${closed}/plugins/passport/s/AAAAAAAAAAAAAAAAAAAAAA`]);
    expect(result.stderr).toMatch(new RegExp(`^Error: cannot read the share from http://127.0.0.1:${closed}: fetch failed \\(ECONNREFUSED\\)`, 'm'));
    expect(result.code).toBe(EXIT.cannotRead);
  });
});

describe('a revoked share (last: it revokes the share, then stops the LRS)', () => {
  it('is REVOKED by URL (the LRS answers 410) and from a file saved before (the status list): exit 1', async () => {
    await learner.delete(`/plugins/passport/api/shares/${shareId}`).set('Accept', 'application/json').expect(200);
    const byUrl = await runKeiko(['verify', 'share', shareUrl]);
    expect(byUrl.stdout).toMatch(/^REVOKED$/m);
    expect(byUrl.code).toBe(EXIT.failed);
    const fromFile = await runKeiko(['verify', 'share', file('share.json')]);
    expect(fromFile.stdout).toMatch(/^REVOKED$/m);
    expect(fromFile.code).toBe(EXIT.failed);
  });

  it('cannot be confirmed from a file once its LRS is gone: exit 3', async () => {
    await server.stop();
    stopped = true;
    const result = await runKeiko(['verify', 'share', file('share.json')]);
    expect(result.stdout).toMatch(/^CANNOT CONFIRM$/m);
    expect(result.code).toBe(EXIT.cannotConfirm);
  });
});
