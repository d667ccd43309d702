'use strict';
/**
 * Durable post-store events benchmark (issue 9 §2): how fast EventDelivery hands stored statements
 * to a subscriber that does nothing, and how long a statement waits between its batch being
 * stored and its event being delivered, each beside a baseline measured in the same run on the
 * same engine and data: a loop that only reads the statement feed (readFeed, page after page),
 * without checkpoints, leases or handlers. In one process with the storage (no HTTP).
 *
 *   npm run build && node bench/events.js [options]
 *
 *   --engines LIST          sqlite,mongo (default sqlite; mongo starts FerretDB unless --mongo-uri)
 *   --statements N          stored before the throughput rounds (default 20000; FerretDB: --mongo-statements)
 *   --mongo-statements N    the same on MongoDB / FerretDB (default 2000: FerretDB scans)
 *   --batch N               statements per storeBatch (default 100)
 *   --page-size N           statements per readFeed and per onEvents call (default 100)
 *   --rounds N              throughput rounds per side; the median is reported (default 3)
 *   --live-batches N        batches stored one after another for the latency figures (default 500; mongo 100)
 *   --live-batch N          statements per live batch (default 10)
 *   --mongo-uri URI         measure this MongoDB (a throw-away database, dropped at the end)
 *   --ferretdb PATH         FerretDB v1 binary (default $KEIKO_TOOLS_DIR or ~/.cache/keiko-lrs, then ferretdb-v1.24.2/ferretdb)
 *   --out FILE              also write the figures as JSON to FILE
 *
 * Throughput: the whole feed (N statements) delivered to a new subscriber (a backfill: pages read,
 * events built, the handler called, the checkpoint written, one page after another), against the
 * whole feed read by the bare loop. Latency: live batches are stored one after another; after each
 * the writer calls notify(), as the LRS does after ingest; a statement's latency is the time from
 * its storeBatch resolving to its event reaching the handler (delivery), or to the bare loop
 * reading it (baseline; woken the same way). Both poll every 500 ms besides.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const pino = require('pino');
const { SqliteBackend } = require('../dist/storage/sqlite-backend');
const { MongoBackend } = require('../dist/storage/mongo-backend');
const { EventDelivery } = require('../dist/platform/events/delivery');
const P = require('./processes');
const { recordPool, newRecord } = require('./records');

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

const toolsDir = process.env.KEIKO_TOOLS_DIR?.trim() || path.join(os.homedir(), '.cache', 'keiko-lrs');
const OPTIONS = {
  engines: option('engines', 'sqlite').split(','),
  statements: { sqlite: Number(option('statements', 20_000)), mongo: Number(option('mongo-statements', 2_000)) },
  batch: Number(option('batch', 100)),
  pageSize: Number(option('page-size', 100)),
  rounds: Number(option('rounds', 3)),
  liveBatches: { sqlite: Number(option('live-batches', 500)), mongo: Number(option('live-batches', 100)) },
  liveBatch: Number(option('live-batch', 10)),
  mongoUri: option('mongo-uri', undefined),
  ferretdb: option('ferretdb', path.join(toolsDir, 'ferretdb-v1.24.2', 'ferretdb')),
  out: option('out', undefined),
};
const POLL_MS = 500;
const logger = pino({ level: 'silent' });
const now = () => performance.now();

async function main() {
  const results = { machine: P.machine(), options: OPTIONS, engines: {} };
  for (const engine of OPTIONS.engines) {
    const opened = await openEngine(engine);
    try {
      results.engines[engine] = { server: opened.description, ...(await measure(engine, opened.backend)) };
    } finally {
      await opened.close();
    }
    report(engine, results.engines[engine]);
  }
  if (OPTIONS.out) fs.writeFileSync(OPTIONS.out, JSON.stringify(results, null, 2));
}

async function openEngine(engine) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `keiko-bench-events-${engine}-`));
  const cleanups = [() => fs.rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    if (engine === 'sqlite') {
      const backend = SqliteBackend.open({ dataDir: dir, exclusive: true, authorityHomePage: 'http://lrs.bench/' });
      await backend.prepare();
      cleanups.push(() => backend.close());
      return { backend, description: 'SQLite (WAL, synchronous FULL)', close };
    }
    let uri = OPTIONS.mongoUri;
    let description = `MongoDB at ${uri}`;
    if (uri === undefined) {
      if (!fs.existsSync(OPTIONS.ferretdb)) throw new Error(`FerretDB not found at ${OPTIONS.ferretdb} (--ferretdb PATH, or --mongo-uri URI)`);
      const ferret = await P.startFerretDb({ binary: OPTIONS.ferretdb, dir: path.join(dir, 'ferretdb'), logFile: path.join(dir, 'ferretdb.log') });
      cleanups.push(() => ferret.stop());
      uri = ferret.uri;
      description = 'FerretDB v1.24.2 (SQLite backend)';
    }
    const dbName = `keiko_bench_events_${process.pid}`;
    const backend = await MongoBackend.open({ uri, dbName, authorityHomePage: 'http://lrs.bench/', logger });
    await backend.prepare();
    cleanups.push(async () => {
      await backend.db?.dropDatabase?.().catch(() => undefined);
      await backend.close();
    });
    return { backend, description, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function measure(engine, backend) {
  const pool = recordPool({ size: 2_000, seed: 7, authority: { objectType: 'Agent', account: { homePage: 'http://lrs.bench/', name: 'bench' } } });
  let next = 0;
  const records = (count) => Array.from({ length: count }, () => newRecord(pool[next++ % pool.length], 'bench'));

  const total = OPTIONS.statements[engine];
  const fillStarted = now();
  for (let stored = 0; stored < total; stored += OPTIONS.batch) await backend.statements.storeBatch(records(Math.min(OPTIONS.batch, total - stored)));
  const fillSeconds = (now() - fillStarted) / 1000;
  const head = await backend.statements.feedHead();
  log(`${engine}: ${total} statements stored in ${fillSeconds.toFixed(1)} s; feed head ${head}`);

  const readRounds = [];
  const deliveryRounds = [];
  for (let round = 0; round < OPTIONS.rounds; round++) {
    readRounds.push(await timeFeedRead(backend, total));
    deliveryRounds.push(await timeBackfill(backend, total, `noop-${round}`));
    log(`${engine}: round ${round + 1}: feed read ${rate(total, readRounds.at(-1))}/s, delivered ${rate(total, deliveryRounds.at(-1))}/s`);
  }

  const liveBatches = OPTIONS.liveBatches[engine];
  const baselineLatency = await liveLatency(backend, liveBatches, records, followFeedBare);
  const deliveryLatency = await liveLatency(backend, liveBatches, records, followFeedDelivering);
  return {
    statements: total,
    fillSeconds,
    throughput: {
      feedReadPerSecond: rate(total, median(readRounds)),
      deliveredPerSecond: rate(total, median(deliveryRounds)),
      feedReadSeconds: readRounds,
      deliverySeconds: deliveryRounds,
    },
    latencyMs: { baseline: baselineLatency, delivery: deliveryLatency },
  };
}

/** Seconds to read the whole feed, page after page, with nothing else. */
async function timeFeedRead(backend, expected) {
  const started = now();
  let after = 0;
  let seen = 0;
  for (;;) {
    const page = await backend.statements.readFeed(after, OPTIONS.pageSize);
    seen += page.records.length;
    if (page.through === after) break;
    after = page.through;
  }
  if (seen < expected) throw new Error(`the feed read ${seen} statements, expected ${expected}`);
  return (now() - started) / 1000;
}

/** Seconds for a new subscriber that does nothing to receive every stored statement's event. */
async function timeBackfill(backend, expected, name) {
  let received = 0;
  let done;
  const finished = new Promise((resolve) => (done = resolve));
  const delivery = await EventDelivery.open({
    statements: backend.statements,
    collections: backend.collections,
    leases: backend.leases,
    subscribers: [{ name, onEvents: async (events) => (received += events.length) >= expected && done() }],
    logger,
    pageSize: OPTIONS.pageSize,
    pollIntervalMs: POLL_MS,
  });
  const started = now();
  delivery.start();
  await finished;
  const seconds = (now() - started) / 1000;
  await delivery.stop();
  return seconds;
}

/**
 * Stores `batches` batches one after another, notifying the follower after each, and returns the
 * percentiles of the time from each statement's storeBatch resolving to the follower receiving it.
 */
async function liveLatency(backend, batches, records, follow) {
  const storedAt = new Map();
  const latencies = [];
  const received = (ids) => {
    const at = now();
    for (const id of ids) {
      const stored = storedAt.get(id);
      if (stored !== undefined) latencies.push(at - stored);
    }
  };
  const follower = await follow(backend, received);
  const expected = batches * OPTIONS.liveBatch;
  for (let batch = 0; batch < batches; batch++) {
    const ids = [];
    const stored = records(OPTIONS.liveBatch);
    await backend.statements.storeBatch(stored);
    const at = now();
    for (const record of stored) {
      storedAt.set(record.id, at);
      ids.push(record.id);
    }
    follower.notify();
  }
  const deadline = Date.now() + 120_000;
  while (latencies.length < expected && Date.now() < deadline) await P.sleep(5);
  await follower.stop();
  latencies.sort((a, b) => a - b);
  const at = (q) => Number(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(2));
  return { statements: latencies.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: Number(latencies.at(-1).toFixed(2)) };
}

/** The baseline follower: reads the feed after its head whenever notified (or every POLL_MS). */
async function followFeedBare(backend, received) {
  let after = await backend.statements.feedHead();
  let stopped = false;
  let wake = () => undefined;
  let notified = 0;
  const loop = (async () => {
    while (!stopped) {
      const seen = notified;
      const page = await backend.statements.readFeed(after, OPTIONS.pageSize);
      received(page.records.map((record) => record.id));
      const more = page.through !== after;
      after = page.through;
      if (!more && seen === notified) await new Promise((resolve) => ((wake = resolve), setTimeout(resolve, POLL_MS)));
    }
  })();
  return {
    notify: () => {
      notified++;
      wake();
    },
    stop: async () => {
      stopped = true;
      wake();
      await loop;
    },
  };
}

/** EventDelivery with a subscriber that only notes what it receives, from the current head on. */
async function followFeedDelivering(backend, received) {
  const name = 'noop-live';
  const delivery = await EventDelivery.open({
    statements: backend.statements,
    collections: backend.collections,
    leases: backend.leases,
    subscribers: [{ name, onEvents: async (events) => received(events.map((event) => (event.type === 'stored' ? event.statement.id : event.statementId))) }],
    logger,
    pageSize: OPTIONS.pageSize,
    pollIntervalMs: POLL_MS,
  });
  // Starts at the head, as a subscriber that has caught up.
  await (await backend.collections.open('events', 'checkpoints')).put(name, { position: await backend.statements.feedHead(), updatedAt: new Date().toISOString() });
  delivery.start();
  return delivery;
}

function report(engine, result) {
  const { throughput: t, latencyMs: l } = result;
  const lines = [
    `Events on ${engine} (${result.server}), ${result.statements} statements, pages of ${OPTIONS.pageSize}, median of ${OPTIONS.rounds} rounds`,
    `  throughput   feed read alone ${t.feedReadPerSecond}/s   delivered to a no-op subscriber ${t.deliveredPerSecond}/s (${pct(t.deliveredPerSecond, t.feedReadPerSecond)} of the read)`,
    `  latency ms   baseline (feed reader woken by notify) p50 ${l.baseline.p50}  p95 ${l.baseline.p95}  p99 ${l.baseline.p99}  max ${l.baseline.max}`,
    `               delivery (EventDelivery, notify)       p50 ${l.delivery.p50}  p95 ${l.delivery.p95}  p99 ${l.delivery.p99}  max ${l.delivery.max}`,
    `               added by delivery: p50 ${(l.delivery.p50 - l.baseline.p50).toFixed(2)} ms, p95 ${(l.delivery.p95 - l.baseline.p95).toFixed(2)} ms (${l.delivery.statements} statements in batches of ${OPTIONS.liveBatch})`,
  ];
  console.log(lines.join('\n'));
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const rate = (count, seconds) => Math.round(count / seconds);
const pct = (part, whole) => `${Math.round((100 * part) / whole)} %`;
const log = (message) => console.error(`[${new Date().toISOString()}] ${message}`);

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
