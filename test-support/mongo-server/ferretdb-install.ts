import { execFile } from 'node:child_process';
import { chmod, cp, link, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../../src/logger';
import { findExecutable, isRunning, sleep } from './processes';
import type { ToolOptions } from './tools';

/**
 * FerretDB, built once per machine from its Go module and kept in the tools directory.
 *
 * Why v1.24.2 and why not `go install`: the platform notes name v1.24.1, but the Go module
 * proxy here refuses that version (403 "not available"), and `go install ...@v1.24.2` fails
 * because the proxy forbids the module's `@v/list`, which `go install` reads to look for a
 * deprecation notice. v1.24.2 is the latest v1 patch release, and `go mod download` of it
 * works. So: download the module, copy it somewhere writable, write the version file that
 * FerretDB normally generates in its own build (without `build/version/version.txt` the binary
 * panics at start), and `go build ./cmd/ferretdb` in the copy.
 */
export const FERRETDB_VERSION = 'v1.24.2';
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
/** Where a Go installed from the official tarball lives when its bin is not on PATH. */
const USUAL_GO_DIRS = ['/usr/local/go/bin'];
const LOCK_WAIT_MS = 15 * 60_000;
const COMMAND_OUTPUT_BYTES = 64 * 1024 * 1024;

export type InstallLogger = Pick<Logger, 'info' | 'debug'>;

export class GoNotFoundError extends Error {
  constructor() {
    super(
      `FerretDB ${FERRETDB_VERSION} is not installed and Go (1.24 or newer) was not found on PATH, ` +
        'so it cannot be built. Install Go from https://go.dev/dl/ (or your package manager) and run ' +
        '`npm run setup`, or put `mongod` on PATH, or set MONGODB_URI to an existing MongoDB.',
    );
    this.name = 'GoNotFoundError';
  }
}

export function ferretDbBinaryPath(toolsDir: string): string {
  return path.join(toolsDir, `ferretdb-${FERRETDB_VERSION}`, 'ferretdb');
}

/** Path of a working FerretDB binary of the pinned version, building it first when needed. */
export async function ensureFerretDb(logger: InstallLogger, tools: ToolOptions): Promise<string> {
  const binary = ferretDbBinaryPath(tools.toolsDir);
  if (await hasExpectedVersion(binary)) {
    logger.debug({ binary }, 'FerretDB is installed');
    return binary;
  }
  await mkdir(tools.toolsDir, { recursive: true });
  return withInstallLock(path.join(tools.toolsDir, `ferretdb-${FERRETDB_VERSION}.lock`), logger, async () => {
    if (await hasExpectedVersion(binary)) return binary; // another process built it while we waited
    await buildFerretDb(binary, logger, tools);
    return binary;
  });
}

async function hasExpectedVersion(binary: string): Promise<boolean> {
  try {
    const { stdout } = await promisify(execFile)(binary, ['--version'], { timeout: 10_000 });
    return new RegExp(`^version: ${FERRETDB_VERSION.replace(/\./g, '\\.')}$`, 'm').test(stdout);
  } catch {
    return false;
  }
}

async function buildFerretDb(binary: string, logger: InstallLogger, tools: ToolOptions): Promise<void> {
  const go = await findExecutable('go', tools.searchPath, USUAL_GO_DIRS);
  if (go === undefined) throw new GoNotFoundError();
  const started = Date.now();
  logger.info(
    { go, binary },
    `Building FerretDB ${FERRETDB_VERSION} from source with Go (once per machine; about 1-2 minutes on a cold Go cache)`,
  );
  const moduleDir = await downloadModule(go, tools.toolsDir);
  const sourceDir = `${path.dirname(binary)}.src-${process.pid}`;
  const builtBinary = `${binary}.tmp-${process.pid}`;
  try {
    await copyWritable(moduleDir, sourceDir);
    await writeFile(path.join(sourceDir, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
    await mkdir(path.dirname(binary), { recursive: true });
    await run(go, ['build', '-trimpath', '-buildvcs=false', '-o', builtBinary, './cmd/ferretdb'], sourceDir);
    if (!(await hasExpectedVersion(builtBinary))) {
      throw new Error(`the FerretDB binary built at ${builtBinary} does not report version ${FERRETDB_VERSION}`);
    }
    await rename(builtBinary, binary);
  } finally {
    await rm(sourceDir, { recursive: true, force: true });
    await rm(builtBinary, { force: true });
  }
  logger.info({ binary, seconds: Math.round((Date.now() - started) / 1000) }, `Built FerretDB ${FERRETDB_VERSION}`);
}

/** `go mod download` of the pinned FerretDB module; returns its (read-only) directory in the module cache. */
async function downloadModule(go: string, cwd: string): Promise<string> {
  const stdout = await run(go, ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`], cwd);
  const result = JSON.parse(stdout) as { Dir?: string; Error?: string };
  if (result.Error !== undefined || result.Dir === undefined) {
    throw new Error(`go mod download ${FERRETDB_MODULE}@${FERRETDB_VERSION} failed: ${result.Error ?? stdout}`);
  }
  return result.Dir;
}

/** Copies a directory tree from Go's read-only module cache and makes the copy writable. */
async function copyWritable(from: string, to: string): Promise<void> {
  await rm(to, { recursive: true, force: true });
  await cp(from, to, { recursive: true });
  await makeWritable(to);
}

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const entryPath = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeWritable(entryPath);
    else if (entry.isFile()) await chmod(entryPath, 0o644);
  }
}

/** Runs a command to completion and returns its stdout; a failure carries the last lines of its stderr. */
async function run(command: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(command, args, { cwd, maxBuffer: COMMAND_OUTPUT_BYTES });
    return stdout;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    const tail = (stderr ?? '').trimEnd().split('\n').slice(-20).join('\n');
    throw new Error(`\`${path.basename(command)} ${args.join(' ')}\` failed in ${cwd}: ${message}\n${tail}`);
  }
}

/**
 * Runs `fn` while holding a lock file, so that two processes starting at once do not both
 * build. The lock holds the owner's pid; a lock whose owner is gone is taken over.
 */
async function withInstallLock<T>(lockPath: string, logger: InstallLogger, fn: () => Promise<T>): Promise<T> {
  await acquireLock(lockPath, logger);
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function acquireLock(lockPath: string, logger: InstallLogger): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let announced = false;
  while (!(await tryLock(lockPath))) {
    const holder = await lockHolder(lockPath);
    if (holder === undefined || !(await isRunning(holder))) {
      await rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockPath} (held by pid ${holder})`);
    if (!announced) logger.info({ pid: holder }, 'Waiting for another process that is building FerretDB');
    announced = true;
    await sleep(1000);
  }
}

/** Creates the lock with our pid already in it: write a private file, then hard-link it into place. */
async function tryLock(lockPath: string): Promise<boolean> {
  const ownFile = `${lockPath}.${process.pid}`;
  await writeFile(ownFile, String(process.pid));
  try {
    await link(ownFile, lockPath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(ownFile, { force: true });
  }
}

async function lockHolder(lockPath: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(lockPath, 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
