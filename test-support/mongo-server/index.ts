import { mkdir, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../../src/logger';
import type { RunningServer } from './child-server';
import { ferretDbLauncher } from './ferretdb';
import type { EmbeddedKind, LaunchContext, Launcher } from './launcher';
import { memoryServerLauncher } from './memory-server';
import { mongodLauncher } from './mongod';
import { clearStaleServer, removePidFile, writePidFile } from './pid-file';
import { toolOptionsFromEnvironment, type ToolOptions } from './tools';

export type { EmbeddedKind } from './launcher';
export { DataDirInUseError } from './pid-file';
export { detectServerFlavor, type ServerFlavor } from './flavor';
export { toolOptionsFromEnvironment, type ToolOptions } from './tools';

export interface EmbeddedDatabase {
  uri: string;
  kind: EmbeddedKind;
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  dataDir: string;
  logger: Logger;
  /** Tried first; the others follow in the usual order. */
  preferred?: EmbeddedKind;
  /** Defaults to `toolOptionsFromEnvironment(process.env, os.homedir())`. */
  tools?: ToolOptions;
}

const LAUNCHERS: readonly Launcher[] = [mongodLauncher, memoryServerLauncher, ferretDbLauncher];

/**
 * The MongoDB-compatible server that the LRS (and the test suite) starts for itself when no
 * MONGODB_URI is configured. The first of these that is available here is used:
 *   1. `mongod` on PATH;
 *   2. MongoDB via mongodb-memory-server-core, when its binary is cached or can be downloaded;
 *   3. FerretDB with SQLite, built once from source with Go.
 * Each keeps its data in its own subdirectory of `dataDir`, across restarts. Resolves once the
 * server answers `ping`; `stop()` stops it. A server left running on `dataDir` by a process that
 * has died is stopped first.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const { logger } = options;
  await mkdir(dataDir, { recursive: true });
  await clearStaleServer(dataDir, logger);
  const context: LaunchContext = {
    dataDir,
    logger,
    tools: options.tools ?? toolOptionsFromEnvironment(process.env, os.homedir()),
  };
  const skipped: string[] = [];
  for (const launcher of launchOrder(options.preferred)) {
    const preparation = await launcher.prepare(context);
    if ('skip' in preparation) {
      skipped.push(`${launcher.kind}: ${preparation.skip}`);
      continue;
    }
    const server = await preparation.start();
    await recordServer(dataDir, launcher.kind, server);
    logger.info(
      { kind: launcher.kind, uri: server.uri, dataDir, skipped },
      `Embedded database: ${preparation.description}${skipped.length > 0 ? `; skipped ${skipped.join('; ')}` : ''}`,
    );
    await warnAboutUnusedData(dataDir, launcher, logger);
    return {
      uri: server.uri,
      kind: launcher.kind,
      stop: async () => {
        await server.stop();
        await removePidFile(dataDir);
      },
    };
  }
  throw new Error(
    `No embedded database could be started in ${dataDir}:\n  - ${skipped.join('\n  - ')}\n` +
      'Set MONGODB_URI to use an existing MongoDB instead.',
  );
}

function launchOrder(preferred: EmbeddedKind | undefined): Launcher[] {
  const first = LAUNCHERS.filter((launcher) => launcher.kind === preferred);
  return [...first, ...LAUNCHERS.filter((launcher) => launcher.kind !== preferred)];
}

async function recordServer(dataDir: string, kind: EmbeddedKind, server: RunningServer): Promise<void> {
  try {
    await writePidFile(dataDir, { ownerPid: process.pid, serverPid: server.pid, kind, uri: server.uri });
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** Switching kinds (say, after installing mongod) leaves earlier data behind: say so rather than seem to lose it. */
async function warnAboutUnusedData(dataDir: string, chosen: Launcher, logger: Logger): Promise<void> {
  for (const other of LAUNCHERS.filter((launcher) => launcher !== chosen)) {
    const otherDir = path.join(dataDir, other.dataSubdir);
    if (await hasEntries(otherDir)) {
      logger.warn(
        { unusedDataDir: otherDir, kind: other.kind },
        `${otherDir} holds data from an earlier ${other.kind} server, which is not used now`,
      );
    }
  }
}

async function hasEntries(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length > 0;
  } catch {
    return false;
  }
}
