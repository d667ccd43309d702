'use strict';
/**
 * Ingest throughput with an xAPI Profile enforced in reject mode, against the same LRS with the
 * profile's mode `off` as the baseline, in the same run: `npm run build && node bench/profile-ingest.js`.
 *
 * The LRS runs as users start it (dist/main.js, SQLite in a temporary DATA_DIR); the profiles its
 * plugins register at start are set to `off`, so the baseline enforces nothing. A profile of 60
 * Statement Templates is uploaded (bench/profile-ingest.js builds it: one template per verb the
 * bench's statements use, each with seven rules, among them `any`/`all`/`none` and a `|`
 * alternative, plus 40 templates for verbs they never use, whose determining properties are checked
 * anyway). Every generated statement (bench/statements.js) claims the profile's version in
 * contextActivities.category, so each is a subject of the profile and is checked against it; all of
 * them conform, so reject mode refuses none and both sides store the same statements. Rounds
 * alternate the modes (off, reject, off, reject, ...) so that changes in the machine's load hit both.
 * Then the enforcement alone is timed in this process (CPU per statement), which on a loaded
 * machine says more than the rates: reject / off ≈ off's CPU per statement / (that + this).
 *
 *   --statements N     statements per round and mode (default 20000)
 *   --rounds N         rounds of (off, reject) (default 3)
 *   --batch N          statements per POST (default 100)
 *   --connections N    concurrent POST connections (default 4)
 *   --warm-up N        POSTs before anything is measured, in reject mode (default 30)
 *   --out FILE         also write every figure as JSON
 *   --keep             keep the temporary directory (database, log)
 */
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const P = require('./processes');
const Q = require('./queries');
const { VERBS, COURSE_COUNT, courseId } = require('./statements');

const PROFILE = 'http://example.org/profiles/keiko-bench';
/** The category every bench statement carries (bench/statements.js): the profile's version, so each statement is a subject. */
const VERSION = 'http://example.org/profiles/keiko';
const UNUSED_VERBS = 40;

function parseArgs(argv) {
  const options = { statements: 20_000, rounds: 3, batch: 100, connections: 4, warmUp: 30, out: undefined, keep: false };
  const int = (name, value) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number <= 0) throw new Error(`${name} must be a positive integer, got "${value}"`);
    return number;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--statements': options.statements = int(flag, value()); break;
      case '--rounds': options.rounds = int(flag, value()); break;
      case '--batch': options.batch = int(flag, value()); break;
      case '--connections': options.connections = int(flag, value()); break;
      case '--warm-up': options.warmUp = int(flag, value()); break;
      case '--out': options.out = value(); break;
      case '--keep': options.keep = true; break;
      case '--help': case '-h': {
        const lines = fs.readFileSync(__filename, 'utf8').split('\n');
        console.log(lines.slice(2, lines.indexOf(' */')).join('\n'));
        process.exit(0);
        break;
      }
      default: throw new Error(`Unknown option ${argv[i]} (see --help)`);
    }
  }
  return options;
}

/** The bench profile: a template per verb of bench/statements.js, and templates for verbs never sent. */
function benchProfile() {
  const concept = (id, type, label) => ({ id, type, inScheme: VERSION, prefLabel: { en: label }, definition: { en: `${label} (bench)` } });
  const verbs = [...VERBS.map((verb) => verb.id), ...Array.from({ length: UNUSED_VERBS }, (_, i) => `http://example.org/verbs/unused-${i}`)];
  const courses = Array.from({ length: COURSE_COUNT }, (_, course) => courseId(course));
  const templates = verbs.map((verb, index) => ({
    id: `${PROFILE}/templates/${index}`,
    type: 'StatementTemplate',
    inScheme: VERSION,
    prefLabel: { en: `Template ${index}` },
    definition: { en: `Statements with the verb ${verb}.` },
    verb,
    rules: [
      { location: '$.context.contextActivities.category[*].id', presence: 'included', any: [VERSION] },
      { location: '$.actor.mbox', presence: 'included' },
      { location: '$.actor.objectType', none: ['Group'] },
      { location: '$.context.registration', presence: 'included' },
      { location: '$.context.contextActivities.parent[*].id', presence: 'included', any: courses },
      { location: '$.context.platform', presence: 'included', all: ['Keiko benchmark'] },
      { location: '$.result.score.scaled | $.result.success', presence: 'recommended' },
    ],
  }));
  return {
    '@context': 'https://w3id.org/xapi/profiles/context',
    id: PROFILE,
    type: 'Profile',
    conformsTo: 'https://w3id.org/xapi/profiles#1.0',
    prefLabel: { en: 'Keiko bench profile' },
    definition: { en: 'The statements of bench/statements.js, one template per verb.' },
    versions: [{ id: VERSION, generatedAtTime: '2026-12-01T00:00:00Z' }],
    author: { type: 'Organization', name: 'Keiko bench' },
    concepts: verbs.map((verb, index) => concept(verb, 'Verb', `verb ${index}`)),
    templates,
    patterns: [
      {
        id: `${PROFILE}/patterns/any`,
        type: 'Pattern',
        inScheme: VERSION,
        primary: true,
        prefLabel: { en: 'Any statements' },
        definition: { en: 'Any number of the profile statements, so pattern tracking has work too.' },
        zeroOrMore: `${PROFILE}/patterns/one`,
      },
      {
        id: `${PROFILE}/patterns/one`,
        type: 'Pattern',
        inScheme: VERSION,
        prefLabel: { en: 'One statement' },
        definition: { en: 'One statement of any template.' },
        alternates: templates.slice(0, VERBS.length).map((template) => template.id),
      },
    ],
  };
}

async function adminRequest(lrs, admin, method, route, body) {
  const response = await fetch(`${lrs.url}${route}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from(`${admin.key}:${admin.secret}`).toString('base64')}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text.slice(0, 500)}`);
  return JSON.parse(text);
}

async function ingest(lrs, admin, options, requests, seed) {
  const cpu0 = P.cpuTimeOf(lrs.pid);
  const result = await P.runChild('load.js', {
    url: lrs.url,
    path: '/xapi/statements',
    connections: options.connections,
    batchSize: options.batch,
    requests,
    seed,
    headers: {
      authorization: `Basic ${Buffer.from(`${admin.key}:${admin.secret}`).toString('base64')}`,
      'x-experience-api-version': '1.0.3',
      'content-type': 'application/json',
    },
  });
  const cpuMs = P.cpuTimeOf(lrs.pid) - cpu0;
  if (result.ok !== result.requests) {
    throw new Error(`${result.requests - result.ok} of ${result.requests} POSTs failed: ${JSON.stringify(result.statusCounts)} ${result.errorSample ?? ''}`);
  }
  const { latencies, ...rest } = result;
  return { ...rest, statementsPerSecond: result.statements / result.seconds, latencyMs: Q.summarize(latencies), cpuUsPerStatement: (cpuMs * 1000) / result.statements };
}

function combine(rounds) {
  const statements = rounds.reduce((sum, round) => sum + round.statements, 0);
  const seconds = rounds.reduce((sum, round) => sum + round.seconds, 0);
  const cpuUs = rounds.reduce((sum, round) => sum + round.cpuUsPerStatement * round.statements, 0);
  return { statements, seconds, statementsPerSecond: statements / seconds, cpuUsPerStatement: cpuUs / statements };
}

/**
 * The enforcement alone, in this process: the CPU time ProfileEnforcement.checkBatch takes per
 * statement on the same statements in batches of `batch`, the profile in reject mode (the registry
 * on a SQLite collection store of its own; no statement needs a look-up). Taken after a warm-up.
 */
async function enforcementAlone(options) {
  const pino = require('pino');
  const { openSqliteDatabase } = require('../dist/db/sqlite/database');
  const { SqliteCollectionStore } = require('../dist/storage/collections/sqlite-collection-store');
  const { createProfileService } = require('../dist/profiles');
  const { makeStatement, seededRandom } = require('./statements');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keiko-bench-enforcement-'));
  const db = openSqliteDatabase(path.join(dir, 'keiko-lrs.db'));
  try {
    const service = createProfileService({ collections: new SqliteCollectionStore(db), statements: { getById: async () => undefined }, logger: pino({ level: 'silent' }) });
    await service.registry.upload(benchProfile());
    await service.registry.setMode(PROFILE, 'reject');
    const random = seededRandom(42);
    const batches = Array.from({ length: Math.ceil(options.statements / options.batch) }, () =>
      Array.from({ length: options.batch }, () => {
        const id = require('node:crypto').randomUUID();
        return { id, statement: { ...makeStatement({ random }).statement, id } };
      }),
    );
    const run = async () => {
      const cpu0 = process.cpuUsage();
      for (const batch of batches) {
        const checked = service.enforcement.checkBatch(batch, 'bench');
        if (checked instanceof Promise) await checked;
      }
      const cpu = process.cpuUsage(cpu0);
      return (cpu.user + cpu.system) / (batches.length * options.batch);
    };
    await run();
    const runs = [await run(), await run(), await run()];
    return { cpuUsPerStatement: runs.sort((a, b) => a - b)[1], runs };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keiko-bench-profiles-'));
  const admin = { key: 'bench-admin', secret: randomBytes(18).toString('base64url') };
  let lrs;
  try {
    lrs = await P.startLrs({ dataDir: path.join(dir, 'data'), admin, logFile: path.join(dir, 'lrs.log'), logLevel: 'warn' });
    // The profiles the plugins register at start are set off: the baseline is an LRS enforcing nothing.
    const registered = await adminRequest(lrs, admin, 'GET', '/admin/profiles');
    for (const { id } of registered.profiles) await adminRequest(lrs, admin, 'PUT', '/admin/profiles/mode', { profile: id, mode: 'off' });
    const profile = benchProfile();
    const uploaded = await adminRequest(lrs, admin, 'POST', '/admin/profiles', profile);
    process.stderr.write(`profile ${uploaded.id} (${profile.templates.length} templates) uploaded\n`);
    const setMode = (mode) => adminRequest(lrs, admin, 'PUT', '/admin/profiles/mode', { profile: PROFILE, mode });

    await setMode('reject');
    await ingest(lrs, admin, options, options.warmUp, 1);
    const requests = Math.ceil(options.statements / options.batch);
    const rounds = [];
    for (let round = 0; round < options.rounds; round++) {
      await setMode('off');
      const off = await ingest(lrs, admin, options, requests, 100 + round);
      await setMode('reject');
      const reject = await ingest(lrs, admin, options, requests, 200 + round);
      rounds.push({ off, reject });
      process.stderr.write(`round ${round + 1}: off ${Math.round(off.statementsPerSecond)}/s, reject ${Math.round(reject.statementsPerSecond)}/s\n`);
    }
    const off = combine(rounds.map((round) => round.off));
    const reject = combine(rounds.map((round) => round.reject));
    const result = { machine: P.machine(), options, templates: profile.templates.length, rounds, off, reject, ratio: reject.statementsPerSecond / off.statementsPerSecond };

    const row = (mode, side, all) => [
      mode,
      Math.round(side.statementsPerSecond).toLocaleString('en-US'),
      side.cpuUsPerStatement.toFixed(1),
      ...['p50', 'p95', 'max'].map((p) => (all.reduce((sum, round) => sum + round.latencyMs[p], 0) / all.length).toFixed(1)),
    ];
    const table = [
      ['mode', 'statements/s', 'CPU µs/statement', 'p50 ms/POST', 'p95', 'max'],
      row('off (baseline)', off, rounds.map((round) => round.off)),
      row('reject', reject, rounds.map((round) => round.reject)),
    ];
    const widths = table[0].map((_, i) => Math.max(...table.map((line) => String(line[i]).length)));
    console.log(`xAPI Profile enforcement on ingest: ${result.machine.cpuModel}, ${result.machine.cores} cores, node ${result.machine.node}, SQLite`);
    console.log(`${options.rounds} rounds × ${options.statements} statements per mode, ${options.batch} per POST, ${options.connections} connections, ${profile.templates.length} templates\n`);
    for (const line of table) console.log(line.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  '));
    result.cpuRatio = off.cpuUsPerStatement / reject.cpuUsPerStatement;
    const pairRatios = rounds.map((round) => round.reject.statementsPerSecond / round.off.statementsPerSecond).sort((a, b) => a - b);
    result.medianRoundRatio = pairRatios[Math.floor(pairRatios.length / 2)];
    result.enforcementAlone = await enforcementAlone(options);
    result.estimatedRatio = off.cpuUsPerStatement / (off.cpuUsPerStatement + result.enforcementAlone.cpuUsPerStatement);
    console.log(`\nreject / off, statements per second: ${(result.ratio * 100).toFixed(1)}% (goal ≥ 90%)`);
    // On a shared machine the rates move with its load; the LRS's CPU time per statement much less.
    console.log(`reject / off, median of the rounds' ratios: ${(result.medianRoundRatio * 100).toFixed(1)}%`);
    console.log(`reject / off, by the LRS's CPU time per statement: ${(result.cpuRatio * 100).toFixed(1)}% (load average ${P.loadAverage().join(' ')})`);
    console.log(
      `the enforcement alone (in this process): ${result.enforcementAlone.cpuUsPerStatement.toFixed(1)} µs CPU per statement, ` +
        `so reject / off ≈ ${(result.estimatedRatio * 100).toFixed(1)}% of the LRS's ${off.cpuUsPerStatement.toFixed(0)} µs per statement in mode off`,
    );
    if (options.out) fs.writeFileSync(options.out, JSON.stringify(result, null, 2));
  } finally {
    await lrs?.stop();
    if (!options.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

module.exports = { benchProfile };
