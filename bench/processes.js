'use strict';
/**
 * The processes a benchmark run starts: the LRS as users start it (`node dist/main.js` with its
 * environment variables, logs to a file), FerretDB when no MongoDB URI is given, the forked
 * helpers; and what is read of them from /proc (resident memory, CPU time).
 */
const { fork, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Only what a user would set: no inherited MONGODB_*, STARKNET_*, LOG_LEVEL or the like. */
function baseEnvironment() {
  const env = {};
  for (const name of ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR']) if (process.env[name] !== undefined) env[name] = process.env[name];
  return env;
}

async function waitFor(check, timeoutMs, what, child) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`${what}: the process exited with code ${child.exitCode}`);
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

/**
 * Starts `PORT=… DATA_DIR=… LRS_ADMIN_KEY=… LRS_ADMIN_SECRET=… [MONGODB_URI=… MONGODB_DB=…] node
 * dist/main.js`; resolves once GET /xapi/about answers.
 */
async function startLrs({ dataDir, admin, mongodbUri, mongodbDb, logFile, logLevel }) {
  const port = await freePort();
  const env = {
    ...baseEnvironment(),
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LRS_ADMIN_KEY: admin.key,
    LRS_ADMIN_SECRET: admin.secret,
  };
  if (mongodbUri) {
    env.MONGODB_URI = mongodbUri;
    env.MONGODB_DB = mongodbDb;
  }
  if (logLevel) env.LOG_LEVEL = logLevel;
  const log = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/main.js')], { cwd: ROOT, env, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/xapi/about`)).ok, 120_000, 'the LRS', child);
  return {
    pid: child.pid,
    url,
    child,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** FerretDB v1 with its SQLite backend, as test-support/mongo-server/ferretdb.ts starts it. */
async function startFerretDb({ binary, dir, logFile }) {
  const port = await freePort();
  fs.mkdirSync(dir, { recursive: true });
  const log = fs.openSync(logFile, 'a');
  const child = spawn(
    binary,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/`,
      `--state-dir=${dir}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=127.0.0.1:0',
      '--telemetry=disable',
      '--log-level=ERROR',
    ],
    { stdio: ['ignore', log, log] },
  );
  fs.closeSync(log);
  await waitFor(
    () =>
      new Promise((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      }),
    60_000,
    'FerretDB',
    child,
  );
  return {
    pid: child.pid,
    uri: `mongodb://127.0.0.1:${port}/`,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Forks a bench helper with one job; resolves with its result. `onProgress` gets its progress messages. */
function runChild(script, job, onProgress) {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, script), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let answered = false;
    child.on('message', (message) => {
      if (message.progress) return onProgress?.(message.progress);
      answered = true;
      if (message.ok) resolve(message.result);
      else reject(new Error(`${script} failed: ${message.error}`));
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!answered) reject(new Error(`${script} exited with code ${code} without a result`));
    });
    child.send(job);
  });
}

/** Resident set size and its peak (VmHWM) of a process, in bytes; undefined once it is gone. */
function memoryOf(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
    return { rss: kib('VmRSS'), peak: kib('VmHWM') };
  } catch {
    return undefined;
  }
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** User + system CPU time of a process, in milliseconds. */
function cpuTimeOf(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/**
 * Samples the RSS of some processes every `intervalMs` for the whole run, attributing each sample
 * to the phase current at the time.
 */
class MemorySampler {
  constructor(intervalMs = 250) {
    this.intervalMs = intervalMs;
    this.targets = new Map(); // label → pid
    this.phase = 'start';
    this.byPhase = new Map(); // `${label}\n${phase}` → { max, sum, n }
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  watch(label, pid) {
    this.targets.set(label, pid);
    this.sample();
  }

  unwatch(label) {
    this.sample();
    const pid = this.targets.get(label);
    this.targets.delete(label);
    return pid === undefined ? undefined : memoryOf(pid);
  }

  setPhase(phase) {
    this.sample();
    this.phase = phase;
    this.sample();
  }

  sample() {
    for (const [label, pid] of this.targets) {
      const memory = memoryOf(pid);
      if (!memory) continue;
      const key = `${label}\n${this.phase}`;
      const entry = this.byPhase.get(key) ?? { label, phase: this.phase, max: 0, sum: 0, n: 0, peak: 0 };
      entry.max = Math.max(entry.max, memory.rss);
      entry.peak = Math.max(entry.peak, memory.peak);
      entry.sum += memory.rss;
      entry.n++;
      this.byPhase.set(key, entry);
    }
  }

  summary(label) {
    const phases = [...this.byPhase.values()].filter((entry) => entry.label === label);
    return {
      maxRss: Math.max(0, ...phases.map((entry) => entry.max)),
      peakRss: Math.max(0, ...phases.map((entry) => entry.peak)),
      samples: phases.reduce((n, entry) => n + entry.n, 0),
      phases: phases.map(({ phase, max, sum, n }) => ({ phase, maxRss: max, meanRss: sum / n, samples: n })),
    };
  }

  stop() {
    clearInterval(this.timer);
  }
}

function machine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    ramGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

const loadAverage = () => os.loadavg().map((x) => Number(x.toFixed(2)));

module.exports = { startLrs, startFerretDb, runChild, memoryOf, cpuTimeOf, MemorySampler, machine, loadAverage, sleep, ROOT };
