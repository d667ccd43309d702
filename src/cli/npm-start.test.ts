import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt } from '../../test-support/keiko-cli';
import { freePort } from '../../test-support/net';

const ROOT = path.resolve(__dirname, '../..');

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).status === 200;
  } catch {
    return false;
  }
}

async function waitFor(condition: () => Promise<boolean>, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

function killGroup(pid: number | undefined): void {
  try {
    if (pid !== undefined) process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * The run contract's `npm start`, stopped the way a service manager or a script stops it: a
 * SIGTERM to npm's process reaches the LRS, which shuts down instead of staying on as an orphan.
 */
describe('npm start', () => {
  let dataDir: string;

  beforeAll(() => ensureBuilt(), 180_000);
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keiko-npm-start-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('stops the LRS when npm gets SIGTERM', async () => {
    const port = String(await freePort());
    const npm = spawn('npm', ['start'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ENV_FILE: os.devNull,
        LOG_FORMAT: 'json',
        PORT: port,
        DATA_DIR: dataDir,
        LRS_ADMIN_KEY: 'npm-start-admin',
        LRS_ADMIN_SECRET: 'npm start admin secret',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true, // its own process group, so the finally below can stop an orphaned LRS too
    });
    let output = '';
    npm.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const ready = `http://127.0.0.1:${port}/ready`;
    try {
      expect(await waitFor(() => answers(ready), 60_000)).toBe(true);
      npm.kill('SIGTERM');
      expect(await waitFor(async () => !(await answers(ready)), 10_000)).toBe(true);
      expect(await waitFor(async () => output.includes('Keiko LRS stopped'), 5_000)).toBe(true);
    } finally {
      killGroup(npm.pid);
    }
  }, 90_000);
});
