import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { EventDelivery } from '../src/platform/events/delivery';
import type { StorageBackend } from '../src/storage/backend';
import { openStorage } from '../src/storage/open';
import { testEngine } from '../test-support/backends';
import { sleep, startChildLrs } from '../test-support/child-lrs';
import { countingSubscriber } from '../test-support/counting-subscriber';
import { dropTestDatabase, testDatabase } from '../test-support/database';
import { freePort } from '../test-support/net';
import { sampleStatement } from '../test-support/statements';

/**
 * A SIGKILL at any moment never loses nor double-applies a projection update: the LRS runs as a
 * child process delivering events to a counting subscriber (idempotent by statement id:
 * test-support/counting-subscriber.ts) while four clients write batches, some voiding earlier
 * statements. It is killed with SIGKILL at random moments, several times, while events are being
 * delivered, and restarted. Once the writers stop and delivery has caught up, the subscriber's
 * projection holds exactly the stored statements that are not voided: no more, no fewer.
 * Runs on the engine under test (KEIKO_TEST_ENGINE).
 */
jest.setTimeout(240_000);

const KEY = 'events-durability-admin';
const SECRET = 'events-durability-secret-123';
const HEADERS = {
  Authorization: `Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}`,
  'X-Experience-API-Version': '1.0.3',
  'Content-Type': 'application/json',
};
const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';
const KILLS = 4;

let dataDir: string;
let mongo: { uri: string; dbName: string } | undefined;
let lrs: ChildProcess | undefined;
let reader: StorageBackend | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'keiko-events-durability-'));
  if (testEngine() === 'mongodb') mongo = testDatabase();
});
afterAll(async () => {
  if (lrs && lrs.exitCode === null) {
    lrs.kill('SIGTERM');
    await new Promise((resolve) => lrs!.once('exit', resolve));
  }
  await reader?.close();
  await rm(dataDir, { recursive: true, force: true });
  if (mongo) await dropTestDatabase(mongo).catch(() => undefined);
});

it('counts every stored, non-voided statement exactly once after SIGKILLs at random moments during delivery', async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/xapi/statements`;
  lrs = await startLrs(port);
  // The test's own view of the storage, beside the LRS (as the CLIs open it).
  reader = await openStorage(
    { dataDir, mongodbUri: mongo?.uri, dbName: mongo?.dbName ?? 'unused' },
    { authorityHomePage: 'http://lrs.test/', logger: pino({ level: 'silent' }), exclusive: false },
  );
  const counting = await countingSubscriber(reader.collections);
  const status = await EventDelivery.open({
    statements: reader.statements,
    collections: reader.collections,
    leases: reader.leases,
    subscribers: [counting],
    logger: pino({ level: 'silent' }),
  });
  const lag = async () => (await status.status())[0]!.lag;

  const acknowledged: string[] = [];
  let writing = true;
  const writer = async () => {
    while (writing) {
      try {
        const batch = nextBatch(acknowledged);
        const response = await fetch(base, { method: 'POST', headers: HEADERS, body: JSON.stringify(batch) });
        if (response.status === 200) acknowledged.push(...batch.map((statement) => statement.id as string));
      } catch {
        await sleep(50); // the LRS is down: killed, not restarted yet
      }
    }
  };
  const writers = [writer(), writer(), writer(), writer()];

  const lagAtKills: number[] = [];
  for (let kill = 0; kill < KILLS; kill++) {
    const before = acknowledged.length;
    while (acknowledged.length < before + 40) await sleep(10);
    await sleep(Math.random() * 300);
    lagAtKills.push(await lag());
    lrs.kill('SIGKILL');
    await new Promise((resolve) => lrs!.once('exit', resolve));
    lrs = await startLrs(port);
  }
  writing = false;
  await Promise.all(writers);

  const deadline = Date.now() + 120_000;
  while ((await lag()) > 0) {
    if (Date.now() > deadline) throw new Error(`delivery did not catch up: lag ${await lag()}`);
    await sleep(100);
  }

  // Events were still to deliver at some of the kills, so those landed in the middle of delivery.
  expect(lagAtKills.some((value) => value > 0)).toBe(true);
  const stored = await everyStatement(reader);
  expect(acknowledged.every((id) => stored.has(id))).toBe(true);
  const notVoided = [...stored].filter(([, voided]) => !voided).map(([id]) => id);
  expect(notVoided.length).toBeLessThan(stored.size); // some were voided
  expect(await counting.count()).toBe(notVoided.length);
  expect((await counting.projection()).map((entry) => entry.id)).toEqual(notVoided.sort());
});

/** Every stored statement id with its voided state, read from the feed. */
async function everyStatement(storage: StorageBackend): Promise<Map<string, boolean>> {
  const statements = new Map<string, boolean>();
  let after = 0;
  for (;;) {
    const page = await storage.statements.readFeed(after, 500);
    for (const record of page.records) statements.set(record.id, record.voided);
    if (page.through === after) return statements;
    after = page.through;
  }
}

/** Five statements; now and then the first voids a statement stored earlier. */
function nextBatch(storedIds: string[]): Array<Record<string, unknown>> {
  return Array.from({ length: 5 }, (_, index) => {
    const target = storedIds[Math.floor(Math.random() * storedIds.length)];
    if (index === 0 && target !== undefined && Math.random() < 0.3) {
      return { id: crypto.randomUUID(), actor: { mbox: 'mailto:admin@example.org' }, verb: { id: VOIDED }, object: { objectType: 'StatementRef', id: target } };
    }
    return sampleStatement({ id: crypto.randomUUID() });
  });
}

function startLrs(port: number): Promise<ChildProcess> {
  return startChildLrs('test-support/events-lrs.ts', {
    PORT: String(port),
    DATA_DIR: dataDir,
    ...(mongo ? { MONGODB_URI: mongo.uri, MONGODB_DB: mongo.dbName } : {}),
    LRS_ADMIN_KEY: KEY,
    LRS_ADMIN_SECRET: SECRET,
    // Delivery at each poll, a few events per page: kills land while events wait and while they are delivered.
    EVENTS_POLL_MS: '200',
    EVENTS_PAGE_SIZE: '5',
    EVENTS_LEASE_MS: '1500',
  });
}
