import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { testEngine } from '../test-support/backends';
import { sleep, startChildLrs } from '../test-support/child-lrs';
import { dropTestDatabase, testDatabase } from '../test-support/database';
import { freePort } from '../test-support/net';
import { sampleStatement } from '../test-support/statements';

/**
 * Acknowledged data is never lost, and a crash never leaves a client stuck: the LRS process is
 * killed with SIGKILL while four clients write batches (some voiding earlier statements), and
 * restarted on the same storage. Then, before anything is retried, every batch is all there or
 * not there at all and every acknowledged statement is there; the Consistent-Through header is
 * not held back by work the dead process left (on MongoDB that needs its batches recovered
 * before the LRS serves); and every batch that was in flight, retried at once, gets 200.
 * Runs on the engine under test (KEIKO_TEST_ENGINE).
 */
jest.setTimeout(180_000);

const KEY = 'durability-admin';
const SECRET = 'durability-secret-123';
const AUTH = `Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}`;
const HEADERS = { Authorization: AUTH, 'X-Experience-API-Version': '1.0.3', 'Content-Type': 'application/json' };
const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';

let dataDir: string;
let mongo: { uri: string; dbName: string } | undefined;
let lrs: ChildProcess | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'keiko-durability-'));
  if (testEngine() === 'mongodb') mongo = testDatabase();
});
afterAll(async () => {
  if (lrs && lrs.exitCode === null) {
    lrs.kill('SIGTERM');
    await new Promise((resolve) => lrs!.once('exit', resolve));
  }
  await rm(dataDir, { recursive: true, force: true });
  if (mongo) await dropTestDatabase(mongo).catch(() => undefined);
});

it('keeps every acknowledged statement and every batch whole through SIGKILL, and lets in-flight batches be retried at once', async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/xapi/statements`;
  lrs = await startLrs(port);

  const acknowledged: unknown[][] = [];
  const attempted: unknown[][] = [];
  const storedIds: string[] = [];
  let killed = false;
  const writer = async () => {
    while (!killed) {
      const batch = nextBatch(storedIds);
      attempted.push(batch);
      try {
        const response = await fetch(base, { method: 'POST', headers: HEADERS, body: JSON.stringify(batch) });
        if (response.status !== 200) throw new Error(`unexpected ${response.status}: ${await response.text()}`);
        acknowledged.push(batch);
        storedIds.push(...batch.map(idOf));
      } catch (error) {
        if (killed) return; // the server died under this request
        throw error;
      }
    }
  };
  const writers = [writer(), writer(), writer(), writer()];
  while (acknowledged.length < 20) await sleep(10);
  killed = true;
  lrs.kill('SIGKILL');
  await new Promise((resolve) => lrs!.once('exit', resolve));
  await Promise.all(writers);
  const unacknowledged = attempted.filter((batch) => !acknowledged.includes(batch));
  expect(unacknowledged.length).toBeGreaterThan(0);

  const restartedAt = Date.now();
  lrs = await startLrs(port);
  const through = await fetch(`${base}?limit=1`, { headers: HEADERS });
  expect(Date.parse(through.headers.get('x-experience-api-consistent-through')!)).toBeGreaterThanOrEqual(restartedAt);

  for (const batch of attempted) {
    const found = await Promise.all(batch.map((statement) => statusOf(`${base}?statementId=${idOf(statement)}`, 'voidedStatementId')));
    expect(new Set(found).size).toBe(1); // all or nothing
    if (acknowledged.includes(batch)) expect(found[0]).toBe(200);
  }

  for (const batch of unacknowledged) {
    const started = Date.now();
    const retry = await fetch(base, { method: 'POST', headers: HEADERS, body: JSON.stringify(batch) });
    expect({ status: retry.status, body: retry.status === 200 ? 'ok' : await retry.text() }).toEqual({ status: 200, body: 'ok' });
    expect(Date.now() - started).toBeLessThan(2_000);
  }
  for (const statement of unacknowledged.flat()) expect(await statusOf(`${base}?statementId=${idOf(statement)}`, 'voidedStatementId')).toBe(200);
});

/** Ten statements; now and then one voids a statement stored earlier, so that batches have effects. */
function nextBatch(storedIds: string[]): unknown[] {
  return Array.from({ length: 10 }, (_, index) => {
    const target = storedIds[Math.floor(Math.random() * storedIds.length)];
    if (index === 0 && target !== undefined && Math.random() < 0.5) {
      return {
        id: crypto.randomUUID(),
        actor: { mbox: 'mailto:admin@example.org' },
        verb: { id: VOIDED },
        object: { objectType: 'StatementRef', id: target },
      };
    }
    return sampleStatement({ id: crypto.randomUUID() });
  });
}

function idOf(statement: unknown): string {
  return (statement as { id: string }).id;
}

function startLrs(port: number): Promise<ChildProcess> {
  return startChildLrs('src/main.ts', {
    PORT: String(port),
    DATA_DIR: dataDir,
    ...(mongo ? { MONGODB_URI: mongo.uri, MONGODB_DB: mongo.dbName } : {}),
    LRS_ADMIN_KEY: KEY,
    LRS_ADMIN_SECRET: SECRET,
  });
}

/** 200 when the statement is found by statementId, or (voided since) by voidedStatementId. */
async function statusOf(url: string, voidedParameter: string): Promise<number> {
  const status = (await fetch(url, { headers: HEADERS })).status;
  if (status !== 404) return status;
  return (await fetch(url.replace('statementId=', `${voidedParameter}=`), { headers: HEADERS })).status;
}
