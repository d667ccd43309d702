import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { freePort } from '../test-support/net';
import path from 'node:path';
import { sampleStatement } from '../test-support/statements';

/**
 * Acknowledged data is never lost: the LRS process is killed with SIGKILL while clients are
 * writing, restarted on the same data directory (its embedded database included), and every
 * statement it acknowledged before dying must be there. Batches it did not acknowledge must be
 * all there or not there at all.
 */
jest.setTimeout(120_000);

const KEY = 'durability-admin';
const SECRET = 'durability-secret-123';
const AUTH = `Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}`;
const HEADERS = { Authorization: AUTH, 'X-Experience-API-Version': '1.0.3', 'Content-Type': 'application/json' };

let dataDir: string;
let lrs: ChildProcess | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'keiko-durability-'));
});
afterAll(async () => {
  if (lrs && lrs.exitCode === null) {
    lrs.kill('SIGTERM');
    await new Promise((resolve) => lrs!.once('exit', resolve));
  }
  await rm(dataDir, { recursive: true, force: true });
});

it('finds every acknowledged statement after the LRS is killed with SIGKILL mid-write', async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/xapi/statements`;
  lrs = await startLrs(port);

  const acknowledged: string[][] = [];
  const attempted: string[][] = [];
  let stop = false;
  const writer = async () => {
    while (!stop) {
      const batch = Array.from({ length: 10 }, () => sampleStatement({ id: crypto.randomUUID() }));
      const ids = batch.map((s) => s.id as string);
      attempted.push(ids);
      try {
        const response = await fetch(base, { method: 'POST', headers: HEADERS, body: JSON.stringify(batch) });
        if (response.status === 200) acknowledged.push(ids);
      } catch {
        return; // the server died under this request
      }
    }
  };
  const writers = [writer(), writer(), writer()];
  while (acknowledged.length < 15) await sleep(20);
  lrs.kill('SIGKILL');
  await new Promise((resolve) => lrs!.once('exit', resolve));
  stop = true;
  await Promise.all(writers);

  lrs = await startLrs(port);
  for (const ids of acknowledged) {
    for (const id of ids) expect(await statusOf(`${base}?statementId=${id}`)).toBe(200);
  }
  for (const ids of attempted) {
    const found = await Promise.all(ids.map((id) => statusOf(`${base}?statementId=${id}`)));
    expect(new Set(found).size).toBe(1); // all or nothing
  }
  expect(acknowledged.length).toBeGreaterThanOrEqual(15);
});

async function startLrs(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.resolve(__dirname, '..'),
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      KEIKO_TOOLS_DIR: process.env.KEIKO_TOOLS_DIR ?? '',
      PORT: String(port),
      DATA_DIR: dataDir,
      LRS_ADMIN_KEY: KEY,
      LRS_ADMIN_SECRET: SECRET,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the LRS exited with code ${child.exitCode} while starting`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/ready`)).status === 200) return child;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error('the LRS did not become ready within 60 s');
}

async function statusOf(url: string): Promise<number> {
  return (await fetch(url, { headers: HEADERS })).status;
}


function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
