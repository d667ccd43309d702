import type { Logger } from '../../src/logger';
import type { RunningServer } from './child-server';
import type { ToolOptions } from './tools';

export type EmbeddedKind = 'mongod' | 'mongodb-memory-server' | 'ferretdb';

export interface LaunchContext {
  /** Absolute; each kind keeps its files in its own subdirectory of it. */
  dataDir: string;
  logger: Logger;
  tools: ToolOptions;
}

/** Either why this kind of server cannot be used here, or how to start it. */
export type Preparation = { skip: string } | { description: string; start(): Promise<RunningServer> };

export interface Launcher {
  kind: EmbeddedKind;
  /** The subdirectory of the data directory that holds this kind's data. */
  dataSubdir: string;
  /** Finds (or installs) the server; quick when it is unavailable, so the next kind is tried soon. */
  prepare(context: LaunchContext): Promise<Preparation>;
}
