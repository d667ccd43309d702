'use strict';
/**
 * Keiko LRS benchmark: `npm run bench [-- options]` (builds first, then runs this file). Both
 * storage engines side by side in one run, each figure beside a baseline measured in the same
 * run on the same engine. See bench/README.md for the method.
 *
 *   --engines LIST            sqlite,mongo (default both)
 *   --sqlite-sizes LIST       stored statements at which SQLite is measured (default 10000,1000000)
 *   --mongo-sizes LIST        the same for MongoDB / FerretDB (default 1000,5000: FerretDB scans)
 *   --mongo-uri URI           measure this MongoDB (a throw-away database on it, dropped at the end)
 *                             instead of starting FerretDB
 *   --ferretdb PATH           FerretDB v1 binary (default $KEIKO_TOOLS_DIR or ~/.cache/keiko-lrs,
 *                             then ferretdb-v1.24.2/ferretdb)
 *   --connections N           concurrent POST connections (default 4)
 *   --batch N                 statements per POST and per raw transaction / insertMany (default 100)
 *   --ingest-statements N     SQLite: statements per ingest round and side (default 10000)
 *   --ingest-rounds N         SQLite: rounds of (HTTP, raw) per size, alternating (default 3)
 *   --mongo-ingest-seconds S  MongoDB: seconds of HTTP ingest per size (requests in flight finish; default 20)
 *   --mongo-raw-seconds S     MongoDB: seconds of raw insertMany per size (default 10)
 *   --warmup-requests N       POSTs before anything is measured (default 20; MongoDB: 3)
 *   --http-fill-max N         SQLite: grow through HTTP when fewer than N statements are missing,
 *                             else through the adapter's storeBatch in a second process (default 50000)
 *   --fill-batch N            statements per storeBatch call when filling (default 5000)
 *   --queries N               SQLite: targets per GET shape and size (default 20)
 *   --pages N                 SQLite: pages per filtered target, following `more` (default 3)
 *   --unfiltered-more N       `more` pages after the unfiltered first page (default 3)
 *   --mongo-queries N         MongoDB: targets per shape and size (default 3)
 *   --mongo-pages N           MongoDB: pages per filtered target (default 2)
 *   --query-budget S          SQLite: seconds of GETs per size at most (default 300)
 *   --mongo-query-budget S    MongoDB: seconds of GETs per size at most (default 150); at least
 *                             the first page of every shape is always measured
 *   --no-dbstat               skip SQLite's space per table and index (dbstat; reads the whole file)
 *   --log-level LEVEL         the LRS's LOG_LEVEL (default: unset, i.e. info, as users run it); its
 *                             logs go to a file in the run's temporary directory
 *   --keep                    keep the temporary directories (databases, logs)
 *   --out FILE                also write every result as JSON to FILE
 */
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Database = require('better-sqlite3');
const { MongoClient } = require('mongodb');

const { STATEMENT_INDEXES, toDocument } = require('../dist/xapi/statements/mongo-statement-storage');
const P = require('./processes');
const Q = require('./queries');
const { recordPool, storedRecord } = require('./records');

// ---------------------------------------------------------------------------------------------
// Options

function parseArgs(argv) {
  const toolsDir = process.env.KEIKO_TOOLS_DIR?.trim() || path.join(os.homedir(), '.cache', 'keiko-lrs');
  const options = {
    engines: ['sqlite', 'mongo'],
    sqliteSizes: [10_000, 1_000_000],
    mongoSizes: [1000, 5000],
    mongoUri: undefined,
    ferretdb: path.join(toolsDir, 'ferretdb-v1.24.2', 'ferretdb'),
    connections: 4,
    batch: 100,
    ingestStatements: 10_000,
    ingestRounds: 3,
    mongoIngestSeconds: 20,
    mongoRawSeconds: 10,
    warmupRequests: 20,
    mongoWarmupRequests: 3,
    httpFillMax: 50_000,
    fillBatch: 5000,
    queries: 20,
    pages: 3,
    unfilteredMore: 3,
    mongoQueries: 3,
    mongoPages: 2,
    queryBudget: 300,
    mongoQueryBudget: 150,
    dbstat: true,
    logLevel: undefined,
    keep: false,
    out: undefined,
  };
  const list = (value) => value.split(',').map((item) => item.trim()).filter(Boolean);
  const int = (name, value) => {
    const number = Number(String(value).replace(/_/g, '').replace(/k$/i, '000').replace(/m$/i, '000000'));
    if (!Number.isInteger(number) || number <= 0) throw new Error(`${name} must be a positive integer, got "${value}"`);
    return number;
  };
  const sizes = (name, value) => list(value).map((v) => int(name, v)).sort((a, b) => a - b);
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--engines': options.engines = list(value()); break;
      case '--sqlite-sizes': options.sqliteSizes = sizes(flag, value()); break;
      case '--mongo-sizes': options.mongoSizes = sizes(flag, value()); break;
      case '--mongo-uri': options.mongoUri = value(); break;
      case '--ferretdb': options.ferretdb = value(); break;
      case '--connections': options.connections = int(flag, value()); break;
      case '--batch': options.batch = int(flag, value()); break;
      case '--ingest-statements': options.ingestStatements = int(flag, value()); break;
      case '--ingest-rounds': options.ingestRounds = int(flag, value()); break;
      case '--mongo-ingest-seconds': options.mongoIngestSeconds = int(flag, value()); break;
      case '--mongo-raw-seconds': options.mongoRawSeconds = int(flag, value()); break;
      case '--warmup-requests': options.warmupRequests = int(flag, value()); break;
      case '--http-fill-max': options.httpFillMax = int(flag, value()); break;
      case '--fill-batch': options.fillBatch = int(flag, value()); break;
      case '--queries': options.queries = int(flag, value()); break;
      case '--pages': options.pages = int(flag, value()); break;
      case '--unfiltered-more': options.unfilteredMore = int(flag, value()); break;
      case '--mongo-queries': options.mongoQueries = int(flag, value()); break;
      case '--mongo-pages': options.mongoPages = int(flag, value()); break;
      case '--query-budget': options.queryBudget = int(flag, value()); break;
      case '--mongo-query-budget': options.mongoQueryBudget = int(flag, value()); break;
      case '--no-dbstat': options.dbstat = false; break;
      case '--log-level': options.logLevel = value(); break;
      case '--keep': options.keep = true; break;
      case '--out': options.out = value(); break;
      case '--help': case '-h': {
        const lines = fs.readFileSync(__filename, 'utf8').split('\n');
        console.log(lines.slice(2, lines.indexOf(' */')).join('\n'));
        process.exit(0);
        break;
      }
      default: throw new Error(`Unknown option ${argv[i]} (see --help)`);
    }
  }
  for (const engine of options.engines) if (!['sqlite', 'mongo'].includes(engine)) throw new Error(`unknown engine ${engine}`);
  return options;
}

// ---------------------------------------------------------------------------------------------
// Helpers

const now = () => performance.now();
const startedAt = now();

function log(message) {
  const elapsed = Math.round((now() - startedAt) / 1000);
  process.stderr.write(`[bench +${String(Math.floor(elapsed / 60)).padStart(2, '0')}:${String(elapsed % 60).padStart(2, '0')}] ${message}\n`);
}

const fmt = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const fmtInt = (value) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '-');
const fmtSize = (n) => (n >= 1_000_000 ? `${fmt(n / 1_000_000, n % 1_000_000 ? 2 : 0)}M` : n >= 1000 ? `${fmt(n / 1000, n % 1000 ? 1 : 0)}k` : String(n));
const mib = (bytes) => fmt(bytes / 2 ** 20, 0);
const pct = (x) => `${fmt(x * 100, 0)}%`;

function table(headers, rows) {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => cells.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const fileSize = (file) => {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
};

/** The run's state shared by the engines. */
class Run {
  constructor(options) {
    this.options = options;
    this.admin = { key: 'bench-admin', secret: randomBytes(18).toString('base64url') };
    this.memory = new P.MemorySampler(250);
    this.phases = [];
    this.cleanups = [];
  }

  phase(name) {
    this.memory.setPhase(name);
    this.phases.push({ name, at: (now() - startedAt) / 1000, loadAverage: P.loadAverage() });
    log(`${name} (load average ${P.loadAverage().join(' ')})`);
  }

  headers() {
    return {
      authorization: `Basic ${Buffer.from(`${this.admin.key}:${this.admin.secret}`).toString('base64')}`,
      'x-experience-api-version': '1.0.3',
      'content-type': 'application/json',
    };
  }

  /** POSTs through bench/load.js; the LRS's CPU time over the run from /proc. */
  async httpIngest(lrs, { requests, seconds, seed }) {
    const cpu0 = P.cpuTimeOf(lrs.pid);
    const load0 = P.loadAverage()[0];
    const result = await P.runChild('load.js', {
      url: lrs.url,
      path: '/xapi/statements',
      connections: this.options.connections,
      batchSize: this.options.batch,
      requests,
      seconds,
      seed,
      headers: this.headers(),
    });
    const cpuMs = P.cpuTimeOf(lrs.pid) - cpu0;
    const { latencies, ...rest } = result;
    if (result.ok !== result.requests) {
      throw new Error(`HTTP ingest: ${result.requests - result.ok} of ${result.requests} POSTs failed: ${JSON.stringify(result.statusCounts)} ${result.errorSample ?? ''}`);
    }
    return {
      ...rest,
      statementsPerSecond: result.statements / result.seconds,
      latencyMs: Q.summarize(latencies),
      cpuUsPerStatement: (cpuMs * 1000) / result.statements,
      loadAverage: [load0, P.loadAverage()[0]],
    };
  }

  async authority(lrs) {
    const client = Q.httpClient(lrs.url, this.admin);
    try {
      const { body } = await client.get('/xapi/statements?limit=1');
      if (!body.statements[0]) throw new Error('no statement stored after the warm-up');
      return body.statements[0].authority;
    } finally {
      client.close();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// SQLite

async function benchSqlite(run) {
  const { options } = run;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keiko-bench-sqlite-'));
  const dataDir = path.join(dir, 'data');
  const dbFile = path.join(dataDir, 'keiko-lrs.db');
  const rawFile = path.join(dir, 'raw', 'raw.db');
  fs.mkdirSync(path.dirname(rawFile), { recursive: true });
  const result = { engine: 'sqlite', directory: dir, sizes: [] };
  let lrs;
  let reader;
  try {
    run.phase('sqlite: starting the LRS');
    lrs = await P.startLrs({ dataDir, admin: run.admin, logFile: path.join(dir, 'lrs.log'), logLevel: options.logLevel });
    run.cleanups.push(() => lrs.stop());
    run.memory.watch('sqlite LRS', lrs.pid);
    result.command = `PORT=${new URL(lrs.url).port} HOST=127.0.0.1 DATA_DIR=${dataDir} LRS_ADMIN_KEY=… LRS_ADMIN_SECRET=… node dist/main.js`;
    run.phase('sqlite: warm-up');
    result.warmup = await run.httpIngest(lrs, { requests: options.warmupRequests });
    const authority = await run.authority(lrs);
    reader = new Database(dbFile, { readonly: true, fileMustExist: true });
    reader.pragma('cache_size = -65536');
    result.sqliteVersion = reader.prepare('SELECT sqlite_version()').pluck().get();
    const count = () => reader.prepare('SELECT count(*) FROM statements').pluck().get();
    const maxSeq = () => reader.prepare('SELECT max(seq) FROM statements').pluck().get();
    const sampleRow = reader.prepare('SELECT id, stored, body FROM statements WHERE seq >= ? ORDER BY seq LIMIT 1');

    for (const size of options.sqliteSizes) {
      const entry = { size };
      run.phase(`sqlite: growing to ${fmtSize(size)}`);
      const missing = size - count();
      if (missing > 0 && missing <= options.httpFillMax) {
        entry.fill = { via: 'HTTP', ...(await run.httpIngest(lrs, { requests: Math.ceil(missing / options.batch) })) };
      } else if (missing > 0) {
        const fill = await P.runChild(
          'sqlite-writer.js',
          { mode: 'fill', file: dbFile, target: size, batch: options.fillBatch, authority, credentialKey: run.admin.key, seed: 7 + size, poolSize: 50_000 },
          (progress) => log(`  filled ${fmtInt(progress.count)} (${fmt(progress.count / progress.seconds, 0)}/s overall)`),
        );
        entry.fill = { via: `SqliteStatementStorage.storeBatch, ${options.fillBatch} per call, second process`, ...fill, statementsPerSecond: fill.statements / fill.seconds };
      }
      if (entry.fill) log(`  ${fmtInt(entry.fill.statements)} statements via ${entry.fill.via} at ${fmtInt(entry.fill.statementsPerSecond)}/s`);

      run.phase(`sqlite: space @${fmtSize(size)}`);
      entry.space = sqliteSpace(dbFile, reader, options.dbstat);
      entry.stored = entry.space.statements;
      log(`  ${fmtInt(entry.stored)} statements, ${fmt(entry.space.bytesPerStatement, 0)} bytes each (db ${mib(entry.space.dbBytes)} MiB after a checkpoint)`);

      run.phase(`sqlite: queries @${fmtSize(size)}`);
      const top = maxSeq();
      const sample = () => {
        const row = sampleRow.get(1 + Math.floor(Math.random() * top));
        return Q.sampleOf(row.body, row.stored);
      };
      const direct = new Q.SqliteDirect(reader);
      const client = Q.httpClient(lrs.url, run.admin);
      try {
        entry.queries = await Q.runShapes({
          client,
          direct,
          sample,
          options: { queries: options.queries, pages: options.pages, unfilteredMore: options.unfilteredMore },
          budgetSeconds: options.queryBudget,
          log,
        });
      } finally {
        client.close();
      }
      entry.plans = await Q.explainShapes({ direct, sample });
      for (const q of entry.queries) log(`  ${q.shape}: p95 ${fmt(q.http.p95)} ms over HTTP, ${fmt(q.direct.p95, 2)} ms direct (n=${q.http.n})`);

      run.phase(`sqlite: ingest @${fmtSize(size)}`);
      // The raw baseline starts from a copy of the LRS's database: same schema, same rows.
      sqliteCheckpoint(dbFile);
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(rawFile + suffix, { force: true });
      fs.copyFileSync(dbFile, rawFile);
      entry.ingest = { rounds: [], startCount: count() };
      for (let round = 0; round < options.ingestRounds; round++) {
        const ours = await run.httpIngest(lrs, { requests: Math.ceil(options.ingestStatements / options.batch), seed: 1000 * size + round });
        const load0 = P.loadAverage()[0];
        const raw = await P.runChild('sqlite-writer.js', {
          mode: 'raw',
          file: rawFile,
          statements: ours.statements,
          batch: options.batch,
          authority,
          credentialKey: run.admin.key,
          seed: 2000 * size + round,
          poolSize: 5000,
        });
        const { latencies, ...rawRest } = raw;
        const rawEntry = { ...rawRest, statementsPerSecond: raw.statements / raw.seconds, latencyMs: Q.summarize(latencies), cpuUsPerStatement: (raw.cpuMs * 1000) / raw.statements, loadAverage: [load0, P.loadAverage()[0]] };
        entry.ingest.rounds.push({ ours, raw: rawEntry });
        log(`  round ${round + 1}: HTTP ${fmtInt(ours.statementsPerSecond)}/s (p95 ${fmt(ours.latencyMs.p95, 0)} ms per POST), raw ${fmtInt(rawEntry.statementsPerSecond)}/s`);
      }
      entry.ingest.endCount = count();
      entry.ingest.ours = combineRounds(entry.ingest.rounds.map((r) => r.ours));
      entry.ingest.raw = combineRounds(entry.ingest.rounds.map((r) => r.raw));
      entry.ingest.ratio = entry.ingest.ours.statementsPerSecond / entry.ingest.raw.statementsPerSecond;
      result.sizes.push(entry);
    }
    run.phase('sqlite: final space');
    result.final = sqliteSpace(dbFile, reader, false);
  } finally {
    reader?.close();
    if (lrs) {
      run.memory.sample();
      result.memory = run.memory.summary('sqlite LRS');
      result.exitCode = await lrs.stop();
      run.memory.unwatch('sqlite LRS');
    }
    if (!options.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

function sqliteCheckpoint(dbFile) {
  const db = new Database(dbFile, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    return db.pragma('wal_checkpoint(TRUNCATE)')[0];
  } finally {
    db.close();
  }
}

/** File sizes after a checkpoint, per statement; with `dbstat`, the bytes of each table and index. */
function sqliteSpace(dbFile, reader, dbstat) {
  const checkpoint = sqliteCheckpoint(dbFile);
  const statements = reader.prepare('SELECT count(*) FROM statements').pluck().get();
  const space = {
    statements,
    checkpoint,
    dbBytes: fileSize(dbFile),
    walBytes: fileSize(`${dbFile}-wal`),
  };
  space.bytesPerStatement = (space.dbBytes + space.walBytes) / statements;
  // Average column sizes over the newest 10,000 rows (a rowid range: cheap at any size).
  space.columns = reader.prepare(
    `SELECT avg(length(body)) AS body, avg(length(views)) AS views, avg(length(fingerprint)) AS fingerprint,
            avg(length(id)) AS id, avg(length(credential)) AS credential
       FROM statements WHERE seq > (SELECT max(seq) FROM statements) - 10000`,
  ).get();
  if (dbstat) {
    const t0 = now();
    space.objects = reader.prepare("SELECT name, pgsize AS bytes FROM dbstat('main', 1) ORDER BY pgsize DESC").all()
      .filter((row) => row.bytes > 64 * 1024)
      .map((row) => ({ ...row, bytesPerStatement: row.bytes / statements }));
    space.viewRows = reader.prepare('SELECT count(*) FROM statement_views').pluck().get();
    space.dbstatSeconds = (now() - t0) / 1000;
  }
  return space;
}

function combineRounds(rounds) {
  const statements = rounds.reduce((n, r) => n + r.statements, 0);
  const seconds = rounds.reduce((n, r) => n + r.seconds, 0);
  return {
    statements,
    seconds,
    statementsPerSecond: statements / seconds,
    perRound: rounds.map((r) => r.statementsPerSecond),
    latencyMsP50: Math.max(...rounds.map((r) => r.latencyMs.p50)),
    latencyMsP95: Math.max(...rounds.map((r) => r.latencyMs.p95)),
    cpuUsPerStatement: rounds.reduce((n, r) => n + r.cpuUsPerStatement * r.statements, 0) / statements,
  };
}

// ---------------------------------------------------------------------------------------------
// MongoDB (FerretDB unless --mongo-uri)

async function benchMongo(run) {
  const { options } = run;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keiko-bench-mongo-'));
  const dbName = `keiko_bench_${randomBytes(4).toString('hex')}`;
  const result = { engine: 'mongo', directory: dir, sizes: [] };
  let ferret;
  let client;
  let lrs;
  try {
    let uri = options.mongoUri;
    if (!uri) {
      if (!fs.existsSync(options.ferretdb)) throw new Error(`FerretDB not found at ${options.ferretdb} (--ferretdb PATH, or --mongo-uri URI)`);
      run.phase('mongo: starting FerretDB');
      ferret = await P.startFerretDb({ binary: options.ferretdb, dir: path.join(dir, 'ferretdb'), logFile: path.join(dir, 'ferretdb.log') });
      run.cleanups.push(() => ferret.stop());
      run.memory.watch('FerretDB', ferret.pid);
      uri = ferret.uri;
    }
    client = await MongoClient.connect(uri);
    const db = client.db(dbName);
    const info = await db.admin().command({ buildInfo: 1 });
    result.server = info.ferretdbVersion
      ? { kind: 'FerretDB', version: String(info.ferretdbVersion), backend: 'SQLite', compatibleWith: `MongoDB ${info.version}` }
      : { kind: 'MongoDB', version: String(info.version) };
    run.phase(`mongo: starting the LRS on ${result.server.kind} ${result.server.version}`);
    lrs = await P.startLrs({ dataDir: path.join(dir, 'data'), admin: run.admin, mongodbUri: uri, mongodbDb: dbName, logFile: path.join(dir, 'lrs.log'), logLevel: options.logLevel });
    run.cleanups.push(() => lrs.stop());
    run.memory.watch('mongo LRS', lrs.pid);
    result.command = `PORT=${new URL(lrs.url).port} HOST=127.0.0.1 DATA_DIR=… MONGODB_URI=${uri} MONGODB_DB=${dbName} LRS_ADMIN_KEY=… LRS_ADMIN_SECRET=… node dist/main.js`;
    run.phase('mongo: warm-up');
    result.warmup = await run.httpIngest(lrs, { requests: options.mongoWarmupRequests });
    const authority = await run.authority(lrs);
    const statements = db.collection('statements');
    const rawCollection = db.collection('bench_raw_statements');
    await rawCollection.createIndexes(STATEMENT_INDEXES.map((index) => ({ ...index })));
    const pool = recordPool({ size: 5000, seed: 11, authority });
    const known = []; // samples for the query targets: the statements this process inserted
    let next = 0;
    const documents = (count, keep) => {
      const out = [];
      let stored = Date.now();
      for (let i = 0; i < count; i++) {
        if (i % 100 === 0) stored = Math.max(Date.now(), stored + 1);
        const entry = pool[next];
        next = (next + 1) % pool.length;
        const record = storedRecord(entry, run.admin.key, new Date(stored));
        if (keep) known.push({ statement: record.statement, stored });
        out.push(toDocument('bench-fill', record));
      }
      return out;
    };
    const insertAll = async (collection, count, keep) => {
      for (let done = 0; done < count; done += 1000) await collection.insertMany(documents(Math.min(1000, count - done), keep), { ordered: false });
    };

    for (const size of options.mongoSizes) {
      const entry = { size };
      run.phase(`mongo: growing to ${fmtSize(size)}`);
      const missing = size - (await statements.countDocuments({}));
      if (missing > 0) {
        const t0 = now();
        await insertAll(statements, missing, true);
        entry.fill = { via: 'driver insertMany of toDocument() documents, 1000 per call', statements: missing, seconds: (now() - t0) / 1000 };
      }
      run.phase(`mongo: space @${fmtSize(size)}`);
      entry.space = await mongoSpace(db, path.join(dir, 'ferretdb'), dbName);
      entry.stored = entry.space.statements;
      log(`  ${fmtInt(entry.stored)} statements, ${fmt(entry.space.bytesPerStatement, 0)} bytes each (dbStats)`);

      run.phase(`mongo: queries @${fmtSize(size)}`);
      const sample = () => {
        const { statement, stored } = known[Math.floor(Math.random() * known.length)];
        return Q.sampleOf(statement, stored);
      };
      const direct = new Q.MongoDirect(statements);
      const http = Q.httpClient(lrs.url, run.admin);
      try {
        entry.queries = await Q.runShapes({
          client: http,
          direct,
          sample,
          options: { queries: options.mongoQueries, pages: options.mongoPages, unfilteredMore: Math.min(options.unfilteredMore, options.mongoPages) },
          budgetSeconds: options.mongoQueryBudget,
          log,
        });
      } finally {
        http.close();
      }
      entry.plans = await Q.explainShapes({ direct, sample });
      for (const q of entry.queries) log(`  ${q.shape}: p95 ${fmt(q.http.p95)} ms over HTTP, ${fmt(q.direct.p95, 1)} ms direct (n=${q.http.n})`);

      run.phase(`mongo: ingest @${fmtSize(size)}`);
      entry.ingest = { startCount: await statements.countDocuments({}) };
      const ours = await run.httpIngest(lrs, { seconds: options.mongoIngestSeconds, seed: 3000 + size });
      // The raw collection holds as many statements as the LRS's did when its run began.
      const rawMissing = entry.ingest.startCount - (await rawCollection.countDocuments({}));
      if (rawMissing > 0) await insertAll(rawCollection, rawMissing, false);
      const load0 = P.loadAverage()[0];
      const raw = await mongoRaw(rawCollection, options, documents);
      entry.ingest.endCount = await statements.countDocuments({});
      entry.ingest.ours = { ...ours, latencyMsP50: ours.latencyMs.p50, latencyMsP95: ours.latencyMs.p95 };
      entry.ingest.raw = { ...raw, loadAverage: [load0, P.loadAverage()[0]] };
      entry.ingest.ratio = ours.statementsPerSecond / raw.statementsPerSecond;
      log(`  HTTP ${fmt(ours.statementsPerSecond, 1)}/s (p95 ${fmt(ours.latencyMs.p95, 0)} ms per POST), raw insertMany ${fmtInt(raw.statementsPerSecond)}/s`);
      result.sizes.push(entry);
    }
  } finally {
    if (lrs) {
      run.memory.sample();
      result.memory = run.memory.summary('mongo LRS');
      result.exitCode = await lrs.stop();
      run.memory.unwatch('mongo LRS');
    }
    if (ferret) result.ferretMemory = run.memory.summary('FerretDB');
    if (client) {
      await client.db(dbName).dropDatabase().catch(() => {});
      await client.close();
    }
    if (ferret) {
      await ferret.stop();
      run.memory.unwatch('FerretDB');
    }
    if (!options.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

/** insertMany(batch) of documents in the storage's layout from `connections` concurrent loops, for `mongoRawSeconds`. */
async function mongoRaw(collection, options, documents) {
  const latencies = [];
  let inserted = 0;
  const t0 = now();
  const end = t0 + options.mongoRawSeconds * 1000;
  const loop = async () => {
    while (now() < end) {
      const batch = documents(options.batch, false);
      const started = now();
      await collection.insertMany(batch, { ordered: false });
      latencies.push(now() - started);
      inserted += batch.length;
    }
  };
  await Promise.all(Array.from({ length: options.connections }, loop));
  const seconds = (now() - t0) / 1000;
  const latencyMs = Q.summarize(latencies);
  return { statements: inserted, seconds, statementsPerSecond: inserted / seconds, latencyMs, latencyMsP50: latencyMs.p50, latencyMsP95: latencyMs.p95 };
}

async function mongoSpace(db, ferretDir, dbName) {
  const stats = await db.stats();
  const collection = await db.command({ collStats: 'statements' }).catch(() => undefined);
  const statements = collection?.count ?? (await db.collection('statements').countDocuments({}));
  let fileBytes;
  try {
    fileBytes = fs.readdirSync(ferretDir).filter((name) => name.startsWith(dbName)).reduce((n, name) => n + fileSize(path.join(ferretDir, name)), 0);
  } catch {
    fileBytes = undefined;
  }
  const statementsBytes = collection ? (collection.storageSize ?? collection.size) + (collection.totalIndexSize ?? 0) : undefined;
  return {
    statements,
    dataSize: stats.dataSize,
    storageSize: stats.storageSize,
    indexSize: stats.indexSize,
    collection: collection && { size: collection.size, storageSize: collection.storageSize, totalIndexSize: collection.totalIndexSize, avgObjSize: collection.avgObjSize },
    fileBytes,
    bytesPerStatement: (statementsBytes ?? stats.storageSize + stats.indexSize) / statements,
  };
}

// ---------------------------------------------------------------------------------------------
// Report

const GOALS = {
  ingestRate: 3000,
  ingestRatio: 0.5,
  growth: 0.9,
  p95Ms: 20,
  p95Growth: 1.5,
  rssMiB: 512,
};

function report(results) {
  const { options } = results;
  const out = [];
  const m = results.machine;
  const engines = results.engines;
  const sqlite = engines.find((e) => e.engine === 'sqlite');
  const mongo = engines.find((e) => e.engine === 'mongo');
  out.push('Keiko LRS benchmark');
  out.push('===================');
  out.push(`Machine:  ${m.cpuModel}, ${m.cores} cores, ${m.ramGiB} GiB RAM, ${m.platform}; Node ${m.node}`);
  out.push(`Load:     load average ${results.loadAverage.start.join(' / ')} at start, ${results.loadAverage.end.join(' / ')} at end (1/5/15 min; ${m.cores} cores: above ${m.cores} other processes compete)`);
  if (sqlite) out.push(`SQLite:   ${sqlite.sqliteVersion} (better-sqlite3), WAL, synchronous=FULL; LRS: ${sqlite.command}`);
  if (mongo?.server) out.push(`MongoDB:  ${mongo.server.kind} ${mongo.server.version}${mongo.server.backend ? ` (${mongo.server.backend} backend, wire-compatible with ${mongo.server.compatibleWith})` : ''}; LRS: ${mongo.command}`);
  out.push(`Run:      ${fmt(results.totalSeconds / 60, 1)} min; ${options.connections} connections, ${options.batch} statements per POST; LRS log level ${options.logLevel ?? 'info (default)'}, to a file`);

  // 1. Ingest
  out.push('');
  out.push(`1. Ingest: POST /xapi/statements, ${options.batch} per request, ${options.connections} connections, vs raw inserts of the same rows into the same engine`);
  const ingestRows = [];
  for (const e of engines) {
    for (const s of e.sizes) {
      if (!s.ingest) continue;
      const label = e.engine === 'sqlite' ? 'SQLite' : mongo.server?.kind ?? 'MongoDB';
      ingestRows.push([
        label,
        `${fmtSize(s.ingest.startCount)}→${fmtSize(s.ingest.endCount)}`,
        fmtInt(s.ingest.ours.statements),
        e.engine === 'sqlite' ? fmtInt(s.ingest.ours.statementsPerSecond) : fmt(s.ingest.ours.statementsPerSecond, 1),
        fmtInt(s.ingest.raw.statementsPerSecond),
        pct(s.ingest.ratio),
        `${fmt(s.ingest.ours.latencyMsP50, 0)} / ${fmt(s.ingest.ours.latencyMsP95, 0)}`,
        `${fmt(s.ingest.raw.latencyMsP50, 1)} / ${fmt(s.ingest.raw.latencyMsP95, 1)}`,
        e.engine === 'sqlite' ? `${fmt(s.ingest.ours.cpuUsPerStatement, 0)} / ${fmt(s.ingest.raw.cpuUsPerStatement, 0)}` : `${fmt(s.ingest.ours.cpuUsPerStatement, 0)} / -`,
        e.engine === 'sqlite' ? s.ingest.ours.perRound.map((x) => fmtInt(x)).join(', ') : '',
      ]);
    }
  }
  out.push(table(['engine', 'stored', 'posted', 'LRS st/s', 'raw st/s', 'LRS/raw', 'LRS ms/POST p50/p95', 'raw ms/batch p50/p95', 'CPU µs/st LRS/raw', 'LRS st/s per round'], ingestRows));
  out.push('   raw: SQLite = prepared INSERTs (statements row + statement_views rows), one transaction per batch, one writer, into a copy of the LRS database;');
  out.push(`        MongoDB = insertMany(${options.batch}) of toDocument() documents from ${options.connections} loops into a collection with the same indexes.`);
  out.push('   CPU µs/st: CPU time of the LRS process (all its threads) / of the raw writer, per statement stored: less sensitive to other load than rates.');

  // 2. Growth
  out.push('');
  out.push('2. Growth: ingest rate at the largest size vs the smallest');
  for (const e of engines) {
    const withIngest = e.sizes.filter((s) => s.ingest);
    if (withIngest.length < 2) continue;
    const first = withIngest[0];
    const last = withIngest[withIngest.length - 1];
    const ratio = last.ingest.ours.statementsPerSecond / first.ingest.ours.statementsPerSecond;
    const rawRatio = last.ingest.raw.statementsPerSecond / first.ingest.raw.statementsPerSecond;
    const cpuRatio = last.ingest.ours.cpuUsPerStatement / first.ingest.ours.cpuUsPerStatement;
    out.push(`   ${e.engine === 'sqlite' ? 'SQLite' : mongo.server?.kind}: ${fmt(first.ingest.ours.statementsPerSecond, 1)}/s at ${fmtSize(first.size)} → ${fmt(last.ingest.ours.statementsPerSecond, 1)}/s at ${fmtSize(last.size)}: ${pct(ratio)}` +
      ` (raw: ${pct(rawRatio)}; LRS CPU per statement ×${fmt(cpuRatio, 2)})`);
  }

  // 3. Queries
  out.push('');
  out.push('3. GET /xapi/statements, limit=100: ms per page, over HTTP (whole body received) vs the same indexed query run directly on the engine');
  for (const e of engines) {
    for (const s of e.sizes) {
      if (!s.queries) continue;
      out.push('');
      out.push(`   ${e.engine === 'sqlite' ? 'SQLite' : mongo.server?.kind} @ ${fmtInt(s.stored)} statements`);
      out.push(table(['   shape', 'n', 'HTTP p50', 'HTTP p95', 'HTTP max', 'direct p50', 'direct p95', 'rows/query p50', 'same ids', 'example target'], s.queries.map((q) => [
        `   ${q.shape}`, q.http.n, fmt(q.http.p50), fmt(q.http.p95), fmt(q.http.max), fmt(q.direct.p50, 2), fmt(q.direct.p95, 2), fmtInt(q.rowsPerWalk.p50),
        q.mismatches === 0 ? 'yes' : `NO (${q.mismatches})`, q.exampleTarget.slice(0, 60),
      ])));
      const unfiltered = s.queries.find((q) => q.httpFirstPage);
      if (unfiltered) out.push(`   (unfiltered first page, not in the row above: HTTP p95 ${fmt(unfiltered.httpFirstPage.p95)} ms, direct p95 ${fmt(unfiltered.directFirstPage.p95, 2)} ms)`);
    }
  }
  if (sqlite && sqlite.sizes.length >= 2) {
    const first = sqlite.sizes[0];
    const last = sqlite.sizes[sqlite.sizes.length - 1];
    out.push('');
    out.push(`   SQLite p95 at ${fmtSize(last.size)} vs ${fmtSize(first.size)} (goals: ≤ ${GOALS.p95Ms} ms, ≤ ${GOALS.p95Growth}× the small size's):`);
    out.push(table(['   shape', `HTTP p95 @${fmtSize(first.size)}`, `HTTP p95 @${fmtSize(last.size)}`, 'ratio', `direct p95 @${fmtSize(first.size)}`, `direct p95 @${fmtSize(last.size)}`, '≤ 20 ms', '≤ 1.5×'],
      last.queries.map((q, i) => {
        const small = first.queries[i];
        const ratio = q.http.p95 / small.http.p95;
        return [`   ${q.shape}`, fmt(small.http.p95), fmt(q.http.p95), fmt(ratio, 2), fmt(small.direct.p95, 2), fmt(q.direct.p95, 2), q.http.p95 <= GOALS.p95Ms ? 'met' : 'MISSED', ratio <= GOALS.p95Growth ? 'met' : 'MISSED'];
      })));
  }

  // 4. Memory and space
  out.push('');
  out.push(`4. Memory (RSS of the LRS process, sampled every 250 ms for the whole run; goal ≤ ${GOALS.rssMiB} MiB) and space`);
  for (const e of engines) {
    if (!e.memory) continue;
    const name = e.engine === 'sqlite' ? 'SQLite' : mongo.server?.kind;
    out.push(`   ${name} LRS: max sampled RSS ${mib(e.memory.maxRss)} MiB, peak (VmHWM) ${mib(e.memory.peakRss)} MiB over ${e.memory.samples} samples; by phase: ` +
      e.memory.phases.map((p) => `${p.phase.replace(/^\w+: /, '')} ${mib(p.maxRss)}`).join(', '));
    if (e.ferretMemory) out.push(`   FerretDB process (not the LRS): max RSS ${mib(e.ferretMemory.maxRss)} MiB`);
  }
  for (const e of engines) {
    for (const s of e.sizes) {
      if (!s.space) continue;
      if (e.engine === 'sqlite') {
        out.push(`   SQLite @ ${fmtInt(s.space.statements)}: ${fmt(s.space.bytesPerStatement, 0)} bytes per statement (db ${mib(s.space.dbBytes)} MiB + WAL ${mib(s.space.walBytes)} MiB after wal_checkpoint(TRUNCATE))` +
          `; average column bytes: body ${fmt(s.space.columns.body, 0)}, views ${fmt(s.space.columns.views, 0)}, fingerprint ${fmt(s.space.columns.fingerprint, 0)}` +
          (s.space.objects ? `; by table/index: ${s.space.objects.map((o) => `${o.name} ${fmt(o.bytesPerStatement, 0)}`).join(', ')}; ${fmt(s.space.viewRows / s.space.statements, 1)} statement_views rows per statement` : ''));
      } else {
        out.push(`   ${mongo.server?.kind} @ ${fmtInt(s.space.statements)}: ${fmt(s.space.bytesPerStatement, 0)} bytes per statement (collStats storage + indexes; dbStats dataSize ${mib(s.space.dataSize)} MiB, indexSize ${mib(s.space.indexSize)} MiB` +
          `${s.space.fileBytes ? `, FerretDB's SQLite file ${mib(s.space.fileBytes)} MiB for the whole database` : ''})`);
      }
    }
  }
  if (sqlite?.final) out.push(`   SQLite at the end: ${fmtInt(sqlite.final.statements)} statements, ${fmt(sqlite.final.bytesPerStatement, 0)} bytes per statement`);

  // 5. Plans
  out.push('');
  out.push('5. Query plans (the first page of one target per shape, at the largest size)');
  for (const e of engines) {
    const s = e.sizes[e.sizes.length - 1];
    if (!s?.plans) continue;
    out.push(`   ${e.engine === 'sqlite' ? 'SQLite EXPLAIN QUERY PLAN' : `${mongo.server?.kind} explain()`}:`);
    for (const p of s.plans) {
      if (e.engine === 'sqlite') {
        out.push(`     ${p.shape}:`);
        for (const line of p.first) out.push(`       ${line}`);
        if (p.more && JSON.stringify(p.more) !== JSON.stringify(p.first)) {
          out.push('       (`more` page:)');
          for (const line of p.more) out.push(`       ${line}`);
        }
      } else {
        out.push(`     ${p.shape}: ${p.plan.join('; ')}`);
      }
    }
    if (e.engine === 'sqlite') {
      const small = e.sizes[0];
      const differ = small?.plans?.filter((p, i) => JSON.stringify(p.first) !== JSON.stringify(s.plans[i].first)).map((p) => p.shape) ?? [];
      out.push(`     (plans at ${fmtSize(small.size)}: ${differ.length === 0 ? 'the same' : `differ for ${differ.join(', ')}`})`);
    }
  }

  // Goals
  out.push('');
  out.push('Goals (SQLite, this machine):');
  for (const goal of goals(results)) out.push(`   ${goal.met ? 'met   ' : 'MISSED'}  ${goal.text}`);
  return out.join('\n');
}

function goals(results) {
  const sqlite = results.engines.find((e) => e.engine === 'sqlite');
  const list = [];
  if (!sqlite) return list;
  const withIngest = sqlite.sizes.filter((s) => s.ingest);
  for (const s of withIngest) {
    list.push({ met: s.ingest.ours.statementsPerSecond >= GOALS.ingestRate, text: `ingest ≥ ${fmtInt(GOALS.ingestRate)} statements/s @${fmtSize(s.size)}: ${fmtInt(s.ingest.ours.statementsPerSecond)}/s` });
    list.push({ met: s.ingest.ratio >= GOALS.ingestRatio, text: `ingest ≥ 50% of raw @${fmtSize(s.size)}: ${pct(s.ingest.ratio)} (${fmtInt(s.ingest.ours.statementsPerSecond)} vs ${fmtInt(s.ingest.raw.statementsPerSecond)}/s)` });
  }
  if (withIngest.length >= 2) {
    const first = withIngest[0];
    const last = withIngest[withIngest.length - 1];
    const ratio = last.ingest.ours.statementsPerSecond / first.ingest.ours.statementsPerSecond;
    list.push({ met: ratio >= GOALS.growth, text: `ingest rate @${fmtSize(last.size)} ≥ 90% of @${fmtSize(first.size)}: ${pct(ratio)}` });
  }
  const last = sqlite.sizes[sqlite.sizes.length - 1];
  const first = sqlite.sizes[0];
  if (last?.queries) {
    const slow = last.queries.filter((q) => !(q.http.p95 <= GOALS.p95Ms));
    list.push({ met: slow.length === 0, text: `GET p95 ≤ ${GOALS.p95Ms} ms per page @${fmtSize(last.size)} for every shape${slow.length ? `: missed by ${slow.map((q) => `${q.shape} ${fmt(q.http.p95)} ms`).join(', ')}` : `: worst ${fmt(Math.max(...last.queries.map((q) => q.http.p95)))} ms`}` });
    if (first !== last && first?.queries) {
      const grown = last.queries.filter((q, i) => !(q.http.p95 <= GOALS.p95Growth * first.queries[i].http.p95));
      list.push({ met: grown.length === 0, text: `GET p95 @${fmtSize(last.size)} ≤ 1.5 × p95 @${fmtSize(first.size)} for every shape${grown.length ? `: missed by ${grown.map((q) => `${q.shape} ×${fmt(q.http.p95 / first.queries.find((f) => f.shape === q.shape).http.p95, 2)}`).join(', ')}` : ''}` });
    }
  }
  if (sqlite.memory) list.push({ met: sqlite.memory.peakRss <= GOALS.rssMiB * 2 ** 20, text: `LRS RSS ≤ ${GOALS.rssMiB} MiB: peak ${mib(sqlite.memory.peakRss)} MiB` });
  return list;
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const run = new Run(options);
  const results = { options, machine: P.machine(), startedAt: new Date().toISOString(), loadAverage: { start: P.loadAverage() }, engines: [] };
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) return;
    interrupted = true;
    log('interrupted; stopping what this run started');
    Promise.allSettled(run.cleanups.map((cleanup) => cleanup())).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  log(`machine: ${results.machine.cpuModel}, ${results.machine.cores} cores, ${results.machine.ramGiB} GiB, Node ${results.machine.node}`);
  try {
    for (const engine of options.engines) {
      results.engines.push(engine === 'sqlite' ? await benchSqlite(run) : await benchMongo(run));
    }
  } finally {
    run.memory.stop();
  }
  results.totalSeconds = (now() - startedAt) / 1000;
  results.loadAverage.end = P.loadAverage();
  results.phases = run.phases;
  results.goals = goals(results);
  if (options.out) {
    fs.mkdirSync(path.dirname(path.resolve(options.out)), { recursive: true });
    fs.writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
    log(`results written to ${options.out}`);
  }
  console.log(report(results));
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
