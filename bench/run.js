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
const { STATEMENT_INDEXES } = require('../dist/xapi/statements/mongo-statement-storage');
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
      case '--phases': options.phases = list(value()); break;
      case '--log-level': options.logLevel = value(); break;
      case '--out': options.out = value(); break;
      case '--help': case '-h':
        console.log(fs.readFileSync(__filename, 'utf8').split('\n').slice(1, 22).join('\n'));
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

/** The document layout of MongoStatementStorage (toDocument). */
function statementDocument(batchId, record) {
  return {
    _id: record.id,
    s: JSON.stringify(record.statement),
    stored: record.stored,
    fp: record.fingerprint,
    v: record.views,
    voided: record.voided,
    cred: record.credentialKey,
    att: record.attachmentHashes,
    b: batchId,
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
async function drainBatches(db, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while ((await db.collection('statement_batches').countDocuments({})) > 0) {
    if (Date.now() > deadline) throw new Error('statement batches still in flight after the ingest run');
    await sleep(100);
  }
}

async function ingestOurs(server, db, options, connections, admin) {
  const before = await db.collection('statements').estimatedDocumentCount();
  const url = new URL(server.url);
  const result = await runLoad({
    url: `${url.origin}`,
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
  const after = await db.collection('statements').countDocuments({});
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
    storedInCollection: after - before,
    non200: Object.fromEntries(failed),
    errors: result.errors,
    timeouts: result.timeouts,
    errorSample: result.errorSample,
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

async function runIngest(server, db, options, admin, credential) {
  const raw = db.collection(RAW_COLLECTION);
  await raw.drop().catch(() => {});
  await raw.createIndexes(STATEMENT_INDEXES.map((index) => ({ ...index })));
  const pool = rawDocumentPool(credential);
  const results = [];
  // A short warm-up (JIT, connection pools, SQLite pages) that is not reported.
  log('ingest warm-up (3 s)');
  await ingestOurs(server, db, { ...options, seconds: 3 }, 2, admin);
  await ingestRaw(db, { ...options, seconds: 2 }, 2, pool);
  for (const connections of options.connections) {
    log(`ingest: ours, ${connections} connections, ${options.seconds} s`);
    const ours = await ingestOurs(server, db, options, connections, admin);
    log(`ingest: raw insertMany, ${connections} loops, ${options.seconds} s`);
    const rawResult = await ingestRaw(db, options, connections, pool);
    results.push({ connections, ours, raw: rawResult, ratio: ours.statementsPerSecond / rawResult.statementsPerSecond });
  }
  await raw.drop().catch(() => {});
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
  if (shape === 'agent') {
    const agents = [...index.agentCounts.keys()].filter((a) => index.agentCounts[a] >= needed);
    const candidates = agents.length > 0 ? agents : topKeys(index.agentCounts, options.reps);
    return pick(candidates).map((agent) => {
      const mbox = gen.agentMbox(agent);
      return {
        label: mbox,
        matches: index.agentCounts[agent],
        query: `agent=${encodeURIComponent(JSON.stringify({ objectType: 'Agent', mbox }))}&limit=100`,
        filter: { voided: { $ne: true }, 'v.a': `mbox:${mbox}` },
      };
    });
  }
  if (shape === 'activity+related') {
    const entries = [...index.relatedCounts.entries()];
    const enough = entries.filter(([, count]) => count >= needed);
    const candidates = enough.length > 0 ? enough : entries.sort((a, b) => b[1] - a[1]).slice(0, options.reps);
    return pick(candidates).map(([activity, count]) => ({
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

function topKeys(counts, n) {
  return [...counts.keys()].sort((a, b) => counts[b] - counts[a]).slice(0, n);
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
  /** GET; resolves with the time until the whole body arrived, and the parsed body. */
  return (pathAndQuery) =>
    new Promise((resolve, reject) => {
      const t0 = now();
      const request = http.request({ host: url.hostname, port: url.port, path: pathAndQuery, headers, agent }, (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          const ms = now() - t0;
          const text = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== 200) return reject(new Error(`GET ${pathAndQuery} → ${response.statusCode}: ${text.slice(0, 300)}`));
          resolve({ ms, body: JSON.parse(text) });
        });
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end();
    });
}

async function oursPages(get, target, pages) {
  const times = [];
  const ids = [];
  let next = `/xapi/statements?${target.query}`;
  for (let page = 0; page < pages && next; page++) {
    const { ms, body } = await get(next);
    times.push(ms);
    ids.push(body.statements.map((statement) => statement.id));
    next = body.more || undefined;
  }
  return { times, ids };
}

async function driverPages(collection, target, pages) {
  const times = [];
  const ids = [];
  let after;
  for (let page = 0; page < pages; page++) {
    const filter = { ...target.filter };
    if (after) filter.$or = [{ stored: { $lt: after.stored } }, { stored: after.stored, _id: { $lt: after.id } }];
    const t0 = now();
    const documents = await collection.find(filter).sort(SORT).limit(101).toArray();
    times.push(now() - t0);
    const pageDocs = documents.slice(0, 100);
    ids.push(pageDocs.map((doc) => doc._id));
    if (documents.length <= 100) break;
    const last = pageDocs[pageDocs.length - 1];
    after = { stored: last.stored, id: last._id };
  }
  return { times, ids };
}

async function runQueries(server, db, options, admin, index, size, random) {
  const get = httpGetter(server, admin);
  const collection = db.collection('statements');
  const results = [];
  for (const shape of ['agent', 'activity+related', 'verb+since']) {
    const targets = chooseTargets(shape, index, options, random);
    // Warm-up, not recorded.
    await oursPages(get, targets[0], 1);
    await driverPages(collection, targets[0], 1);
    const ours = { first: [], followed: [] };
    const driver = { first: [], followed: [] };
    let mismatches = 0;
    let pagesSeen = 0;
    const t0 = now();
    for (let rep = 0; rep < targets.length; rep++) {
      const target = targets[rep];
      // Alternate who goes first, so neither profits systematically from the other's caching.
      const runOurs = () => oursPages(get, target, options.pages);
      const runDriver = () => driverPages(collection, target, options.pages);
      let o;
      let d;
      if (rep % 2 === 0) {
        o = await runOurs();
        d = await runDriver();
      } else {
        d = await runDriver();
        o = await runOurs();
      }
      o.times.forEach((ms, page) => (page === 0 ? ours.first : ours.followed).push(ms));
      d.times.forEach((ms, page) => (page === 0 ? driver.first : driver.followed).push(ms));
      pagesSeen += o.ids.length;
      if (JSON.stringify(o.ids) !== JSON.stringify(d.ids)) mismatches++;
    }
    const row = {
      size,
      shape,
      reps: targets.length,
      distinctTargets: new Set(targets.map((t) => t.label)).size,
      matchesMedian: percentile(Float64Array.from(targets.map((t) => t.matches)).sort(), 50),
      pages: pagesSeen,
      ours: { first: summarize(ours.first), followed: summarize(ours.followed) },
      driver: { first: summarize(driver.first), followed: summarize(driver.followed) },
      sameResults: mismatches === 0,
      mismatches,
      seconds: (now() - t0) / 1000,
    };
    row.addedMs = {
      first: { p50: row.ours.first.p50 - row.driver.first.p50, p95: row.ours.first.p95 - row.driver.first.p95 },
      followed: { p50: row.ours.followed.p50 - row.driver.followed.p50, p95: row.ours.followed.p95 - row.driver.followed.p95 },
    };
    log(`query ${shape} @ ${size.toLocaleString('en-US')}: ${fmt(row.seconds)} s`);
    results.push(row);
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Report

function report(results, options) {
  const out = [];
  const { environment: env } = results;
  out.push('Keiko LRS benchmark');
  out.push('===================');
  out.push(`Machine:  ${env.machine.cpuModel} × ${env.machine.cpuCount}, ${env.machine.totalMemoryGiB} GiB RAM, ${env.machine.platform}`);
  out.push(`Node:     ${env.node}`);
  const db = env.database;
  out.push(`Database: ${db.kind} ${db.version}${db.compatibleWith ? ` (wire-compatible with ${db.compatibleWith})` : ''}` +
    `${db.backend ? `, backend ${db.backend}` : ''}${db.embedded ? ', embedded (started by the LRS)' : ', external (MONGODB_URI)'}`);
  out.push(`Statement: ${fmtInt(results.statementBytes)} bytes of JSON on average (as sent)`);
  out.push(`LRS log level: ${options.logLevel} (to a file)`);

  if (results.ingest) {
    out.push('');
    out.push(`Ingest: POST /xapi/statements, ${options.batch} statements per request, ${options.seconds} s per run`);
    out.push(`        vs. raw driver insertMany(${options.batch}) of the same document layout into a collection with the same indexes`);
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
    out.push(`Target ours/raw ≥ 50%: ${ratios.every((x) => x >= 0.5) ? 'met' : 'NOT met'} (${ratios.map((x) => `${fmt(x * 100, 0)}%`).join(', ')})`);
  }

  if (results.query) {
    for (const q of results.query) {
      out.push('');
      out.push(`Query: ${fmtInt(q.size)} statements (seeded in ${fmt(q.seedSeconds)} s), limit=100, up to ${options.pages} pages per query, ${options.reps} queries per shape`);
      if (q.warning) out.push(`  ! ${q.warning}`);
      const rows = [];
      for (const r of q.shapes) {
        for (const page of ['first', 'followed']) {
          rows.push([page === 'first' ? r.shape : '', page, r.ours[page].n, fmt(r.ours[page].p50), fmt(r.ours[page].p95),
            fmt(r.driver[page].p50), fmt(r.driver[page].p95), fmt(r.addedMs[page].p50), fmt(r.addedMs[page].p95)]);
        }
      }
      out.push(table(['shape', 'page', 'n', 'ours p50', 'ours p95', 'driver p50', 'driver p95', 'added p50', 'added p95'], rows));
      for (const r of q.shapes) {
        out.push(`  ${r.shape}: ${r.distinctTargets} distinct targets, median ${fmtInt(r.matchesMedian)} matching statements; ` +
          `results ${r.sameResults ? 'identical to the driver query' : `DIFFER from the driver query in ${r.mismatches} of ${r.reps}`}`);
      }
      const worst = Math.max(...q.shapes.flatMap((r) => [r.addedMs.first.p95, r.addedMs.followed.p95]));
      out.push(`Target added < 5 ms per page at p95: ${worst < 5 ? 'met' : 'NOT met'} (worst ${fmt(worst)} ms)`);
    }
  }
  out.push('');
  out.push(`Total run time: ${fmt(results.totalSeconds)} s`);
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

    if (options.phases.includes('ingest')) {
      results.ingest = await runIngest(server, db, options, admin, credential);
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
        entry.seedSeconds = await seed(storage, db, size, index, credential, random);
        entry.shapes = await runQueries(server, db, options, admin, index, size, random);
        results.query.push(entry);
      }
    }

    results.totalSeconds = (now() - startedAt) / 1000;
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

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
