import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { launchServer } from './child-server';
import { ensureFerretDb, FERRETDB_VERSION } from './ferretdb-install';
import type { Launcher } from './launcher';

const DATA_SUBDIR = 'ferretdb';

/**
 * FerretDB with its SQLite backend: a MongoDB wire-protocol server that needs nothing but Go
 * to build (see ferretdb-install.ts). The limits we design around are pinned in embedded.test.ts.
 */
export const ferretDbLauncher: Launcher = {
  kind: 'ferretdb',
  dataSubdir: DATA_SUBDIR,
  async prepare({ dataDir, logger, tools }) {
    let binary: string;
    try {
      binary = await ensureFerretDb(logger, tools);
    } catch (error) {
      return { skip: (error as Error).message };
    }
    const dir = path.join(dataDir, DATA_SUBDIR);
    return {
      description: `FerretDB ${FERRETDB_VERSION} with SQLite (${binary})`,
      start: async () => {
        await mkdir(dir, { recursive: true });
        return launchServer(
          {
            name: `FerretDB ${FERRETDB_VERSION}`,
            command: binary,
            args: (port) => ferretDbArguments(dir, port),
            logFile: path.join(dataDir, 'ferretdb.log'),
          },
          logger,
        );
      },
    };
  },
};

/**
 * ERROR rather than WARN: at WARN FerretDB v1 logs a full wire-message dump each time a client
 * closes, because it does not implement `endSessions`. Start-up failures are logged above ERROR.
 */
function ferretDbArguments(dir: string, port: number): string[] {
  return [
    '--handler=sqlite',
    `--sqlite-url=file:${dir}/`,
    `--state-dir=${dir}`,
    `--listen-addr=127.0.0.1:${port}`,
    '--debug-addr=127.0.0.1:0',
    '--telemetry=disable',
    '--log-level=ERROR',
  ];
}
