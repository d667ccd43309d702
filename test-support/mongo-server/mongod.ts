import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { launchServer } from './child-server';
import type { Launcher } from './launcher';
import { findExecutable } from './processes';

const DATA_SUBDIR = 'mongod';

/** A MongoDB server already installed on the machine (`mongod` on PATH). */
export const mongodLauncher: Launcher = {
  kind: 'mongod',
  dataSubdir: DATA_SUBDIR,
  async prepare({ dataDir, logger, tools }) {
    const mongod = await findExecutable('mongod', tools.searchPath);
    if (mongod === undefined) return { skip: 'no mongod on PATH' };
    const dbPath = path.join(dataDir, DATA_SUBDIR);
    return {
      description: `mongod from ${mongod}`,
      start: async () => {
        await mkdir(dbPath, { recursive: true });
        return launchServer(
          {
            name: 'mongod',
            command: mongod,
            args: (port) => ['--dbpath', dbPath, '--bind_ip', '127.0.0.1', '--port', String(port), '--quiet'],
            logFile: path.join(dataDir, 'mongod.log'),
          },
          logger,
        );
      },
    };
  },
};
