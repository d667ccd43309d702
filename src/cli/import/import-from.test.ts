/**
 * `keiko import --from <xapi url>` (the compiled command) against a real LRS listening on a port
 * whose federation plugin pulls from another real LRS (issue 15: "a command npm run import --
 * --from <url> … with a progress bar and a summary"; incremental sync with cursors).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../../../test-support/app';
import { ensureBuilt, runKeiko } from '../../../test-support/keiko-cli';
import { freePort } from '../../../test-support/net';
import { sampleStatement } from '../../../test-support/statements';
import { startPeerLrs, type PeerLrs } from '../../plugins/federation/pull/peer-lrs.contract';
import { EXIT } from '../exit-codes';

let lrs: TestLrs;
let server: http.Server;
let peer: PeerLrs;
let xapiUrl: string;
let ticking: NodeJS.Timeout;
const admin = { key: 'federation-admin', secret: 'federation-admin-secret-1' };

function importFrom(from: string, ...options: string[]) {
  return runKeiko(['import', '--from', from, '--to', xapiUrl, '--key', admin.key, '--secret', admin.secret, ...options]);
}
const fromPeer = (...options: string[]) => importFrom(peer.endpoint, '--from-key', peer.credentials.key, '--from-secret', peer.credentials.secret, ...options);

async function heldHere(ids: string[]): Promise<number> {
  const found = await Promise.all(ids.map((id) => request(lrs.app).get('/xapi/statements').query({ statementId: id }).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth)));
  return found.filter((response) => response.status === 200).length;
}

beforeAll(async () => {
  ensureBuilt();
  peer = await startPeerLrs();
  lrs = await createTestLrs({ FEDERATION_BATCH_SIZE: '40' });
  await lrs.storage.credentials.create({ name: 'federation admin', scopes: ['admin'], key: admin.key, secret: admin.secret });
  server = lrs.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  xapiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/xapi`;
  // The pull job as the LRS's scheduler would run it, every 300 ms without overlapping runs.
  const job = lrs.services.plugins.find((plugin) => plugin.name === 'federation')!.jobs.find((declared) => declared.name === 'pull')!.job;
  let running = false;
  ticking = setInterval(() => {
    if (running) return;
    running = true;
    void job.run().finally(() => (running = false));
  }, 300);
}, 300_000);

afterAll(async () => {
  clearInterval(ticking);
  await new Promise((resolve) => server.close(resolve));
  await peer.close();
  await lrs.close();
});

describe('keiko import --from', () => {
  it('registers the other LRS as a peer and a pull source, shows progress lines, sums up; run again, it reuses both and receives only what is new', async () => {
    const ids: string[] = [];
    for (const size of [60, 60, 50]) ids.push(...(await peer.store(Array.from({ length: size }, () => sampleStatement({ id: randomUUID() })))));
    const first = await fromPeer('--progress-every', '40');
    expect(first.stderr).toMatch(/^\[import\] \[[#.]{24}\] \d+%.*: [\d,]+ received, 0 refused \([\d,]+\/s\)$/m);
    expect(first.stdout).toMatch(new RegExp(`^Imported from ${peer.endpoint} \\(peer 127-0-0-1-\\d+, pull [0-9a-f-]{36}\\) into ${xapiUrl}:$`, 'm'));
    expect(first.stdout).toMatch(/^  received +170$/m);
    expect(first.stdout).toMatch(/^  refused +0$/m);
    expect(first.stdout).toMatch(/^  elapsed +[\d.]+ s$/m);
    expect(first.stdout).toMatch(/^  rate +[\d,]+\/s$/m);
    expect(first.code).toBe(EXIT.ok);
    expect(await heldHere(ids)).toBe(170);

    // Paused (the LRS's job would pull them at once otherwise), the command makes it active again.
    const pullId = first.stdout.match(/pull ([0-9a-f-]{36})/)![1];
    await request(lrs.app).patch(`/plugins/federation/pulls/${pullId}`).set('Authorization', lrs.auth).send({ state: 'paused' }).expect(200);
    const later = await peer.store(Array.from({ length: 7 }, () => sampleStatement({ id: randomUUID() })));
    const second = await fromPeer();
    expect(second.stdout).toMatch(/^  received +7$/m);
    expect(second.stdout.match(/pull ([0-9a-f-]{36})/)![1]).toBe(pullId);
    expect(second.code).toBe(EXIT.ok);
    expect(await heldHere(later)).toBe(7);
    const pulls = await request(lrs.app).get('/plugins/federation/pulls').set('Authorization', lrs.auth).expect(200);
    expect(pulls.body.pulls).toHaveLength(1);
  }, 180_000);

  it('gives up with the reason when the pull makes no progress for --wait seconds: exit 3', async () => {
    const closed = await freePort();
    const result = await importFrom(`http://127.0.0.1:${closed}/xapi`, '--wait', '3');
    expect(result.stderr).toMatch(/^Error: no progress for 3 s: the peer is unavailable: .*network failure/m);
    expect(result.code).toBe(EXIT.cannotConfirm);
  }, 60_000);

  it.each([
    [['import', 'statements.ndjson', '--from', 'http://peer.example/xapi'], 'give a file to import, or --from <xapi url> of another LRS (not both)'],
    [['import'], 'give a file to import, or --from <xapi url> of another LRS (not both)'],
    [['import', '--from', 'peer.example/xapi'], '--from: "peer.example/xapi" is not an http(s) URL'],
    [['import', '--from', 'http://peer.example/xapi', '--from-key', 'k'], '--from-key and --from-secret go together'],
    [['import', '--from', 'http://peer.example/xapi', '--since', 'yesterday'], '--since: "yesterday" is not an ISO 8601 timestamp with an offset'],
    [['import', 'statements.ndjson', '--since', '2026-01-01T00:00:00Z'], '--since goes with --from'],
  ])('refuses bad options as bad input (exit 2): %j', async (args, message) => {
    const result = await runKeiko([...args, '--to', 'http://127.0.0.1:1/xapi', '--key', admin.key, '--secret', admin.secret]);
    expect(result.stderr).toContain(`Error: ${message}`);
    expect(result.code).toBe(EXIT.badInput);
  }, 120_000);

  it('refuses a credential that may not manage federation (exit 2), naming the scope', async () => {
    const issued = await lrs.storage.credentials.create({ name: 'writer', scopes: ['statements/write', 'statements/read'] });
    const result = await runKeiko(['import', '--from', peer.endpoint, '--to', xapiUrl, '--key', issued.key, '--secret', issued.secret]);
    expect(result.stderr).toMatch(/^Error: the credential may not manage federation \(it needs plugins\/federation\/manage or admin\): 403/m);
    expect(result.code).toBe(EXIT.badInput);
  }, 120_000);
});
