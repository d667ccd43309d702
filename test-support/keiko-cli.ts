import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Compiles dist/ first if src/ changed since the last build (bin/build-freshness.js), so that the
 * tests' runs of the compiled `keiko` do not each wait for it. For a beforeAll, with a long timeout.
 */
export function ensureBuilt(): void {
  const built = spawnSync(process.execPath, [path.join(ROOT, 'bin/build-freshness.js')], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`the build failed:\n${built.stderr}`);
}

/**
 * Runs the compiled command as a user would (`node bin/keiko.js …`, or another bin) from `cwd`,
 * with PATH, HOME, `env` and without the checkout's .env file (unless `env` names an ENV_FILE);
 * with `killOn`, sends SIGKILL as soon as a line of its stderr matches.
 */
export function runKeiko(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; bin?: string; input?: string; killOn?: RegExp } = {},
): Promise<Finished> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', options.bin ?? 'keiko.js'), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ENV_FILE: os.devNull, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (options.killOn?.test(stderr)) child.kill('SIGKILL');
  });
  child.stdin.end(options.input ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
