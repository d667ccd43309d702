import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from './config';
import { startServer, type RunningServer } from './server';

let dataDir: string;
let running: RunningServer | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'keiko-server-'));
});
afterEach(async () => {
  await running?.stop();
  running = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

function startLrsProcess(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.resolve(__dirname, '..'),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('starting the LRS on the default engine', () => {
  it('serves from one SQLite database under DATA_DIR', async () => {
    running = await startServer(loadConfig({ PORT: '0', DATA_DIR: dataDir }), pino({ level: 'silent' }));
    expect(running.services.storage.engine).toBe('sqlite');
    expect(running.services.storage.location).toBe(path.join(dataDir, 'keiko-lrs.db'));
    expect((await fetch(`${running.url}/ready`)).status).toBe(200);
  });

  it('refuses, with a clear message, a DATA_DIR another LRS is using', async () => {
    running = await startServer(loadConfig({ PORT: '0', DATA_DIR: dataDir }), pino({ level: 'silent' }));
    const second = startLrsProcess({ DATA_DIR: dataDir });
    expect(second.status).toBe(1);
    expect(second.stderr.trim()).toBe(
      `The data directory ${dataDir} is in use by another Keiko LRS (process ${process.pid}). Stop it first, or give this one another DATA_DIR.`,
    );
  });

  it('refuses a DATA_DIR whose database is not a Keiko database, without a stack trace', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(dataDir, 'keiko-lrs.db'), 'not sqlite at all, just text\n');
    const result = startLrsProcess({ DATA_DIR: dataDir });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/keiko-lrs\.db is not a SQLite database/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
