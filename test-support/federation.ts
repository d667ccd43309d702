/**
 * Keiko LRS instances federating with each other, each in a child process of its own (its own
 * port, data directory or MongoDB database, admin credential), for the federation plugin's
 * end-to-end tests and benchmark (src/plugins/federation/e2e/, bench/federation.ts): peers,
 * subscriptions and pulls configured through the plugin's admin routes, a stream of statements
 * written into one instance, and what another one holds read back and compared with it (lost,
 * duplicated, different content), with the provenance the receiver kept.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { StorageBackend } from '../src/storage/backend';
import type { CollectionDump } from '../src/storage/collections/collection-store';
import { MongoBackend } from '../src/storage/mongo-backend';
import { SqliteBackend } from '../src/storage/sqlite-backend';
import { basicAuth, XAPI_VERSION_HEADER } from './app';
import { sleep, startChildLrs } from './child-lrs';
import { dropTestDatabase, testDatabase, type TestDatabase } from './database';
import { freePort } from './net';
import { sampleStatement } from './statements';

export const FEDERATION_MANAGE = 'plugins/federation/manage';
export const FEDERATION_DELIVER = 'plugins/federation/deliver';
const FEDERATION = '/plugins/federation';

export interface Key {
  key: string;
  secret: string;
}

export interface Reply {
  status: number;
  body: any;
  text: string;
}

export interface InstanceOptions {
  engine?: 'sqlite' | 'mongodb';
  /** More environment for the LRS (FEDERATION_* settings, STATEMENTS_PAGE_SIZE…). */
  env?: Record<string, string>;
}

/**
 * One Keiko LRS with every plugin in a child process, killed with SIGKILL and started again on the
 * same storage at will. Every answer it gives through `request` is counted by status class, so a
 * test can say that it never answered 5xx.
 */
export class KeikoInstance {
  child?: ChildProcess;
  /** Answers by status (e.g. 200, 503) this instance gave through `request`. */
  readonly statuses = new Map<number, number>();
  readonly admin: Key;

  private constructor(
    readonly name: string,
    readonly port: number,
    readonly dataDir: string,
    private readonly mongo: TestDatabase | undefined,
    private readonly env: Record<string, string>,
  ) {
    this.admin = { key: `${name}-admin`, secret: `${name}-admin-secret-${randomUUID()}` };
  }

  static async start(name: string, options: InstanceOptions = {}): Promise<KeikoInstance> {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), `keiko-federation-${name}-`));
    const instance = new KeikoInstance(name, await freePort(), dataDir, options.engine === 'mongodb' ? testDatabase() : undefined, options.env ?? {});
    try {
      await instance.restart();
    } catch (error) {
      await instance.dispose();
      throw error;
    }
    return instance;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Its xAPI base URL, as a peer's endpoint names it. */
  get xapiUrl(): string {
    return `${this.url}/xapi`;
  }

  get adminAuthorization(): string {
    return basicAuth(this.admin.key, this.admin.secret);
  }

  get pid(): number | undefined {
    return this.running ? this.child!.pid : undefined;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts it (again) on its port and storage; resolves once it is ready. */
  async restart(): Promise<void> {
    this.child = await startChildLrs('src/main.ts', {
      PORT: String(this.port),
      HOST: '127.0.0.1',
      PUBLIC_URL: this.url,
      DATA_DIR: this.dataDir,
      PLUGINS: 'all',
      LRS_ADMIN_KEY: this.admin.key,
      LRS_ADMIN_SECRET: this.admin.secret,
      ...(this.mongo && { MONGODB_URI: this.mongo.uri, MONGODB_DB: this.mongo.dbName }),
      ...this.env,
    });
  }

  /** SIGKILL to its process group: it gets no chance to finish anything. */
  async kill(): Promise<void> {
    if (!this.running) return;
    const exited = once(this.child!, 'exit');
    process.kill(-this.child!.pid!, 'SIGKILL');
    await exited;
  }

  /** SIGTERM, waiting until it exited (its graceful shutdown). */
  async stop(): Promise<void> {
    if (!this.running) return;
    const exited = once(this.child!, 'exit');
    this.child!.kill('SIGTERM');
    await exited;
  }

  /** Kills it and removes its storage. */
  async dispose(): Promise<void> {
    await this.kill();
    await rm(this.dataDir, { recursive: true, force: true });
    if (this.mongo) await dropTestDatabase(this.mongo).catch(() => undefined);
  }

  /**
   * Every document of a plugin's store, by id, read from the instance's storage as it lies (SQLite
   * beside the running LRS, WAL readers; or while it is down), without preparing or declaring anything.
   */
  async storedDocuments(owner: string, name: string): Promise<Map<string, Record<string, unknown>>> {
    const backend = await this.storage();
    const collections = backend.collections as unknown as CollectionDump; // both engines' stores are
    const documents = new Map<string, Record<string, unknown>>();
    try {
      for (let after: string | undefined; ; ) {
        const page = await collections.documentsAfter(owner, name, after, 5000, 64 * 2 ** 20);
        for (const document of page) documents.set(document.id, document.value);
        if (page.length === 0) return documents;
        after = page.at(-1)!.id;
      }
    } finally {
      await backend.close();
    }
  }

  private storage(): Promise<StorageBackend> {
    const authorityHomePage = `${this.url}/`;
    return this.mongo
      ? MongoBackend.open({ uri: this.mongo.uri, dbName: this.mongo.dbName, authorityHomePage, logger: pino({ level: 'silent' }) })
      : Promise.resolve(SqliteBackend.open({ dataDir: this.dataDir, exclusive: false, authorityHomePage }));
  }

  /**
   * One HTTP request from its root (`path`) or to an absolute URL of it, as the admin unless `auth`
   * says otherwise. A GET whose connection fails while the instance runs is sent again (twice at
   * most: a keep-alive connection the server closed as it was reused); an error says whether the
   * instance was running, and why the connection failed.
   */
  async request(method: string, pathOrUrl: string, options: { auth?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
    const { body } = options;
    const send = () =>
      fetch(new URL(pathOrUrl, this.url), {
        method,
        headers: {
          Authorization: options.auth ?? this.adminAuthorization,
          ...XAPI_VERSION_HEADER,
          ...(body !== undefined && { 'Content-Type': 'application/json' }),
          ...options.headers,
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await send();
        const text = await response.text();
        this.statuses.set(response.status, (this.statuses.get(response.status) ?? 0) + 1);
        return { status: response.status, text, body: parseJson(text) };
      } catch (error) {
        if (method === 'GET' && this.running && attempt < 3) continue;
        const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
        throw new Error(`${method} ${pathOrUrl} at ${this.name} failed (${cause}); ${this.running ? 'it runs' : `it is not running (exit code ${this.child?.exitCode}, signal ${this.child?.signalCode})`}`);
      }
    }
  }

  /** `request`, throwing (with the answer) unless the status is one of `expected`. */
  async expect(expected: number | number[], method: string, pathOrUrl: string, options: { auth?: string; body?: unknown } = {}): Promise<any> {
    const reply = await this.request(method, pathOrUrl, options);
    if (![expected].flat().includes(reply.status)) throw new Error(`${this.name}: ${method} ${pathOrUrl} answered ${reply.status} (expected ${expected}): ${reply.text.slice(0, 500)}`);
    return reply.body;
  }

  /** How many answers were 5xx. */
  get serverErrors(): number {
    return [...this.statuses].filter(([status]) => status >= 500).reduce((sum, [, count]) => sum + count, 0);
  }

  /** A new credential of this LRS holding `scopes`. */
  async credential(name: string, scopes: string[]): Promise<Key & { authorization: string }> {
    const { key, secret } = await this.expect(201, 'POST', '/admin/credentials', { body: { name, scopes } });
    return { key, secret, authorization: basicAuth(key, secret) };
  }
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface Federation {
  /** The receiver's slug for the sender, and the sender's for the receiver. */
  senderSlug: string;
  receiverSlug: string;
  subscription: { id: string } & Record<string, unknown>;
  /** The credential of the receiver the sender delivers with. */
  delivery: Key;
}

/**
 * A push from `sender` to `receiver`, both Keiko: the receiver gets a delivery credential and
 * knows the sender as a keiko peer authenticating with it; the sender knows the receiver as a
 * keiko peer (its endpoint, that credential) and subscribes it to its statements (every one, from
 * the beginning, unless `subscription` says otherwise).
 */
export async function federate(sender: KeikoInstance, receiver: KeikoInstance, subscription: Record<string, unknown> = {}): Promise<Federation> {
  const delivery = await receiver.credential(`deliveries from ${sender.name}`, [FEDERATION_DELIVER]);
  const senderSlug = await addPeer(receiver, { slug: sender.name, name: `Keiko ${sender.name}`, kind: 'keiko', endpoint: sender.xapiUrl, inboundCredentialKeys: [delivery.key] });
  const receiverSlug = await addPeer(sender, { slug: receiver.name, name: `Keiko ${receiver.name}`, kind: 'keiko', endpoint: receiver.xapiUrl, outboundCredentials: { key: delivery.key, secret: delivery.secret }, inboundCredentialKeys: [] });
  const created = await subscribe(sender, { peer: receiverSlug, filters: {}, from: 'beginning', ...subscription });
  return { senderSlug, receiverSlug, subscription: created, delivery };
}

/** POST /plugins/federation/peers as the admin; the peer's slug. */
export async function addPeer(lrs: KeikoInstance, peer: Record<string, unknown>): Promise<string> {
  return (await lrs.expect(201, 'POST', `${FEDERATION}/peers`, { body: peer })).slug;
}

export async function subscribe(lrs: KeikoInstance, subscription: Record<string, unknown>): Promise<{ id: string } & Record<string, unknown>> {
  return lrs.expect(201, 'POST', `${FEDERATION}/subscriptions`, { body: subscription });
}

/**
 * `destination` pulls the statements of `source` (any conformant LRS: here a Keiko one, as the
 * xapi kind) with a credential of the source that reads every statement; the pull source created.
 */
export async function pullFrom(destination: KeikoInstance, source: KeikoInstance, pull: Record<string, unknown> = {}): Promise<{ id: string } & Record<string, unknown>> {
  const reader = await source.credential(`pulls by ${destination.name}`, ['statements/read']);
  const peer = await addPeer(destination, { slug: `${source.name}-source`, name: `Keiko ${source.name} (pulled)`, kind: 'xapi', endpoint: source.xapiUrl, outboundCredentials: { key: reader.key, secret: reader.secret }, inboundCredentialKeys: [] });
  return destination.expect(201, 'POST', `${FEDERATION}/pulls`, { body: { peer, ...pull } });
}

/** GET /plugins/federation/provenance/:id at `lrs`: the entry, or undefined when it has none (404). */
export async function provenanceOf(lrs: KeikoInstance, statementId: string): Promise<Record<string, any> | undefined> {
  const reply = await lrs.request('GET', `${FEDERATION}/provenance/${statementId}`);
  if (reply.status === 404) return undefined;
  if (reply.status !== 200) throw new Error(`${lrs.name}: provenance of ${statementId} answered ${reply.status}: ${reply.text.slice(0, 300)}`);
  return reply.body;
}

/** A statement of the stream: a realistic one (test-support/statements.ts) with its id set by the writer. */
export function streamStatement(): Record<string, unknown> {
  return { id: randomUUID(), ...sampleStatement() };
}

export interface StreamOptions {
  /** Statements per POST (default 100). */
  batch?: number;
  /** POSTs in flight at once (default 2). */
  concurrency?: number;
  /** Give up on a batch the LRS has not acknowledged within this long (default 120 s): it is down for good. */
  retryForMs?: number;
  /** The credential writing (default the admin). */
  auth?: string;
}

/**
 * Statements written into an LRS in batches of POST /xapi/statements, as a client that must not
 * lose any writes them: each batch is sent again until it is acknowledged (a connection refused
 * or cut while the LRS is down, a 5xx), each statement with its id, so a batch stored before a
 * crash is stored once. Keeps the ids in the order they were acknowledged, and when each was
 * (ms since the epoch); not the statements (a benchmark writes millions).
 */
export class StatementStream {
  readonly ids: string[] = [];
  readonly acknowledgedAt: number[] = [];
  /** POSTs sent again after a failure. */
  retries = 0;
  private stopped = false;

  constructor(
    private readonly lrs: KeikoInstance,
    private readonly options: StreamOptions = {},
  ) {}

  /** Writes `count` new statements (made by `make`, default streamStatement); resolves when every one is acknowledged. */
  async write(count: number, make: () => Record<string, unknown> = streamStatement): Promise<void> {
    const batch = this.options.batch ?? 100;
    let next = 0;
    const worker = async () => {
      while (next < count && !this.stopped) {
        const size = Math.min(batch, count - next);
        next += size;
        await this.post(Array.from({ length: size }, make));
      }
    };
    await Promise.all(Array.from({ length: this.options.concurrency ?? 2 }, worker));
  }

  /** No new batch after those in flight. */
  stop(): void {
    this.stopped = true;
  }

  private async post(statements: Array<Record<string, unknown>>): Promise<void> {
    const deadline = Date.now() + (this.options.retryForMs ?? 120_000);
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) this.retries++;
      const reply = await this.lrs.request('POST', '/xapi/statements', { auth: this.options.auth, body: statements }).catch((error: Error) => error);
      if (!(reply instanceof Error) && reply.status === 200) {
        const at = Date.now();
        for (const statement of statements) {
          this.ids.push(statement.id as string);
          this.acknowledgedAt.push(at);
        }
        return;
      }
      if (!(reply instanceof Error) && reply.status < 500) throw new Error(`${this.lrs.name} refused a batch: ${reply.status} ${reply.text.slice(0, 300)}`);
      if (Date.now() > deadline) throw new Error(`${this.lrs.name} did not acknowledge a batch for ${(this.options.retryForMs ?? 120_000) / 1000} s: ${reply instanceof Error ? reply.message : reply.status}`);
      await sleep(100);
    }
  }
}

/** What an LRS holds of a statement, to compare across LRSs: its content digest and when it stored it. */
export interface Held {
  digest: string;
  stored: string;
}

export interface Holdings {
  /** By statement id. */
  statements: Map<string, Held>;
  /** Ids that came back more than once (an LRS stores an id once, so this must stay empty). */
  duplicated: string[];
  pages: number;
}

/**
 * Every statement `lrs` answers GET /xapi/statements with (ascending, `more` followed to the
 * end): by id, the digest of its content (without what each LRS sets itself: stored, authority,
 * version; keys in any order) and its `stored`; ids seen twice.
 */
export async function holdings(lrs: KeikoInstance, options: { auth?: string; limit?: number } = {}): Promise<Holdings> {
  const statements = new Map<string, Held>();
  const duplicated: string[] = [];
  let next: string | undefined = `/xapi/statements?ascending=true&limit=${options.limit ?? 0}`;
  let pages = 0;
  while (next) {
    const page: { statements: Array<Record<string, any>>; more?: string } = await lrs.expect(200, 'GET', next, { auth: options.auth });
    pages++;
    for (const statement of page.statements) {
      if (statements.has(statement.id)) duplicated.push(statement.id);
      statements.set(statement.id, { digest: contentDigest(statement), stored: statement.stored });
    }
    next = page.more || undefined;
  }
  return { statements, duplicated, pages };
}

/** SHA-256 of the statement without stored, authority and version, object keys sorted. */
export function contentDigest(statement: Record<string, unknown>): string {
  const { stored: _stored, authority: _authority, version: _version, ...content } = statement;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([one], [other]) => (one < other ? -1 : one > other ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface Comparison {
  /** Held by the sender, missing at the receiver. */
  lost: string[];
  /** Returned more than once by the receiver. */
  duplicated: string[];
  /** At the receiver with content other than the sender's. */
  different: string[];
  /** At the receiver, not at the sender (e.g. a statement delivered again under a new id). */
  extra: string[];
}

/** The receiver's statements against the sender's (both from `holdings`). */
export function compareHoldings(sender: Holdings, receiver: Holdings): Comparison {
  const lost: string[] = [];
  const different: string[] = [];
  for (const [id, held] of sender.statements) {
    const received = receiver.statements.get(id);
    if (received === undefined) lost.push(id);
    else if (received.digest !== held.digest) different.push(id);
  }
  const extra = [...receiver.statements.keys()].filter((id) => !sender.statements.has(id));
  return { lost, duplicated: [...sender.duplicated, ...receiver.duplicated], different, extra };
}

/**
 * Polls until every id of `ids` is at `lrs` (the last ones first, then a full read), or `withinMs`
 * passed; the receiver's holdings at the end.
 */
export async function waitForStatements(lrs: KeikoInstance, ids: string[], withinMs: number): Promise<Holdings> {
  const deadline = Date.now() + withinMs;
  const wanted = new Set(ids);
  for (;;) {
    const last = ids.at(-1);
    const lastArrived = last === undefined || (await lrs.request('GET', `/xapi/statements?statementId=${last}`)).status === 200;
    if (lastArrived || Date.now() > deadline) {
      const held = await holdings(lrs);
      if ([...wanted].every((id) => held.statements.has(id)) || Date.now() > deadline) return held;
    }
    await sleep(250);
  }
}

/** Per statement held by both, milliseconds from its `stored` at the sender to its `stored` at the receiver (same clock: one machine). */
export function storedLags(sender: Holdings, receiver: Holdings): number[] {
  const lags: number[] = [];
  for (const [id, held] of sender.statements) {
    const received = receiver.statements.get(id);
    if (received) lags.push(Date.parse(received.stored) - Date.parse(held.stored));
  }
  return lags.sort((one, other) => one - other);
}
