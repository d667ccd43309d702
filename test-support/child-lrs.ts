import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/**
 * Starts an LRS in a child process (the durability tests kill it with SIGKILL): `entry` run with
 * tsx from the repository root, with PATH, HOME, LOG_LEVEL=warn and `env`, and without the
 * checkout's .env file (unless `env` names an ENV_FILE). Resolves once its /ready on `port`
 * (default env.PORT) answers 200; rejects if it exits first or is not ready within `readyWithinMs`
 * (60 s), after killing it and whatever it started (it leads its own process group).
 */
export async function startChildLrs(entry: string, env: Record<string, string>, port = env.PORT, readyWithinMs = 60_000): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ENV_FILE: os.devNull, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  try {
    await waitUntilReady(child, port, readyWithinMs);
    return child;
  } catch (error) {
    killProcessGroup(child);
    throw error;
  }
}

async function waitUntilReady(child: ChildProcess, port: string | undefined, readyWithinMs: number): Promise<void> {
  const deadline = Date.now() + readyWithinMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the LRS exited with code ${child.exitCode} while starting`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/ready`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`the LRS did not become ready within ${readyWithinMs / 1000} s`);
}

/** SIGKILL to the child's process group (its own: it was spawned detached), so nothing it started stays. */
function killProcessGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL'); // the group is gone already
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether the process runs (Linux: a zombie, ended but not reaped yet, does not). */
export function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Whether the process stops running within `ms`. */
export async function stopsWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return true;
    await sleep(50);
  }
  return false;
}
