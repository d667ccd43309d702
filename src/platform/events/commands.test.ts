import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { countingSubscriber } from '../../../test-support/counting-subscriber';
import type { StorageBackend } from '../../storage/backend';
import { SqliteBackend } from '../../storage/sqlite-backend';
import { recordOf } from '../../xapi/statements/statement-storage.contract';
import { runEventsCommand } from './commands';
import { EventDelivery } from './delivery';

const logger = pino({ level: 'silent' });

let dataDir: string;
let storage: StorageBackend;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'keiko-events-cli-'));
  storage = SqliteBackend.open({ dataDir, exclusive: false, authorityHomePage: 'http://lrs.test/' });
  await storage.prepare();
});
afterAll(async () => {
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runEventsCommand(argv, {
    env: { DATA_DIR: dataDir },
    logger,
    delivery: async (opened) =>
      EventDelivery.open({
        statements: opened.statements,
        collections: opened.collections,
        leases: opened.leases,
        subscribers: [await countingSubscriber(opened.collections)],
        logger,
      }),
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

it('rebuilds the counting plugin’s projection from every statement, equal to the one built incrementally', async () => {
  const counting = await countingSubscriber(storage.collections);
  const delivery = await EventDelivery.open({
    statements: storage.statements,
    collections: storage.collections,
    leases: storage.leases,
    subscribers: [counting],
    logger,
    pollIntervalMs: 10,
  });
  delivery.start();
  const records = Array.from({ length: 12 }, () => recordOf());
  for (const batch of [records.slice(0, 4), records.slice(4)]) await storage.statements.storeBatch(batch);
  await storage.statements.storeBatch([recordOf({ targetId: records[0]!.id, voidsId: records[0]!.id })]);
  while ((await delivery.status())[0]!.lag > 0) await new Promise((resolve) => setTimeout(resolve, 10));
  const incremental = await counting.projection();
  expect(incremental).toHaveLength(12);

  const busy = await run('rebuild', 'counting');
  expect(busy.code).toBe(1);
  expect(busy.err).toMatch(/^Error: Events of "counting" are being delivered by another process/);

  await delivery.stop();
  const rebuilt = await run('rebuild', 'counting');
  expect(rebuilt).toEqual({ code: 0, out: 'Rebuilt counting: events delivered through position 13 (head 13), 0 parked.', err: '' });
  expect(await counting.projection()).toEqual(incremental);

  const status = await run('status');
  expect(status.code).toBe(0);
  expect(status.out.split('\n')).toEqual(['PLUGIN    CHECKPOINT  HEAD  LAG  PARKED', 'counting  13          13    0    0']);
});

it('answers usage errors with exit code 2 and an unknown plugin with 1', async () => {
  for (const argv of [[], ['rebuild'], ['rebuild', 'a', 'b'], ['status', 'x'], ['frobnicate'], ['rebuild', '--force', 'counting']]) {
    const result = await run(...argv);
    expect({ argv, code: result.code }).toEqual({ argv, code: 2 });
    expect(result.err).toContain('Usage: npm run plugins -- <command>');
  }
  const unknown = await run('rebuild', 'ghost');
  expect(unknown).toEqual({ code: 1, out: '', err: 'Error: No plugin receiving events is named "ghost"' });
  expect((await run('help')).out).toContain('rebuild NAME');
});
