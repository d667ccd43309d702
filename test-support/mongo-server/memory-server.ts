import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DryMongoBinary, MongoBinary, MongoMemoryServer } from 'mongodb-memory-server-core';
import { MongoBinaryDownloadUrl } from 'mongodb-memory-server-core/lib/util/MongoBinaryDownloadUrl';
import type { RunningServer } from './child-server';
import { waitForPing } from './child-server';
import type { Launcher } from './launcher';

const DATA_SUBDIR = 'mongodb';
/** How long we give the download host to answer before falling through to the next kind. */
const REACHABILITY_TIMEOUT_MS = 3000;

/**
 * A real MongoDB binary fetched (once, into its own cache) by mongodb-memory-server-core, run
 * with a persistent WiredTiger data directory rather than as a throw-away test server. The
 * library spawns a watchdog that stops mongod when our process dies.
 */
export const memoryServerLauncher: Launcher = {
  kind: 'mongodb-memory-server',
  dataSubdir: DATA_SUBDIR,
  async prepare({ dataDir, logger }) {
    let options: Awaited<ReturnType<typeof DryMongoBinary.generateOptions>>;
    try {
      options = await DryMongoBinary.generateOptions();
    } catch (error) {
      return { skip: `no MongoDB build for this system (${(error as Error).message})` };
    }
    const cached = await DryMongoBinary.locateBinary(options);
    if (cached === undefined) {
      const url = await new MongoBinaryDownloadUrl(options).getDownloadUrl();
      const unreachable = await unreachableReason(url);
      if (unreachable !== undefined) {
        return { skip: `MongoDB ${options.version} is not cached and ${new URL(url).host} is unreachable (${unreachable})` };
      }
      logger.info({ url }, `Downloading MongoDB ${options.version} (once per machine)`);
      try {
        await MongoBinary.getPath(options);
      } catch (error) {
        return { skip: `downloading MongoDB ${options.version} failed (${(error as Error).message})` };
      }
    }
    const dbPath = path.join(dataDir, DATA_SUBDIR);
    return {
      description: `MongoDB ${options.version} via mongodb-memory-server (${cached ? 'cached binary' : 'just downloaded'})`,
      start: () => startMemoryServer(dbPath, options.version),
    };
  },
};

async function unreachableReason(url: string): Promise<string | undefined> {
  try {
    await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(REACHABILITY_TIMEOUT_MS) });
    return undefined;
  } catch (error) {
    const { cause, message } = error as Error & { cause?: { code?: string } };
    return cause?.code ?? message;
  }
}

async function startMemoryServer(dbPath: string, version: string): Promise<RunningServer> {
  await mkdir(dbPath, { recursive: true });
  const server = await MongoMemoryServer.create({
    binary: { version },
    instance: { dbPath, storageEngine: 'wiredTiger', ip: '127.0.0.1' },
  });
  const pid = server.instanceInfo?.instance.mongodProcess?.pid;
  if (pid === undefined) throw new Error('mongodb-memory-server started no mongod process');
  const uri = server.getUri();
  await waitForPing(uri);
  return {
    uri,
    pid,
    stop: async () => {
      await server.stop({ doCleanup: false, force: false });
    },
  };
}
