import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startChildLrs } from '../test-support/child-lrs';
import { freePort } from '../test-support/net';
import { itWhere } from '../test-support/it-where';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { ListenError, startServer } from './server';

/**
 * An LRS that cannot start says why in one line on stderr, exits with code 1 and leaves nothing
 * behind: no process, and DATA_DIR's lock released so the next start on it works.
 */
jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '..');
const MAIN = 'src/main.ts';

let scratch: string;
let held: net.Server;
let heldPort: number;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'keiko-startup-'));
  held = net.createServer();
  await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
  heldPort = (held.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => held.close(resolve));
  await chmod(scratch, 0o700).catch(() => undefined);
  await rm(scratch, { recursive: true, force: true });
});

/** Runs the LRS's entry point to its exit, as a user would start it, with what it printed. */
function runLrs(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ENV_FILE: os.devNull, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function dataDir(name: string): Promise<string> {
  const dir = path.join(scratch, name);
  await mkdir(dir);
  return dir;
}

describe('a port already in use', () => {
  it('stops the LRS with one line naming the port and what to do, exit code 1, and DATA_DIR free for the next start', async () => {
    const dir = await dataDir('port-in-use');
    const exit = await runLrs({ PORT: String(heldPort), DATA_DIR: dir });
    expect(exit).toEqual({
      code: 1,
      stdout: '',
      stderr: `Port ${heldPort} on 127.0.0.1 is already in use by another program. Stop that program, or set PORT to a free port.\n`,
    });

    const port = await freePort();
    const lrs = await startChildLrs(MAIN, { PORT: String(port), DATA_DIR: dir });
    lrs.kill('SIGTERM');
    await new Promise((resolve) => lrs.once('exit', resolve));
  });

  it('in the same process: startServer rejects with a ListenError after closing the storage and releasing its lock', async () => {
    const dir = await dataDir('port-in-use-in-process');
    const logger = createLogger('silent');
    const config = (port: number) => loadConfig({ PORT: String(port), DATA_DIR: dir });
    await expect(startServer(config(heldPort), logger)).rejects.toThrow(ListenError);

    const server = await startServer(config(await freePort()), logger);
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
    await server.stop();
  });
});

describe('a DATA_DIR that cannot be used', () => {
  const refusal = (dir: string, reason: string) =>
    `The data directory ${dir} cannot be used: ${reason}. Set DATA_DIR to a directory this user can write to.\n`;

  it('a file: one line saying so, exit code 1', async () => {
    const file = path.join(scratch, 'a-file');
    await writeFile(file, 'not a directory');
    expect(await runLrs({ PORT: '0', DATA_DIR: file })).toEqual({ code: 1, stdout: '', stderr: refusal(file, 'it, or a folder on its path, is a file') });
  });

  it('under a file: one line saying so, exit code 1', async () => {
    const dir = path.join(scratch, 'a-file-too', 'data');
    await writeFile(path.dirname(dir), 'not a directory');
    expect(await runLrs({ PORT: '0', DATA_DIR: dir })).toEqual({ code: 1, stdout: '', stderr: refusal(dir, 'it, or a folder on its path, is a file') });
  });

  // root may write anywhere, so read-only files and directories refuse only other users.
  const itNotRoot = itWhere(process.getuid?.() !== 0);

  itNotRoot('read-only: one line saying so, exit code 1', async () => {
    const dir = await dataDir('read-only');
    await chmod(dir, 0o500);
    expect(await runLrs({ PORT: '0', DATA_DIR: dir })).toEqual({ code: 1, stdout: '', stderr: refusal(dir, 'permission denied') });
  });

  itNotRoot('its database read-only (another user’s): one line naming the file, exit code 1', async () => {
    const dir = await dataDir('read-only-database');
    await writeFile(path.join(dir, 'keiko-lrs.db'), '', { mode: 0o444 });
    expect(await runLrs({ PORT: '0', DATA_DIR: dir })).toEqual({
      code: 1,
      stdout: '',
      stderr: refusal(dir, 'this user may not read and write keiko-lrs.db in it'),
    });
  });
});

describe('a MongoDB that does not answer', () => {
  it('stops the LRS within the URI’s serverSelectionTimeoutMS with one line naming the cause, exit code 1', async () => {
    const closed = await freePort();
    const started = Date.now();
    const exit = await runLrs({ PORT: '0', MONGODB_URI: `mongodb://keiko:secret-password@127.0.0.1:${closed}/?serverSelectionTimeoutMS=1000` });
    expect(exit).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `MongoDB did not answer within 1 s (connect ECONNREFUSED 127.0.0.1:${closed}). ` +
        'Check MONGODB_URI and that the server is running and reachable from here.\n',
    });
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('start-up logs', () => {
  const ISO_TIME = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';

  it('are JSON lines with ISO times when stdout is not a terminal', async () => {
    const dir = await dataDir('logs-json');
    const exit = await runLrs({ PORT: String(heldPort), DATA_DIR: dir, LOG_LEVEL: 'info' });
    const first = JSON.parse(exit.stdout.split('\n')[0]!);
    expect(first).toMatchObject({ level: 30, msg: `Storage: sqlite at ${path.join(dir, 'keiko-lrs.db')}` });
    expect(first.time).toMatch(new RegExp(`^${ISO_TIME}$`));
  });

  it('are readable lines with LOG_FORMAT=pretty', async () => {
    const dir = await dataDir('logs-pretty');
    const exit = await runLrs({ PORT: String(heldPort), DATA_DIR: dir, LOG_LEVEL: 'info', LOG_FORMAT: 'pretty' });
    expect(exit.stdout.split('\n')[0]).toMatch(new RegExp(`^\\[${ISO_TIME}\\] INFO: Storage: sqlite at ${path.join(dir, 'keiko-lrs.db')}$`));
  });
});
