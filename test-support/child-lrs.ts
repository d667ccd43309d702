import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/**
 * Starts an LRS in a child process (the durability tests kill it with SIGKILL): `entry` run with
 * tsx from the repository root, with PATH, HOME, LOG_LEVEL=warn and `env`, and without the
 * checkout's .env file (unless `env` names an ENV_FILE). Resolves once its /ready on `port`
 * (default env.PORT) answers 200; rejects if it exits first or is not ready within 60 s.
 */
export async function startChildLrs(entry: string, env: Record<string, string>, port = env.PORT): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ENV_FILE: os.devNull, ...env },
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
    await sleep(50);
  }
  throw new Error('the LRS did not become ready within 60 s');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
