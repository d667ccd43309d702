/**
 * The pull rate beside its baseline, for docs/federation.md: N statements pulled by the job from a
 * Keiko peer on a port (SQLite), against the same N statements POSTed raw to /xapi/statements of a
 * fresh LRS of the same engine, in batches of the same size, in the same run. Run:
 *   PULL_RATE_STATEMENTS=20000 KEIKO_TEST_ENGINE=sqlite npx tsx src/plugins/federation/pull/pull-rate.contract.ts
 * (mongodb needs MONGODB test settings as jest's global setup gives them). Named `.contract.ts` so
 * that the build, the import graph and jest leave it out.
 */
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestLrs, type TestLrs } from '../../../../test-support/app';
import { sampleStatement } from '../../../../test-support/statements';

const N = Number(process.env.PULL_RATE_STATEMENTS ?? 20_000);
const BATCH = Number(process.env.FEDERATION_BATCH_SIZE ?? 500);

async function listening(lrs: TestLrs): Promise<{ server: http.Server; url: string }> {
  const server = lrs.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function post(url: string, auth: string, statements: object[]): Promise<void> {
  const response = await fetch(`${url}/xapi/statements`, { method: 'POST', headers: { Authorization: auth, 'X-Experience-API-Version': '1.0.3', 'Content-Type': 'application/json' }, body: JSON.stringify(statements) });
  if (response.status !== 200) throw new Error(`POST answered ${response.status}: ${await response.text()}`);
}

async function postAll(url: string, auth: string, statements: object[]): Promise<number> {
  const started = performance.now();
  for (let start = 0; start < statements.length; start += BATCH) await post(url, auth, statements.slice(start, start + BATCH));
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const statements = Array.from({ length: N }, () => sampleStatement({ id: randomUUID() }));
  const peer = await createTestLrs({ STATEMENTS_PAGE_SIZE: String(BATCH), PLUGINS: 'none' });
  const peerServer = await listening(peer);
  await postAll(peerServer.url, peer.auth, statements);

  const baseline = await createTestLrs();
  const baselineServer = await listening(baseline);
  const baselineSeconds = await postAll(baselineServer.url, baseline.auth, statements);

  const local = await createTestLrs({ FEDERATION_BATCH_SIZE: String(BATCH) });
  const reader = await peer.storage.credentials.create({ name: 'puller', scopes: ['statements/read'] });
  const localServer = await listening(local);
  const call = async (method: string, path: string, body?: object) => {
    const answer = await fetch(`${localServer.url}/plugins/federation${path}`, { method, headers: { Authorization: local.auth, 'Content-Type': 'application/json' }, body: body && JSON.stringify(body) });
    if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${await answer.text()}`);
    return answer.json();
  };
  await call('POST', '/peers', { slug: 'peer', name: 'Peer', kind: 'xapi', endpoint: `${peerServer.url}/xapi`, outboundCredentials: { key: reader.key, secret: reader.secret } });
  const source = (await call('POST', '/pulls', { peer: 'peer' })) as { id: string };
  const job = local.services.plugins.find((plugin) => plugin.name === 'federation')!.jobs.find((declared) => declared.name === 'pull')!.job;
  const started = performance.now();
  for (;;) {
    await job.run();
    const pulled = (await call('GET', `/pulls/${source.id}`)) as { caughtUp: boolean; counts: { received: number }; lastError?: { reason: string } };
    if (pulled.lastError !== undefined) throw new Error(pulled.lastError.reason);
    if (pulled.caughtUp) {
      if (pulled.counts.received !== N) throw new Error(`received ${pulled.counts.received} of ${N}`);
      break;
    }
  }
  const pullSeconds = (performance.now() - started) / 1000;
  const engine = process.env.KEIKO_TEST_ENGINE ?? 'sqlite';
  console.log(
    JSON.stringify({ engine, statements: N, batch: BATCH, pull: { seconds: round(pullSeconds), perSecond: Math.round(N / pullSeconds) }, baselinePost: { seconds: round(baselineSeconds), perSecond: Math.round(N / baselineSeconds) } }),
  );
  for (const { server } of [peerServer, baselineServer, localServer]) server.close();
  await Promise.all([peer.close(), baseline.close(), local.close()]);
}

function round(seconds: number): number {
  return Math.round(seconds * 100) / 100;
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
