/**
 * LRS instances in child processes for the race tests, each with every plugin: one on a SQLite
 * data directory, or one or more on one MongoDB database (the test run's server, FerretDB v1 in
 * CI), so that an instance can be killed with SIGKILL and started again on the same storage.
 * After `stop`, the test reads the stores at `storage` as the instances left them (opening a
 * backend is the core's business: only a test file may, by the import-graph rules).
 */
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startChildLrs } from '../../../../../test-support/child-lrs';
import { dropTestDatabase, testDatabase, type TestDatabase } from '../../../../../test-support/database';
import { freePort } from '../../../../../test-support/net';

const ADMIN = { key: 'race-admin', secret: 'race-admin-secret-123' };
export const ADMIN_AUTHORIZATION = basic(ADMIN.key, ADMIN.secret);

export type RaceStorage = { engine: 'sqlite'; dataDir: string } | ({ engine: 'mongodb' } & TestDatabase);

interface Instance {
  port: number;
  dataDir: string;
  child?: ChildProcess;
}

export class RaceCluster {
  private constructor(
    readonly engine: 'sqlite' | 'mongodb',
    private readonly instances: Instance[],
    private readonly mongo: TestDatabase | undefined,
    /** Every instance's PUBLIC_URL (the first one's address): the same activity ids from all. */
    readonly publicUrl: string,
  ) {}

  /** `count` instances (more than one only on MongoDB: SQLite's data directory has one owner), started one after the other. */
  static async start(engine: 'sqlite' | 'mongodb', count = 1): Promise<RaceCluster> {
    if (engine === 'sqlite' && count > 1) throw new Error('several instances share one MongoDB database, not a SQLite data directory');
    const instances: Instance[] = [];
    for (let index = 0; index < count; index++) {
      instances.push({ port: await freePort(), dataDir: await mkdtemp(path.join(os.tmpdir(), 'keiko-race-')) });
    }
    const cluster = new RaceCluster(engine, instances, engine === 'mongodb' ? testDatabase() : undefined, `http://127.0.0.1:${instances[0]!.port}`);
    try {
      for (let index = 0; index < count; index++) await cluster.restart(index);
    } catch (error) {
      await cluster.dispose();
      throw error;
    }
    return cluster;
  }

  get size(): number {
    return this.instances.length;
  }

  url(index: number): string {
    return `http://127.0.0.1:${this.instance(index).port}`;
  }

  /** SIGKILL: the process gets no chance to finish anything. */
  async kill(index: number): Promise<void> {
    const { child } = this.instance(index);
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    process.kill(-child.pid!, 'SIGKILL'); // its process group (startChildLrs detaches it)
    await exited;
  }

  /** Starts the instance (again) on its port and the same storage; resolves once it is ready. */
  async restart(index: number): Promise<void> {
    const instance = this.instance(index);
    instance.child = await startChildLrs('src/main.ts', {
      PORT: String(instance.port),
      PUBLIC_URL: this.publicUrl,
      DATA_DIR: instance.dataDir,
      PLUGINS: 'all',
      LRS_ADMIN_KEY: ADMIN.key,
      LRS_ADMIN_SECRET: ADMIN.secret,
      ...(this.mongo ? { MONGODB_URI: this.mongo.uri, MONGODB_DB: this.mongo.dbName } : {}),
    });
  }

  /** SIGTERM to every instance still running, waiting until each exited. */
  async stop(): Promise<void> {
    await Promise.all(
      this.instances.map(async ({ child }) => {
        if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }),
    );
  }

  /** Stops the instances and removes their storage. */
  async dispose(): Promise<void> {
    await Promise.all(this.instances.map((_, index) => this.kill(index)));
    await Promise.all(this.instances.map(({ dataDir }) => rm(dataDir, { recursive: true, force: true })));
    if (this.mongo) await dropTestDatabase(this.mongo).catch(() => undefined);
  }

  /** Where the instances keep their data. */
  get storage(): RaceStorage {
    return this.mongo ? { engine: 'mongodb', ...this.mongo } : { engine: 'sqlite', dataDir: this.instance(0).dataDir };
  }

  private instance(index: number): Instance {
    const instance = this.instances[index];
    if (instance === undefined) throw new Error(`no instance ${index} (there are ${this.instances.length})`);
    return instance;
  }
}

export function basic(key: string, secret: string): string {
  return `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
}
