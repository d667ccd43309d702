import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { open } from 'node:fs/promises';
import net from 'node:net';
import { MongoClient } from 'mongodb';
import type { Logger } from '../../src/logger';
import { freePort, hasExited, lastLines, sleep, stopChild } from './processes';

/** A database server process we started, answering on `uri`. */
export interface RunningServer {
  uri: string;
  pid: number;
  stop(): Promise<void>;
}

/** How to run one server binary as a child process. */
export interface ServerCommand {
  /** For messages, e.g. "FerretDB v1.24.2". */
  name: string;
  command: string;
  args(port: number): string[];
  /** The server's stdout and stderr go here, not into our logs; its tail is quoted on failure. */
  logFile: string;
}

const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;
const PORT_ATTEMPTS = 3;

class PortTakenError extends Error {}

/**
 * Starts the server on a free loopback port and resolves once it answers `ping`. When another
 * process grabs the port between our probe and the server's bind, it tries again on a new port.
 */
export async function launchServer(spec: ServerCommand, logger: Logger): Promise<RunningServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchOnce(spec, logger);
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}

async function launchOnce(spec: ServerCommand, logger: Logger): Promise<RunningServer> {
  const port = await freePort();
  const child = await spawnWithLogFile(spec.command, spec.args(port), spec.logFile);
  const uri = `mongodb://127.0.0.1:${port}`;
  try {
    await waitForPing(uri, () => hasExited(child));
  } catch (error) {
    await stopChild(child, STOP_GRACE_MS);
    throw await startupFailure(spec, child, error as Error);
  }
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) void reportUnexpectedExit(spec, logger, { code, signal });
  });
  return {
    uri,
    pid: child.pid as number,
    stop: async () => {
      stopping = true;
      await stopChild(child, STOP_GRACE_MS);
    },
  };
}

/**
 * The child gets its own process group, so a Ctrl-C meant for the LRS does not kill the
 * database before the LRS has shut down, and writes to a file rather than a pipe, so it does
 * not die of a broken pipe if the LRS is killed (the pid file takes care of it then).
 */
async function spawnWithLogFile(command: string, args: string[], logFile: string): Promise<ChildProcess> {
  const log = await open(logFile, 'w');
  try {
    const child = spawn(command, args, { stdio: ['ignore', log.fd, log.fd], detached: true });
    await once(child, 'spawn');
    return child;
  } finally {
    await log.close();
  }
}

/**
 * Resolves once the server at `uri` answers `ping`; fails when `isGone()` or after READY_TIMEOUT_MS.
 * A bare TCP connect is tried first: it fails at once while nothing listens, where the driver
 * would wait for its next heartbeat.
 */
export async function waitForPing(uri: string, isGone: () => boolean = () => false): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (isGone()) throw new Error('it exited before it answered ping');
    if ((await acceptsConnections(uri)) && (await answersPing(uri))) return;
    if (Date.now() > deadline) throw new Error(`it did not answer ping within ${READY_TIMEOUT_MS / 1000} s`);
    await sleep(50);
  }
}

function acceptsConnections(uri: string): Promise<boolean> {
  const { hostname, port } = new URL(uri);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    const settle = (accepted: boolean) => {
      socket.destroy();
      resolve(accepted);
    };
    socket.once('connect', () => settle(true));
    socket.once('error', () => settle(false));
    socket.setTimeout(1000, () => settle(false));
  });
}

async function answersPing(uri: string): Promise<boolean> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1000, connectTimeoutMS: 1000 });
  try {
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close();
  }
}

async function startupFailure(spec: ServerCommand, child: ChildProcess, cause: Error): Promise<Error> {
  const tail = await lastLines(spec.logFile);
  if (/address already in use/i.test(tail)) return new PortTakenError(tail);
  const exit = hasExited(child) ? ` (exit code ${child.exitCode ?? child.signalCode})` : '';
  return new Error(
    `${spec.name} failed to start: ${cause.message}${exit}.\n` +
      `Command: ${spec.command} ${child.spawnargs.slice(1).join(' ')}\n` +
      `Last lines of ${spec.logFile}:\n${tail || '(empty)'}`,
  );
}

async function reportUnexpectedExit(
  spec: ServerCommand,
  logger: Logger,
  exit: { code: number | null; signal: NodeJS.Signals | null },
): Promise<void> {
  logger.error({ ...exit, logFile: spec.logFile, lastLines: await lastLines(spec.logFile) }, `${spec.name} exited unexpectedly`);
}
