import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './net';
import { isRunning, startChildLrs, stopsWithin } from './child-lrs';

/**
 * startChildLrs on its failure path: an "LRS" that starts a helper process of its own and never
 * becomes ready is killed with that helper, so a failed start leaves nothing running.
 */
describe('startChildLrs', () => {
  let dir: string;
  let started: number[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keiko-child-lrs-'));
  });
  afterEach(() => {
    for (const pid of started.filter(isRunning)) process.kill(pid, 'SIGKILL'); // only when the test failed
    started = [];
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('kills a child that never becomes ready, and what it started, before rejecting', async () => {
    const pids = path.join(dir, 'pids');
    const entry = path.join(dir, 'never-ready.js');
    fs.writeFileSync(
      entry,
      `const { spawn } = require('node:child_process');
       const helper = spawn('sleep', ['600'], { stdio: 'ignore' });
       require('node:fs').writeFileSync(${JSON.stringify(pids)}, process.pid + ' ' + helper.pid);
       setInterval(() => {}, 1000);`,
    );
    await expect(startChildLrs(entry, { PORT: String(await freePort()) }, undefined, 3_000)).rejects.toThrow('the LRS did not become ready within 3 s');
    started = fs.readFileSync(pids, 'utf8').split(' ').map(Number);
    expect(started).toHaveLength(2);
    for (const pid of started) expect(await stopsWithin(pid, 5_000)).toBe(true);
  });

  it('rejects at once, naming the exit code, when the child exits while starting', async () => {
    const entry = path.join(dir, 'exits.js');
    fs.writeFileSync(entry, 'process.exit(3);');
    await expect(startChildLrs(entry, { PORT: String(await freePort()) })).rejects.toThrow('the LRS exited with code 3 while starting');
  });
});
