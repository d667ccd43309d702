'use strict';
/**
 * Keiko LRS benchmark: `npm run bench [-- options]` (builds first, then runs this file).
 *
 *   --seconds N         duration of each ingest run (default 20)
 *   --connections LIST  concurrent connections / insert loops for ingest (default 4,8)
 *   --batch N           statements per POST / insertMany (default 100)
 *   --sizes LIST        collection sizes for the query phase (default 100000)
 *   --reps N            queries per shape and size, each with another agent/activity/verb (default 30)
 *   --pages N           pages per query, following `more` (default 3)
 *   --query-budget S    seconds of querying per size and all shapes; fewer reps are run when the
 *                       database is too slow for --reps in that time, at least one first page per shape (default 120)
 *   --phases LIST       ingest,query (default both)
 *   --log-level LEVEL   the LRS's log level; logs go to a file in the temp dir (default info, as in production)
 *   --out FILE          also write the results as JSON to FILE
 *
 * The LRS runs in this process (startServer from dist/) on a temporary DATA_DIR and a random
 * port, with the embedded database unless MONGODB_URI is set (then a throw-away database
 * `keiko_bench_<random>` on that server is used and dropped at the end). The HTTP load comes
 * from autocannon in a child process (bench/load.js). Baselines use the MongoDB driver directly
 * on the same database, with the same client settings (the LRS's own client).
 */
const { fork } = require('node:child_process');
const { randomBytes, randomUUID } = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const pino = require('pino');

const { loadConfig } = require('../dist/config');
const { startServer } = require('../dist/server');
const { STATEMENT_INDEXES, toDocument: statementDocument } = require('../dist/xapi/statements/mongo-statement-storage');
const { ownFilterView } = require('../dist/xapi/statements/filter-view');
const { statementFingerprint } = require('../dist/xapi/statements/fingerprint');
const { detectServerFlavor } = require('../dist/db/embedded');
const gen = require('./statements');

const RAW_COLLECTION = 'bench_raw_statements';
const SORT = { stored: -1, _id: -1 };

// ---------------------------------------------------------------------------------------------
// Options

function parseArgs(argv) {
  const options = {
    seconds: 20,
    connections: [4, 8],
    batch: 100,
    sizes: [100_000],
    reps: 30,
    pages: 3,
    queryBudget: 120,
    phases: ['ingest', 'query'],
    logLevel: 'info',
    out: undefined,
  };
  const list = (value) => value.split(',').map((item) => item.trim()).filter(Boolean);
  const int = (name, value) => {
    const number = Number(String(value).replace(/_/g, ''));
    if (!Number.isInteger(number) || number <= 0) throw new Error(`${name} must be a positive integer, got "${value}"`);
    return number;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--seconds': options.seconds = int(flag, value()); break;
      case '--connections': options.connections = list(value()).map((v) => int(flag, v)); break;
      case '--batch': options.batch = int(flag, value()); break;
      case '--sizes': options.sizes = list(value()).map((v) => int(flag, v)).sort((a, b) => a - b); break;
      case '--reps': options.reps = int(flag, value()); break;
      case '--pages': options.pages = int(flag, value()); break;
      case '--query-budget': options.queryBudget = int(flag, value()); break;
      case '--phases': options.phases = list(value()); break;
      case '--log-level': options.logLevel = value(); break;
      case '--out': options.out = value(); break;
      case '--help': case '-h':
        {
          const lines = fs.readFileSync(__filename, 'utf8').split('\n');
          console.log(lines.slice(2, lines.indexOf(' */')).join('\n'));
        }
        process.exit(0);
        break;
      default: throw new Error(`Unknown option ${argv[i]} (see --help)`);
    }
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const now = () => performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
}

function shuffle(array, random = Math.random) {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [array[i], array[j]] = [array[j], array[i]];
  }
  return array;
}

const fmt = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const fmtInt = (value) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '-');

function table(headers, rows) {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function log(message) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

// ---------------------------------------------------------------------------------------------
// Statements as the LRS stores them (mirrors StatementIngest.buildRecords / completeStatement and
// MongoStatementStorage's toDocument layout).

function storedStatement(statement, id, stored, authority) {
  return { ...statement, id, timestamp: statement.timestamp ?? stored.toISOString(), stored: stored.toISOString(), authority, version: '1.0.0' };
}

function statementRecord(statement, id, stored, credential) {
  const full = storedStatement(statement, id, stored, credential.authority);
  return {
    id,
    statement: full,
    stored,
    fingerprint: statementFingerprint(statement),
    views: ownFilterView(full),
    voided: false,
    credentialKey: credential.key,
    attachmentHashes: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Environment

async function describeEnvironment(db) {
  const info = await db.admin().command({ buildInfo: 1 });
  const flavor = await detectServerFlavor(db.client);
  const cpus = os.cpus();
  return {
    machine: {
      cpuModel: cpus[0]?.model ?? 'unknown',
      cpuCount: cpus.length,
      totalMemoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      loadAverageAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
    },
    node: process.version,
    database: {
      kind: flavor,
      version: flavor === 'ferretdb' ? String(info.ferretdbVersion) : String(info.version),
      compatibleWith: flavor === 'ferretdb' ? `MongoDB ${info.version}` : undefined,
      backend: flavor === 'ferretdb' ? ferretBackend(info) : undefined,
      embedded: !process.env.MONGODB_URI,
    },
  };
}

function ferretBackend(info) {
  const features = info.ferretdbFeatures ?? info.ferretdb ?? {};
  if (typeof features === 'object' && features !== null && 'handler' in features) return String(features.handler);
  return process.env.MONGODB_URI ? 'unknown' : 'sqlite (embedded)';
}

// ---------------------------------------------------------------------------------------------
// Ingest

function runLoad(job) {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'load.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let answered = false;
    child.once('message', (message) => {
      answered = true;
      if (message.ok) resolve(message.result);
      else reject(new Error(`load generator failed: ${message.error}`));
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (!answered) reject(new Error(`load generator exited with code ${code} without a result`));
    });
    child.send(job);
  });
}

/** Waits until no statement batch is in flight (requests cut off when autocannon stopped). */
async function drainBatches(db, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while ((await db.collection('statement_batches').countDocuments({})) > 0) {
    if (Date.now() > deadline) throw new Error('statement batches still in flight after the ingest run');
    await sleep(100);
  }
}

/**
 * Times, in this process, the StatementIngest.store calls and the storage calls requests make,
 * so the report can say where the time of a request goes. Wraps methods of the service instances.
 */
class StorageTracer {
  constructor(services) {
    this.current = undefined;
    this.wrap(services.ingest, 'ingest', 'store');
    for (const method of ['consistentThrough', 'beginBatch', 'insert', 'commitBatch', 'findExisting', 'markVoided',
      'waitingReferrers', 'clearWaitingReferrers', 'finishBatch', 'abortBatch', 'query']) {
      this.wrap(services.statements, 'statements', method);
    }
    this.wrap(services.activities, 'activities', 'mergeDefinitions');
    this.wrap(services.agents, 'agents', 'recordSeen');
  }

  /** Records calls of target[method] under "label.method"; absent services or methods are skipped. */
  wrap(target, label, name) {
    if (!target || typeof target[name] !== 'function') return;
    const method = `${label}.${name}`;
    const original = target[name].bind(target);
    const tracer = this;
    target[name] = async function traced(...args) {
      const sink = tracer.current;
      if (!sink) return original(...args);
      const t0 = now();
      try {
        return await original(...args);
      } finally {
        const entry = (sink[method] ??= { calls: 0, ms: 0 });
        entry.calls++;
        entry.ms += now() - t0;
      }
    };
  }

  start() {
    this.current = {};
  }

  /** Milliseconds per method since start(), and starts again. */
  take() {
    const sink = this.current ?? {};
    this.current = {};
    return Object.fromEntries(Object.entries(sink).map(([method, entry]) => [method, entry.ms]));
  }

  stop() {
    const sink = this.current ?? {};
    this.current = undefined;
    const posts = sink['ingest.store']?.calls ?? 0;
    return Object.fromEntries(
      Object.entries(sink).map(([method, { calls, ms }]) => [method, { calls, msPerCall: ms / calls, msPerPost: posts ? ms / posts : NaN }]),
    );
  }
}

async function freshCollection(db, name) {
  await db.collection(name).drop().catch(() => {});
  await db.collection(name).createIndexes(STATEMENT_INDEXES.map((index) => ({ ...index })));
}

async function ingestOurs(server, db, options, connections, admin, tracer) {
  await freshCollection(db, 'statements');
  const url = new URL(server.url);
  tracer?.start();
  const result = await runLoad({
    url: url.origin,
    path: '/xapi/statements',
    connections,
    seconds: options.seconds,
    batchSize: options.batch,
    headers: {
      authorization: `Basic ${Buffer.from(`${admin.key}:${admin.secret}`).toString('base64')}`,
      'x-experience-api-version': '1.0.3',
      'content-type': 'application/json',
    },
  });
  await drainBatches(db);
  const breakdown = tracer?.stop();
  const stored = await db.collection('statements').countDocuments({});
  const seconds = result.durationSec || result.elapsedSec;
  const failed = Object.entries(result.statusCounts).filter(([status]) => status !== '200');
  return {
    path: 'ours',
    connections,
    seconds,
    requests: result.ok,
    statements: result.ok * options.batch,
    statementsPerSecond: (result.ok * options.batch) / seconds,
    latencyMs: summarize(result.latencies),
    storedInCollection: stored,
    non200: Object.fromEntries(failed),
    errors: result.errors,
    timeouts: result.timeouts,
    errorSample: result.errorSample,
    serverBreakdown: breakdown,
  };
}

function rawDocumentPool(credential, size = 2000) {
  const pool = [];
  for (let i = 0; i < size; i++) {
    const { statement } = gen.makeStatement();
    const record = statementRecord(statement, randomUUID(), new Date(), credential);
    pool.push(statementDocument('', record));
  }
  return pool;
}

async function ingestRaw(db, options, connections, pool) {
  await freshCollection(db, RAW_COLLECTION);
  const collection = db.collection(RAW_COLLECTION);
  const latencies = [];
  let inserted = 0;
  let next = 0;
  const start = now();
  const end = start + options.seconds * 1000;
  const loop = async () => {
    while (now() < end) {
      const batchId = randomUUID();
      const stored = new Date();
      const documents = new Array(options.batch);
      for (let i = 0; i < options.batch; i++) {
        documents[i] = { ...pool[next], _id: randomUUID(), stored, b: batchId };
        next = (next + 1) % pool.length;
      }
      const t0 = now();
      await collection.insertMany(documents, { ordered: false });
      latencies.push(now() - t0);
      inserted += documents.length;
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  const seconds = (now() - start) / 1000;
  return {
    path: 'raw insertMany',
    connections,
    seconds,
    requests: latencies.length,
    statements: inserted,
    statementsPerSecond: inserted / seconds,
    latencyMs: summarize(latencies),
  };
}

async function runIngest(server, db, options, admin, credential, tracer) {
  const pool = rawDocumentPool(credential);
  const results = [];
  // A short warm-up (JIT, connection pools, SQLite pages) that is not reported.
  log('ingest warm-up (5 s)');
  await ingestOurs(server, db, { ...options, seconds: 3 }, 2, admin);
  await ingestRaw(db, { ...options, seconds: 2 }, 2, pool);
  for (const connections of options.connections) {
    log(`ingest: ours, ${connections} connections, ${options.seconds} s`);
    const ours = await ingestOurs(server, db, options, connections, admin, tracer);
    log(`ingest: raw insertMany, ${connections} loops, ${options.seconds} s`);
    const raw = await ingestRaw(db, options, connections, pool);
    results.push({ connections, ours, raw, ratio: ours.statementsPerSecond / raw.statementsPerSecond });
  }
  await db.collection(RAW_COLLECTION).drop().catch(() => {});
  return results;
}

// ---------------------------------------------------------------------------------------------
// Query: seeding

/** What the seeded data holds, for choosing query targets with enough matches. */
class SeedIndex {
  constructor() {
    this.agentCounts = new Uint32Array(gen.AGENT_COUNT);
    this.relatedCounts = new Map(); // activity IRI (lesson or course) → count
    this.verbStored = Array.from({ length: gen.VERB_COUNT }, () => []);
    this.total = 0;
  }

  add(drawn, storedMs) {
    this.agentCounts[drawn.agent]++;
    for (const id of [gen.activityId(drawn.activity), gen.courseId(drawn.course)]) {
      this.relatedCounts.set(id, (this.relatedCounts.get(id) ?? 0) + 1);
    }
    this.verbStored[drawn.verb].push(storedMs);
    this.total++;
  }
}

const SEED_SPAN_MS = 60 * 24 * 3600 * 1000;
const SEED_CHUNK = 1000;

async function seed(storage, db, target, index, credential, random) {
  const statements = db.collection('statements');
  const endMs = Date.now() - 60_000;
  const startMs = endMs - SEED_SPAN_MS;
  const t0 = now();
  let lastReport = t0;
  const writeChunk = async (count) => {
    const records = [];
    for (let i = 0; i < count; i++) {
      const storedMs = Math.floor(startMs + random() * SEED_SPAN_MS);
      const timestamp = new Date(storedMs - Math.floor(random() * 30 * 60_000));
      const drawn = gen.makeStatement({ random, timestamp, registration: randomUUID() });
      index.add(drawn, storedMs);
      records.push(statementRecord(drawn.statement, randomUUID(), new Date(storedMs), credential));
    }
    // The storage's own batch protocol (begin → insert → commit → finish), 1000 at a time.
    const batchId = randomUUID();
    await storage.beginBatch({ id: batchId, statementIds: records.map((r) => r.id), startedAt: new Date(), state: 'pending' });
    const { duplicateIds } = await storage.insert(batchId, records);
    if (duplicateIds.length > 0) throw new Error(`seeding: ${duplicateIds.length} duplicate ids`);
    if (!(await storage.commitBatch(batchId))) throw new Error('seeding: batch could not be committed');
    await storage.finishBatch(batchId);
  };
  const inFlight = new Set();
  while (index.total < target) {
    const count = Math.min(SEED_CHUNK, target - index.total);
    const job = writeChunk(count).finally(() => inFlight.delete(job));
    inFlight.add(job);
    if (inFlight.size >= 2) await Promise.race(inFlight);
    if (now() - lastReport > 15_000) {
      lastReport = now();
      log(`seeding: ${index.total.toLocaleString('en-US')} / ${target.toLocaleString('en-US')}`);
    }
  }
  await Promise.all(inFlight);
  const seconds = (now() - t0) / 1000;
  const count = await statements.countDocuments({});
  if (count !== index.total) throw new Error(`seeding: collection holds ${count} statements, expected ${index.total}`);
  return seconds;
}

// ---------------------------------------------------------------------------------------------
// Query: shapes and targets

/**
 * Each target is the HTTP query string and the filter MongoStatementStorage.query builds for it
 * (statementFilter: voided ≠ true, one view field, stored bounds; no `b` condition because no
 * batch is pending or aborted during the query phase), sorted by (stored, _id) descending.
 */
function chooseTargets(shape, index, options, random) {
  const needed = options.pages * 100 + 1;
  const pick = (candidates) => {
    const chosen = shuffle(candidates.slice(), random);
    return Array.from({ length: options.reps }, (_, i) => chosen[i % chosen.length]);
  };
  /** Those with enough matches for every page; when fewer than `reps`, topped up with the next most frequent. */
  const candidatesOf = (entries) => {
    const sorted = entries.slice().sort((a, b) => b[1] - a[1]);
    const enough = sorted.filter(([, count]) => count >= needed).length;
    return sorted.slice(0, Math.max(enough, Math.min(options.reps, sorted.length)));
  };
  if (shape === 'agent') {
    const candidates = candidatesOf([...index.agentCounts.entries()].filter(([, count]) => count > 0));
    return pick(candidates).map(([agent, count]) => {
      const mbox = gen.agentMbox(agent);
      return {
        label: mbox,
        matches: count,
        query: `agent=${encodeURIComponent(JSON.stringify({ objectType: 'Agent', mbox }))}&limit=100`,
        filter: { voided: { $ne: true }, 'v.a': `mbox:${mbox}` },
      };
    });
  }
  if (shape === 'activity+related') {
    return pick(candidatesOf([...index.relatedCounts.entries()])).map(([activity, count]) => ({
      label: activity,
      matches: count,
      query: `activity=${encodeURIComponent(activity)}&related_activities=true&limit=100`,
      filter: { voided: { $ne: true }, 'v.ra': activity },
    }));
  }
  if (shape === 'verb+since') {
    const verbs = index.verbStored.map((stored, verb) => ({ verb, stored })).filter((entry) => entry.stored.length > 0);
    for (const entry of verbs) entry.stored.sort((a, b) => b - a);
    return pick(verbs).map(({ verb, stored }) => {
      // `since` so that between `needed` and all of this verb's statements match.
      const k = Math.min(stored.length - 1, needed + Math.floor(random() * Math.max(1, stored.length - needed)));
      const since = new Date(stored[k]);
      return {
        label: `${gen.VERBS[verb].word} since ${since.toISOString().slice(0, 10)}`,
        matches: stored.filter((ms) => ms > stored[k]).length,
        query: `verb=${encodeURIComponent(gen.VERBS[verb].id)}&since=${encodeURIComponent(since.toISOString())}&limit=100`,
        filter: { voided: { $ne: true }, 'v.vb': gen.VERBS[verb].id, stored: { $gt: since } },
      };
    });
  }
  throw new Error(`unknown shape ${shape}`);
}

// ---------------------------------------------------------------------------------------------
// Query: measuring

function httpGetter(server, admin) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(server.url);
  const headers = {
    authorization: `Basic ${Buffer.from(`${admin.key}:${admin.secret}`).toString('base64')}`,
    'x-experience-api-version': '1.0.3',
  };
  /** GET; resolves with the time until the whole body arrived, and the parsed body (any status when `anyStatus`). */
  return (pathAndQuery, anyStatus = false) =>
    new Promise((resolve, reject) => {
      const t0 = now();
      const request = http.request({ host: url.hostname, port: url.port, path: pathAndQuery, headers, agent }, (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          const ms = now() - t0;
          const text = Buffer.concat(chunks).toString('utf8');
          if (anyStatus) return resolve({ ms, status: response.statusCode });
          if (response.statusCode !== 200) return reject(new Error(`GET ${pathAndQuery} → ${response.statusCode}: ${text.slice(0, 300)}`));
          resolve({ ms, body: JSON.parse(text) });
        });
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end();
    });
}

/**
 * Times the statements query inside the LRS: wraps `find` of the storage's statements collection
 * so the find → toArray of each request is timed. Requests run one at a time, so the time
 * recorded between sending a GET and receiving its body belongs to that GET; the rest of the
 * request's time is what our code adds (HTTP, auth, parsing, the batch-visibility and
 * consistent-through queries, rendering, JSON).
 */
function traceStatementFinds(storage) {
  const collection = storage.statements; // MongoStatementStorage's (TypeScript-private) collection
  if (!collection || typeof collection.find !== 'function') return { take: () => NaN, restore: () => {} };
  const original = collection.find.bind(collection);
  const hadOwn = Object.prototype.hasOwnProperty.call(collection, 'find');
  const previous = collection.find;
  let ms = 0;
  collection.find = (...args) => {
    const cursor = original(...args);
    const toArray = cursor.toArray.bind(cursor);
    cursor.toArray = async () => {
      const t0 = now();
      try {
        return await toArray();
      } finally {
        ms += now() - t0;
      }
    };
    return cursor;
  };
  return {
    take() {
      const taken = ms;
      ms = 0;
      return taken;
    },
    restore() {
      if (hadOwn) collection.find = previous;
      else delete collection.find;
    },
  };
}

/** Page-by-page walkers: ours over HTTP following `more`, and the same query through the driver. */
const KEEP_WARM_AFTER_MS = 30_000;
let lastGetAt = 0;

/**
 * Before a timed GET that follows a long pause (a slow database), an untimed authenticated
 * request, so the verified-credential cache (60 s) has not expired: the figures are meant to
 * show the steady state, not a periodic scrypt verification.
 */
async function keepWarm(get) {
  if (now() - lastGetAt > KEEP_WARM_AFTER_MS) await get(`/xapi/statements?statementId=${randomUUID()}`, true);
  lastGetAt = now();
}

function oursWalker(get, finds, tracer, target) {
  let next = `/xapi/statements?${target.query}`;
  return {
    done: () => next === undefined,
    async page() {
      await keepWarm(get);
      finds.take();
      tracer.start();
      const { ms, body } = await get(next);
      const findMs = finds.take();
      const calls = tracer.take();
      tracer.stop();
      lastGetAt = now();
      next = body.more || undefined;
      const storageOther = (calls['statements.query'] ?? 0) - findMs; // invisibleBatchIds + JSON.parse of the records
      const consistent = calls['statements.consistentThrough'] ?? 0;
      return { ms, findMs, consistent, storageOther, ids: body.statements.map((statement) => statement.id) };
    },
  };
}

function driverWalker(collection, target) {
  let after;
  let finished = false;
  return {
    done: () => finished,
    async page() {
      const filter = { ...target.filter };
      if (after) filter.$or = [{ stored: { $lt: after.stored } }, { stored: after.stored, _id: { $lt: after.id } }];
      const t0 = now();
      const documents = await collection.find(filter).sort(SORT).limit(101).toArray();
      const ms = now() - t0;
      const page = documents.slice(0, 100);
      if (documents.length <= 100) finished = true;
      else after = { stored: page[page.length - 1].stored, id: page[page.length - 1]._id };
      return { ms, ids: page.map((doc) => doc._id) };
    },
  };
}

const SHAPES = ['agent', 'activity+related', 'verb+since'];

/**
 * One page of each shape, by us and by the driver, not recorded (JIT, connections, caches). Run
 * while the collection is still small: on FerretDB every page of the full collection is a scan.
 */
async function warmUpQueries(server, db, options, admin, index, random, tracer) {
  const get = httpGetter(server, admin);
  const finds = traceStatementFinds(server.services.statements);
  const collection = db.collection('statements');
  for (const shape of SHAPES) {
    const [target] = chooseTargets(shape, index, { ...options, reps: 1 }, random);
    await oursWalker(get, finds, tracer, target).page();
    await driverWalker(collection, target).page();
  }
  finds.restore();
}

/**
 * For each shape, `reps` queries of up to `pages` pages, each page fetched by us and by the
 * driver in turn (who goes first alternates). Runs round by round (every shape's rep 1, then
 * rep 2, …) and stops starting pages once the time budget is spent, after at least the first
 * page of one query per shape.
 */
async function runQueries(server, db, options, admin, index, size, random, tracer) {
  const get = httpGetter(server, admin);
  const finds = traceStatementFinds(server.services.statements);
  const collection = db.collection('statements');
  const state = new Map();
  for (const shape of SHAPES) {
    const targets = chooseTargets(shape, index, options, random);
    state.set(shape, {
      targets,
      ours: { first: [], followed: [] },
      oursFind: { first: [], followed: [] },
      oursAdded: { first: [], followed: [] },
      addedParts: { consistentThrough: [], batchesAndParse: [], http: [] },
      driver: { first: [], followed: [] },
      mismatches: 0,
      repsRun: 0,
      seconds: 0,
    });
  }
  const deadline = now() + options.queryBudget * 1000;
  const pairMs = new Map(); // per shape, the last page pair's duration: whether another fits in the budget
  let outOfTime = false;
  for (let rep = 0; rep < options.reps && !outOfTime; rep++) {
    const walks = SHAPES.map((shape) => {
      const target = state.get(shape).targets[rep];
      return { shape, s: state.get(shape), ours: oursWalker(get, finds, tracer, target), driver: driverWalker(collection, target), oursIds: [], driverIds: [] };
    });
    // Page by page across the shapes, so a tight budget still gives every shape its first pages.
    for (let page = 0; page < options.pages && !outOfTime; page++) {
      for (const walk of walks) {
        const { s, ours, driver } = walk;
        if (ours.done() && driver.done()) continue;
        const mandatory = rep === 0 && page === 0;
        if (!mandatory && now() + (pairMs.get(walk.shape) ?? 0) > deadline) {
          outOfTime = true;
          break;
        }
        const kind = page === 0 ? 'first' : 'followed';
        const pairStart = now();
        const runOurs = async () => {
          if (ours.done()) return;
          const p = await ours.page();
          s.ours[kind].push(p.ms);
          s.oursFind[kind].push(p.findMs);
          s.oursAdded[kind].push(p.ms - p.findMs);
          s.addedParts.consistentThrough.push(p.consistent);
          s.addedParts.batchesAndParse.push(p.storageOther);
          s.addedParts.http.push(p.ms - p.findMs - p.consistent - p.storageOther);
          walk.oursIds.push(p.ids);
        };
        const runDriver = async () => {
          if (driver.done()) return;
          const p = await driver.page();
          s.driver[kind].push(p.ms);
          walk.driverIds.push(p.ids);
        };
        // Alternate who goes first, so neither profits systematically from the other's caching.
        if ((rep + page) % 2 === 0) {
          await runOurs();
          await runDriver();
        } else {
          await runDriver();
          await runOurs();
        }
        pairMs.set(walk.shape, now() - pairStart);
        s.seconds += (now() - pairStart) / 1000;
        if (page === 0) s.repsRun++;
      }
    }
    for (const walk of walks) {
      const pagesCompared = Math.min(walk.oursIds.length, walk.driverIds.length);
      if (JSON.stringify(walk.oursIds.slice(0, pagesCompared)) !== JSON.stringify(walk.driverIds.slice(0, pagesCompared))) walk.s.mismatches++;
    }
  }

  const rows = [];
  for (const shape of SHAPES) {
    const s = state.get(shape);
    const run = s.targets.slice(0, s.repsRun);
    const row = {
      size,
      shape,
      reps: s.repsRun,
      distinctTargets: new Set(run.map((t) => t.label)).size,
      matchesMedian: percentile(Float64Array.from(run.map((t) => t.matches)).sort(), 50),
      ours: { first: summarize(s.ours.first), followed: summarize(s.ours.followed) },
      oursFind: { first: summarize(s.oursFind.first), followed: summarize(s.oursFind.followed) },
      oursAdded: { first: summarize(s.oursAdded.first), followed: summarize(s.oursAdded.followed) },
      driver: { first: summarize(s.driver.first), followed: summarize(s.driver.followed) },
      addedParts: Object.fromEntries(Object.entries(s.addedParts).map(([part, values]) => [part, summarize(values)])),
      sameResults: s.mismatches === 0,
      mismatches: s.mismatches,
      seconds: s.seconds,
    };
    row.oursMinusDriver = Object.fromEntries(
      ['first', 'followed'].map((page) => [page, { p50: row.ours[page].p50 - row.driver[page].p50, p95: row.ours[page].p95 - row.driver[page].p95 }]),
    );
    log(`query ${shape} @ ${size.toLocaleString('en-US')}: ${s.repsRun} queries in ${fmt(s.seconds)} s`);
    rows.push(row);
  }
  finds.restore();
  return { shapes: rows, budgetExhausted: outOfTime };
}

// ---------------------------------------------------------------------------------------------
// Report

const BREAKDOWN_ORDER = ['ingest.store', ...['consistentThrough', 'beginBatch', 'insert', 'commitBatch', 'findExisting', 'markVoided',
  'waitingReferrers', 'clearWaitingReferrers', 'finishBatch', 'abortBatch'].map((m) => `statements.${m}`),
'activities.mergeDefinitions', 'agents.recordSeen'];

function report(results, options) {
  const out = [];
  const { environment: env } = results;
  out.push('Keiko LRS benchmark');
  out.push('===================');
  out.push(`Machine:   ${env.machine.cpuModel} × ${env.machine.cpuCount}, ${env.machine.totalMemoryGiB} GiB RAM, ${env.machine.platform}`);
  out.push(`Node:      ${env.node}`);
  const db = env.database;
  out.push(`Database:  ${db.kind} ${db.version}${db.compatibleWith ? ` (wire-compatible with ${db.compatibleWith})` : ''}` +
    `${db.backend ? `, backend ${db.backend}` : ''}${db.embedded ? ', embedded (started by the LRS)' : ', external (MONGODB_URI)'}`);
  out.push(`Statement: ${fmtInt(results.statementBytes)} bytes of JSON on average as sent; LRS log level ${options.logLevel} (to a file)`);

  if (results.ingest) {
    out.push('');
    out.push(`Ingest: POST /xapi/statements with ${options.batch} statements per request (autocannon, fresh ids), ${options.seconds} s per run,`);
    out.push(`        vs. raw driver insertMany(${options.batch}) of the same document layout into a collection with the same indexes;`);
    out.push('        every run starts from an empty collection');
    const rows = [];
    for (const r of results.ingest) {
      for (const x of [r.ours, r.raw]) {
        rows.push([x.path, x.connections, fmtInt(x.statementsPerSecond), fmtInt(x.requests), fmt(x.latencyMs.p50), fmt(x.latencyMs.p95), fmt(x.latencyMs.p99),
          x === r.ours ? `${fmt(r.ratio * 100, 0)}%` : '']);
      }
    }
    out.push(table(['path', 'conc', 'statements/s', 'requests', 'p50 ms', 'p95 ms', 'p99 ms', 'ours/raw'], rows));
    for (const r of results.ingest) {
      const problems = [];
      if (Object.keys(r.ours.non200).length) problems.push(`non-200 responses ${JSON.stringify(r.ours.non200)}${r.ours.errorSample ? `, e.g. ${r.ours.errorSample}` : ''}`);
      if (r.ours.errors) problems.push(`${r.ours.errors} connection errors (${r.ours.timeouts} timeouts)`);
      if (problems.length) out.push(`  ! ours @${r.connections}: ${problems.join('; ')}`);
    }
    const ratios = results.ingest.map((r) => r.ratio);
    out.push(`Target ours/raw >= 50%: ${ratios.every((x) => x >= 0.5) ? 'met' : 'NOT met'} (${ratios.map((x) => `${fmt(x * 100, 0)}%`).join(', ')})`);
    out.push('');
    out.push('Where a POST spends its time inside the LRS (ms per POST, summed over the calls it makes; calls per POST):');
    const methods = BREAKDOWN_ORDER.filter((m) => results.ingest.some((r) => r.ours.serverBreakdown?.[m]));
    const breakdownRows = methods.map((method) => [
      method === 'ingest.store' ? 'StatementIngest.store (whole)' : method,
      ...results.ingest.flatMap((r) => {
        const entry = r.ours.serverBreakdown?.[method];
        const posts = r.ours.serverBreakdown?.['ingest.store']?.calls ?? 0;
        return entry ? [fmt(entry.msPerPost), fmt(entry.calls / posts, 1)] : ['-', '-'];
      }),
    ]);
    out.push(table(['', ...results.ingest.flatMap((r) => [`ms @${r.connections}`, `calls @${r.connections}`])], breakdownRows));
  }

  if (results.query) {
    for (const q of results.query) {
      out.push('');
      out.push(`Query: ${fmtInt(q.size)} statements (seeded in ${fmt(q.seedSeconds)} s), GET with limit=100 following \`more\` up to ${options.pages} pages;`);
      out.push(`       ${options.reps} queries per shape asked, query budget ${options.queryBudget} s${q.budgetExhausted ? ' (exhausted: fewer queries were run, see n)' : ''}; times in ms`);
      if (q.warning) out.push(`  ! ${q.warning}`);
      const rows = [];
      for (const r of q.shapes) {
        for (const page of ['first', 'followed']) {
          rows.push([page === 'first' ? r.shape : '', page, r.ours[page].n,
            fmt(r.ours[page].p50), fmt(r.ours[page].p95),
            fmt(r.driver[page].p50), fmt(r.driver[page].p95),
            fmt(r.oursMinusDriver[page].p50), fmt(r.oursMinusDriver[page].p95),
            fmt(r.oursAdded[page].p50), fmt(r.oursAdded[page].p95)]);
        }
      }
      out.push(table(['shape', 'page', 'n', 'ours p50', 'ours p95', 'driver p50', 'driver p95', 'ours-drv p50', 'ours-drv p95', 'added p50', 'added p95'], rows));
      out.push('  ours = GET over HTTP until the whole body arrived; driver = the same find/sort/limit through the driver;');
      out.push('  ours-drv = difference of those percentiles; added = per request, GET time minus the time of its statements find inside the LRS');
      for (const r of q.shapes) {
        out.push(`  ${r.shape}: ${r.reps} queries, ${r.distinctTargets} distinct targets, median ${fmtInt(r.matchesMedian)} matching statements; ` +
          `pages ${r.sameResults ? 'identical to the driver query' : `DIFFER from the driver query in ${r.mismatches} of ${r.reps} queries`}`);
      }
      out.push('  "added" split (p50 / p95 over all pages): ' + q.shapes.map((r) =>
        `${r.shape}: consistent-through query ${fmt(r.addedParts.consistentThrough.p50)} / ${fmt(r.addedParts.consistentThrough.p95)}, ` +
        `batch-visibility query + JSON.parse ${fmt(r.addedParts.batchesAndParse.p50)} / ${fmt(r.addedParts.batchesAndParse.p95)}, ` +
        `rest (HTTP, auth, render, client) ${fmt(r.addedParts.http.p50)} / ${fmt(r.addedParts.http.p95)}`).join(';\n    '));
      const worst = Math.max(...q.shapes.flatMap((r) => [r.oursAdded.first.p95, r.oursAdded.followed.p95].filter(Number.isFinite)));
      out.push(`Target: our code adds < 5 ms per page at p95: ${worst < 5 ? 'met' : 'NOT met'} (worst p95 of "added" ${fmt(worst)} ms)`);
    }
  }
  out.push('');
  out.push(`Total run time: ${fmt(results.totalSeconds)} s; machine load average (1/5/15 min) ${env.machine.loadAverageAtStart.join('/')} at start, ` +
    `${env.machine.loadAverageAtEnd.join('/')} at end (other processes compete for the ${env.machine.cpuCount} CPUs when these exceed the bench's own load)`);
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const startedAt = now();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keiko-bench-'));
  const admin = { key: 'bench-admin', secret: randomBytes(18).toString('base64url') };
  const external = Boolean(process.env.MONGODB_URI);
  const env = {
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LRS_ADMIN_KEY: admin.key,
    LRS_ADMIN_SECRET: admin.secret,
    LOG_LEVEL: options.logLevel,
  };
  if (external) {
    env.MONGODB_URI = process.env.MONGODB_URI;
    env.MONGODB_DB = `keiko_bench_${randomBytes(4).toString('hex')}`;
  }
  const config = loadConfig(env);
  // The LRS's logger (src/logger.ts), written to a file so it does not mix with the report.
  const logger = pino(
    { level: config.logLevel, base: { service: 'keiko-lrs' }, redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.secret', 'secret'], censor: '[redacted]' } },
    pino.destination({ dest: path.join(dataDir, 'lrs.log'), sync: true }),
  );

  let server;
  let cleaned = false;
  const cleanUp = async () => {
    if (cleaned) return;
    cleaned = true;
    try {
      if (server) {
        if (external) await server.services.db.dropDatabase().catch(() => {});
        await server.stop();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  };
  const onSignal = () => {
    log('interrupted; cleaning up');
    cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    log(`starting the LRS (${external ? 'MONGODB_URI' : 'embedded database'}) in ${dataDir}`);
    server = await startServer(config, logger);
    const { db, statements: storage, credentials } = server.services;
    const results = { options, environment: await describeEnvironment(db), startedAt: new Date().toISOString() };
    const stored = await credentials.findActive(admin.key);
    const credential = { key: admin.key, authority: stored.credential.authority };
    const sizes = Array.from({ length: 200 }, () => Buffer.byteLength(JSON.stringify(gen.makeStatement().statement)));
    results.statementBytes = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    const ferret = results.environment.database.kind === 'ferretdb';
    const tracer = new StorageTracer(server.services);

    if (options.phases.includes('ingest')) {
      results.ingest = await runIngest(server, db, options, admin, credential, tracer);
    }

    if (options.phases.includes('query')) {
      // Start from an empty statements collection: the seeded data set alone is queried.
      await db.collection('statements').drop().catch(() => {});
      await storage.ensureIndexes();
      const index = new SeedIndex();
      const random = gen.seededRandom(20_240_601);
      results.query = [];
      for (const size of options.sizes) {
        const entry = { size };
        if (ferret && size > 100_000) {
          entry.warning = `FerretDB scans the whole collection for these queries: ${size.toLocaleString('en-US')} statements can take very long`;
          log(`WARNING: ${entry.warning}`);
        }
        log(`seeding ${(size - index.total).toLocaleString('en-US')} statements (to ${size.toLocaleString('en-US')})`);
        entry.seedSeconds = 0;
        if (index.total === 0) {
          entry.seedSeconds += await seed(storage, db, Math.min(size, 1000), index, credential, random);
          await warmUpQueries(server, db, options, admin, index, random, tracer);
        }
        entry.seedSeconds += await seed(storage, db, size, index, credential, random);
        Object.assign(entry, await runQueries(server, db, options, admin, index, size, random, tracer));
        results.query.push(entry);
      }
    }

    results.totalSeconds = (now() - startedAt) / 1000;
    results.environment.machine.loadAverageAtEnd = os.loadavg().map((x) => Number(x.toFixed(2)));
    const text = report(results, options);
    console.log(text);
    if (options.out) {
      fs.mkdirSync(path.dirname(path.resolve(options.out)), { recursive: true });
      fs.writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
      log(`results written to ${options.out}`);
    }
  } finally {
    await cleanUp();
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}

module.exports = { ingestOurs, ingestRaw, rawDocumentPool, StorageTracer, summarize };
