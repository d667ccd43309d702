import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../src/logger';
import { commandLineOf, isRunning, terminate } from './processes';

/**
 * The pid file ties a data directory to the database server started on it and to the process
 * that owns that server. The LRS can die by SIGKILL and leave its server running, still holding
 * the data directory and a port; the next start on the same directory finds it here and stops it.
 */
export interface PidRecord {
  /** The process that started the server (the LRS, or a test runner). */
  ownerPid: number;
  /** The database server. */
  serverPid: number;
  kind: string;
  uri: string;
}

const PID_FILE = 'embedded-db.pid';
const STALE_SERVER_GRACE_MS = 10_000;

/** Another live process runs a server on this data directory; `uri` reaches that server. */
export class DataDirInUseError extends Error {
  readonly uri: string;

  constructor(dataDir: string, record: PidRecord) {
    super(
      `The data directory ${dataDir} is in use: process ${record.ownerPid} runs a ${record.kind} server ` +
        `(pid ${record.serverPid}, ${record.uri}) on it. Stop that process first, or use another DATA_DIR.`,
    );
    this.name = 'DataDirInUseError';
    this.uri = record.uri;
  }
}

export function pidFilePath(dataDir: string): string {
  return path.join(dataDir, PID_FILE);
}

export async function writePidFile(dataDir: string, record: PidRecord): Promise<void> {
  const file = pidFilePath(dataDir);
  await writeFile(`${file}.tmp`, `${JSON.stringify(record)}\n`);
  await rename(`${file}.tmp`, file);
}

export async function removePidFile(dataDir: string): Promise<void> {
  await rm(pidFilePath(dataDir), { force: true });
}

/**
 * Stops a server that an earlier, dead owner left running on `dataDir`, and removes a pid file
 * that no longer describes a running server (or cannot be read). Throws DataDirInUseError when the owner still lives.
 */
export async function clearStaleServer(dataDir: string, logger: Logger): Promise<void> {
  const record = await readPidFile(dataDir);
  if (record !== undefined && (await isServerOf(record.serverPid, dataDir))) {
    if (await isRunning(record.ownerPid)) throw new DataDirInUseError(dataDir, record);
    logger.warn(
      { pid: record.serverPid, kind: record.kind, dataDir },
      'Stopping a database server left running on this data directory by an earlier run',
    );
    await terminate(record.serverPid, STALE_SERVER_GRACE_MS);
  }
  await removePidFile(dataDir);
}

export async function readPidFile(dataDir: string): Promise<PidRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(pidFilePath(dataDir), 'utf8')) as Partial<PidRecord>;
    return isPid(record.ownerPid) && isPid(record.serverPid) && typeof record.uri === 'string'
      ? (record as PidRecord)
      : undefined;
  } catch {
    return undefined;
  }
}

function isPid(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) > 0;
}

/** Guards against pid reuse: the process must be alive and name the data directory in its arguments. */
async function isServerOf(pid: number, dataDir: string): Promise<boolean> {
  if (!(await isRunning(pid))) return false;
  return (await commandLineOf(pid))?.includes(dataDir) ?? false;
}
