import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import pino from 'pino';
import { isFerretDbUnderTest, testDatabase, testToolOptions, type TestDatabase } from '../database';
import { requiring } from '../requirements';
import { FERRETDB_VERSION, ferretDbBinaryPath } from './ferretdb-install';
import { DataDirInUseError, startEmbeddedDatabase, type EmbeddedDatabase } from './index';
import { pidFilePath, readPidFile, writePidFile } from './pid-file';
import { isRunning } from './processes';

jest.setTimeout(120_000);

const logger = pino({ level: 'silent' });
const tools = testToolOptions();
const ferretDb = ferretDbBinaryPath(tools.toolsDir);
const withFerretDb = (alreadyUnderTest = false) =>
  requiring({ needs: `FerretDB ${FERRETDB_VERSION}`, present: alreadyUnderTest || existsSync(ferretDb), install: 'npm run setup' });

let dataDir: string;
const started: EmbeddedDatabase[] = [];

async function start(options: { dataDir?: string; searchPath?: string } = {}): Promise<EmbeddedDatabase> {
  const database = await startEmbeddedDatabase({
    dataDir: options.dataDir ?? dataDir,
    logger,
    tools: { ...tools, searchPath: options.searchPath ?? tools.searchPath },
  });
  started.push(database);
  return database;
}

async function withClient<T>(uri: string, action: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = await MongoClient.connect(uri);
  try {
    return await action(client);
  } finally {
    await client.close();
  }
}

interface Probe {
  _id: string;
  n: number;
}
const probes = (client: MongoClient) => client.db('keiko_embedded').collection<Probe>('probe');
const insertProbe = (uri: string) => withClient(uri, (client) => probes(client).insertOne({ _id: 'kept', n: 1 }));
const findProbe = (uri: string) => withClient(uri, (client) => probes(client).findOne({ _id: 'kept' }));

/** A pid that belonged to a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid as number;
}

async function serverPid(): Promise<number> {
  const record = await readPidFile(dataDir);
  if (record === undefined) throw new Error('no pid file');
  return record.serverPid;
}

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'keiko-embedded-test-'));
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((database) => database.stop()));
  await rm(dataDir, { recursive: true, force: true });
});

describe('startEmbeddedDatabase', () => {
  it('keeps data across a stop and a restart on the same directory', async () => {
    const first = await start();
    await insertProbe(first.uri);
    const pid = await serverPid();
    await first.stop();
    expect(await isRunning(pid)).toBe(false);
    expect(existsSync(pidFilePath(dataDir))).toBe(false);

    const second = await start();
    expect(second.kind).toBe(first.kind);
    expect(await findProbe(second.uri)).toEqual({ _id: 'kept', n: 1 });
  });

  it('stops a server left running by an owner that was killed, then starts its own', async () => {
    const orphaned = await start();
    await insertProbe(orphaned.uri);
    const orphanPid = await serverPid();
    const record = await readPidFile(dataDir);
    await writePidFile(dataDir, { ...record!, ownerPid: await deadPid() }); // as after a SIGKILL of the LRS

    const restarted = await start();
    expect(await isRunning(orphanPid)).toBe(false);
    expect(await serverPid()).not.toBe(orphanPid);
    expect(await findProbe(restarted.uri)).toEqual({ _id: 'kept', n: 1 });
  });

  it('refuses a data directory whose server belongs to a live process, naming that server', async () => {
    const running = await start();
    const attempt = start();
    await expect(attempt).rejects.toBeInstanceOf(DataDirInUseError);
    await expect(attempt).rejects.toMatchObject({ uri: running.uri });
  });

  it('ignores a pid file whose server is gone', async () => {
    const gone = await deadPid();
    await writePidFile(dataDir, { ownerPid: gone, serverPid: gone, kind: 'ferretdb', uri: 'mongodb://127.0.0.1:1' });
    const database = await start();
    await withClient(database.uri, (client) => client.db('admin').command({ ping: 1 }));
  });

  it('quotes the last lines of a server that fails to start', async () => {
    const shimDir = await mkdtemp(path.join(os.tmpdir(), 'keiko-mongod-shim-'));
    try {
      await writeExecutable(path.join(shimDir, 'mongod'), '#!/bin/sh\necho "starting"\necho "fatal: disk on fire" >&2\nexit 3\n');
      await expect(start({ searchPath: shimDir })).rejects.toThrow(
        /mongod failed to start: it exited before it answered ping \(exit code 3\)[^]*starting\nfatal: disk on fire/,
      );
      expect(existsSync(pidFilePath(dataDir))).toBe(false);
    } finally {
      await rm(shimDir, { recursive: true, force: true });
    }
  });

  withFerretDb().it('prefers a mongod on PATH, started with its own data directory', async () => {
    const shimDir = await mkdtemp(path.join(os.tmpdir(), 'keiko-mongod-shim-'));
    try {
      await writeExecutable(path.join(shimDir, 'mongod'), mongodShim(ferretDb));
      const database = await start({ searchPath: shimDir });
      expect(database.kind).toBe('mongod');
      await insertProbe(database.uri);
      expect(existsSync(path.join(dataDir, 'mongod', 'keiko_embedded.sqlite'))).toBe(true);
      const pid = await serverPid();
      await database.stop();
      expect(await isRunning(pid)).toBe(false);
    } finally {
      await rm(shimDir, { recursive: true, force: true });
    }
  });
});

/** A stand-in `mongod` that runs FerretDB, translating the options we pass to mongod. */
function mongodShim(ferretDb: string): string {
  return [
    '#!/bin/sh',
    'while [ $# -gt 0 ]; do case "$1" in',
    '  --dbpath) dbpath=$2; shift 2;; --bind_ip) ip=$2; shift 2;; --port) port=$2; shift 2;; *) shift;;',
    'esac; done',
    `exec "${ferretDb}" --handler=sqlite "--sqlite-url=file:$dbpath/" "--state-dir=$dbpath" ` +
      '"--listen-addr=$ip:$port" --debug-addr=127.0.0.1:0 --telemetry=disable --log-level=ERROR',
    '',
  ].join('\n');
}

async function writeExecutable(file: string, content: string): Promise<void> {
  await writeFile(file, content);
  await chmod(file, 0o755);
}

/**
 * What FerretDB v1 refuses to store, and what the LRS's storage format therefore has to avoid:
 * xAPI extensions are keyed by IRIs (full of dots) and their values are arbitrary JSON. On the
 * test run's server when it is FerretDB, else on a FerretDB of its own.
 */
withFerretDb(isFerretDbUnderTest()).describe('FerretDB limits we design around', () => {
  let database: TestDatabase;
  let own: { server: EmbeddedDatabase; dataDir: string } | undefined;

  beforeAll(async () => {
    if (isFerretDbUnderTest()) {
      database = testDatabase();
      return;
    }
    const ownDataDir = await mkdtemp(path.join(os.tmpdir(), 'keiko-ferretdb-limits-'));
    const server = await startEmbeddedDatabase({ dataDir: ownDataDir, logger, tools: { ...tools, searchPath: '' }, preferred: 'ferretdb' });
    own = { server, dataDir: ownDataDir };
    expect(server.kind).toBe('ferretdb');
    database = { uri: server.uri, dbName: 'keiko_limits' };
  });

  afterAll(async () => {
    await own?.server.stop();
    if (own) await rm(own.dataDir, { recursive: true, force: true });
  });

  it.each([
    ['a key with a dot', { 'http://example.com/ext': 1 }, /must not contain '\.'/],
    ['a nested key with a dot', { extensions: { 'a.b': 1 } }, /must not contain '\.'/],
    ['a key starting with $', { $ref: 1 }, /must not start with '\$'/],
    ['an array directly inside an array', { value: [[1, 2]] }, /nested arrays are not supported/],
  ])('rejects a document with %s', async (_name, document, message) => {
    await withClient(database.uri, async (client) => {
      const collection = client.db(database.dbName).collection('limits');
      await expect(collection.insertOne({ ...document })).rejects.toThrow(message);
      await client.db(database.dbName).dropDatabase();
    });
  });

  it('stores $-like and dotted strings as values', async () => {
    await withClient(database.uri, async (client) => {
      const collection = client.db(database.dbName).collection<{ _id: string; text: string; iri: string }>('limits');
      await collection.insertOne({ _id: 'values', text: '$set', iri: 'http://example.com/a.b' });
      expect(await collection.findOne({ _id: 'values' })).toEqual({
        _id: 'values',
        text: '$set',
        iri: 'http://example.com/a.b',
      });
      await client.db(database.dbName).dropDatabase();
    });
  });
});
