/**
 * Reputation fraud-scan benchmark, end to end on SQLite: `npx tsx bench/reputation-fraud-scan.ts [options]`
 * (issue 12 goal: a full ring scan over 1M ratings in < 60 s on 2 cores). bench/reputation-fraud.ts
 * times the detectors over facts in memory; this one times the `fraud-scan` job as it runs, reading
 * every rating through the ledger's `ratings` store and the raters' first-seen times from `agents`.
 *
 * Feeding a million ratings through ReputationLedger.apply takes hours, so the plugin's derived
 * stores are filled directly (not timed) on the fill's own connection (synchronous=OFF; batches in
 * one transaction each, CollectionDump.restore): one `ratings` document per rating of the seeded
 * synthetic population (src/plugins/reputation/fraud/synthetic.ts) in the shape the ledger writes
 * (a peer rating whose pair shared the session: counted, revealed when stored, no penalty), and one
 * `agents` document per person (first seen). Then the LRS's services start on the file with the
 * reputation plugin (which declares, hence builds, the stores' indexes), and in the same run:
 *
 *   1. baseline: every `ratings` document in id order with the collection's own `find`, pages of
 *      1000 along the statementId index (what ReputationLedger.ratingsAfter asks), nothing parsed
 *      beyond what find does; beside it the primary-key walk of the dump API (documentsAfter);
 *   2. the `fraud-scan` job itself (services.plugins → reputation → jobs), which also records the
 *      flagged statements of at most MAX_FLAGS_PER_RUN signals;
 *   3. the split: the read as the scan does it (ratingsAfter pages, then firstSeen per 1000 raters),
 *      and FraudFlags.scan() on the same stores again, its checkpoint cleared and every signal taken
 *      as already recorded (nothing raised): read + detect; detect = that − the read;
 *   4. the baseline again, after the scans (SQLite's and the OS's page caches warm).
 *
 * Each row: wall time, CPU time of the process (process.cpuUsage, all threads), load average.
 *
 *   --ratings N   ratings of the population (default 1000000)
 *   --seed N      population seed (default 12)
 *   --out FILE    also write every figure as JSON
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { createServices } from '../src/app';
import { databasePath, openSqliteDatabase } from '../src/db/sqlite/database';
import type { PluginStatements } from '../src/plugin-api';
import { loadPlugins } from '../src/platform/plugins/load';
import type { AgentKey } from '../src/plugins/reputation/model';
import { FRAUD_SCAN_JOB, FraudFlags } from '../src/plugins/reputation/fraud';
import type { RatingFact } from '../src/plugins/reputation/fraud/detectors';
import { syntheticPopulation } from '../src/plugins/reputation/fraud/synthetic';
import { caseIdOf, LEDGER_STORES, ReputationLedger } from '../src/plugins/reputation/ratings';
import type { StoredAgent, StoredRating } from '../src/plugins/reputation/ratings/stores';
import type { Collection, StoredDocument } from '../src/storage/collections/collection-store';
import { SqliteCollectionStore } from '../src/storage/collections/sqlite-collection-store';
import { SqliteBackend } from '../src/storage/sqlite-backend';
import { progress, round } from './passport-support';

const OWNER = 'reputation';
const PAGE = 1000;
const FILL_BATCH = 20_000;
const PUBLIC_URL = 'http://127.0.0.1/';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
}

const nameOf = (key: AgentKey) => key.slice(key.lastIndexOf('|') + 1);

/** The document the ledger writes for a peer rating of a pair that shared the session (case.ts: counted, revealed when stored). */
function storedRating(fact: RatingFact): StoredRating {
  return {
    rater: fact.rater,
    ratee: fact.ratee,
    raterName: nameOf(fact.rater),
    rateeName: nameOf(fact.ratee),
    session: fact.session,
    caseId: caseIdOf(fact.session, fact.rater, fact.ratee),
    score: fact.score as StoredRating['score'],
    raterRole: 'peer',
    rateeRole: 'peer',
    storedSec: fact.storedSec,
    statementId: fact.id,
    state: 'counted',
    revealAtSec: fact.storedSec,
    penaltyPercent: 100,
  };
}

/** Each person's first-seen second: a rater's own (their first attendance), else their first rating received. */
function firstSeenOf(ratings: RatingFact[]): Map<AgentKey, number> {
  const seen = new Map<AgentKey, number>();
  const keep = (key: AgentKey, sec: number) => seen.set(key, Math.min(seen.get(key) ?? sec, sec));
  for (const rating of ratings) {
    keep(rating.rater, rating.raterFirstSeenSec);
    keep(rating.ratee, rating.storedSec);
  }
  return seen;
}

/** Fills `ratings` and `agents` on the fill's own connection (no indexes yet: the plugin's declaration builds them). */
async function fill(dataDir: string, ratings: RatingFact[]): Promise<{ ratings: number; agents: number }> {
  const db = openSqliteDatabase(databasePath(dataDir));
  db.pragma('synchronous = OFF'); // the fill only
  const store = new SqliteCollectionStore(db);
  const write = async <T extends object>(name: string, documents: Array<StoredDocument<T>>) => {
    for (let start = 0; start < documents.length; start += FILL_BATCH) {
      await store.restore(OWNER, name, documents.slice(start, start + FILL_BATCH) as unknown as Array<StoredDocument<Record<string, unknown>>>);
      if ((start / FILL_BATCH) % 10 === 0) progress(`${name}: ${start} / ${documents.length}`);
    }
  };
  await write('ratings', ratings.map((fact) => ({ id: fact.id, revision: 1, value: storedRating(fact) })));
  const agents = [...firstSeenOf(ratings)].map(([key, firstSeenSec]): StoredDocument<StoredAgent> => ({ id: key, revision: 1, value: { firstSeenSec } }));
  await write('agents', agents);
  db.close();
  return { ratings: ratings.length, agents: agents.length };
}

interface Row {
  pass: string;
  wallS: number;
  cpuS: number;
  load: string;
  detail: string;
}

async function measured(pass: string, run: () => Promise<string>): Promise<Row> {
  progress(pass);
  global.gc?.();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const detail = await run();
  const wallS = round((performance.now() - started) / 1000, 2);
  const used = process.cpuUsage(cpu);
  return { pass, wallS, cpuS: round((used.user + used.system) / 1e6, 2), load: os.loadavg().map((load) => load.toFixed(1)).join(' '), detail };
}

/** Every document of the collection, pages of PAGE along the statementId index: ReputationLedger.ratingsAfter's query. */
async function findEveryPage(ratings: Collection<StoredRating>): Promise<string> {
  let documents = 0;
  for (let after: string | undefined; ; ) {
    const page = await ratings.find({ where: after === undefined ? {} : { statementId: { gt: after } }, orderBy: [{ field: 'statementId' }], limit: PAGE });
    documents += page.length;
    if (page.length < PAGE) return `${documents} documents`;
    after = page[page.length - 1]!.value.statementId;
  }
}

/** Every document by the primary key (the dump API). */
async function primaryKeyWalk(store: SqliteCollectionStore): Promise<string> {
  let documents = 0;
  for (let after: string | undefined; ; ) {
    const page = await store.documentsAfter(OWNER, 'ratings', after, PAGE, Number.MAX_SAFE_INTEGER);
    documents += page.length;
    if (page.length < PAGE) return `${documents} documents`;
    after = page[page.length - 1]!.id;
  }
}

/** The scan's read alone: ratingsAfter pages, then firstSeen per PAGE distinct raters. */
async function ledgerRead(ledger: ReputationLedger): Promise<string> {
  const raters = new Set<AgentKey>();
  let ratings = 0;
  for (let after: string | undefined; ; ) {
    const page = await ledger.ratingsAfter(after, PAGE);
    ratings += page.length;
    for (const { rating } of page) raters.add(rating.rater);
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.id;
  }
  const unique = [...raters];
  let seen = 0;
  for (let start = 0; start < unique.length; start += PAGE) seen += (await ledger.firstSeen(unique.slice(start, start + PAGE))).size;
  return `${ratings} ratings, ${seen} raters' first-seen`;
}

async function main(): Promise<void> {
  const ratingsWanted = option('ratings', 1_000_000);
  const seed = option('seed', 12);
  const outAt = process.argv.indexOf('--out');
  const out = outAt < 0 ? undefined : process.argv[outAt + 1];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keiko-fraud-scan-bench-'));
  try {
    progress(`generating the synthetic population (seed ${seed}, ~${ratingsWanted} ratings)`);
    let generateS = performance.now();
    const population = syntheticPopulation({ seed, ratings: ratingsWanted });
    generateS = round((performance.now() - generateS) / 1000, 1);

    const schema = SqliteBackend.open({ dataDir, exclusive: false, authorityHomePage: PUBLIC_URL });
    await schema.prepare();
    await schema.close();
    let fillS = performance.now();
    const filled = await fill(dataDir, population.ratings);
    fillS = round((performance.now() - fillS) / 1000, 1);
    population.ratings.length = 0;

    progress('starting the services with the reputation plugin (it builds the stores’ indexes)');
    let startS = performance.now();
    const storage = SqliteBackend.open({ dataDir, exclusive: true, authorityHomePage: PUBLIC_URL });
    await storage.prepare();
    const services = await createServices(storage, pino({ level: 'silent' }), { lrsHomePage: PUBLIC_URL, plugins: loadPlugins(['reputation'], {}), jsonBodyLimitBytes: 1024 * 1024 });
    startS = round((performance.now() - startS) / 1000, 1);

    const stores = new Map<string, Collection<any>>();
    for (const [name, declaration] of Object.entries(LEDGER_STORES)) stores.set(name, await storage.collections.open(OWNER, name, declaration));
    const store = <T extends object>(name: string) => stores.get(name) as Collection<T>;
    const ledger = new ReputationLedger({ store, people: { institutionOf: async () => undefined }, curve: { windowDays: 30, sealDays: 14 } });
    const job = services.plugins.find((plugin) => plugin.name === OWNER)!.jobs.find((entry) => entry.name === FRAUD_SCAN_JOB)!.job;
    const scanState = await storage.collections.open<object>(OWNER, 'fraud-scan');

    const rows: Row[] = [];
    const baselineRow = () => measured('baseline: find, pages of 1000 by statementId (ratingsAfter’s query)', () => findEveryPage(store<StoredRating>('ratings')));
    rows.push(await baselineRow());
    rows.push(await measured('primary-key walk, pages of 1000 (documentsAfter)', () => primaryKeyWalk(storage.collections as SqliteCollectionStore)));
    rows.push(await measured('fraud-scan job (read + detect + raise ≤ 200)', async () => {
      await job.run();
      const state = (await scanState.get('state'))!.value as { lastRun: { ratings: number; signals: number; raised: number } };
      return `${state.lastRun.ratings} ratings, ${state.lastRun.signals} signals, ${state.lastRun.raised} raised`;
    }));
    rows.push(await measured('read as the scan does (ratingsAfter + firstSeen)', () => ledgerRead(ledger)));
    await scanState.delete('state');
    rows.push(await measured('FraudFlags.scan(), nothing raised (read + detect)', async () => {
      const flags = new FraudFlags({
        store: <T extends object>(name: string) => (name === 'fraud-scan' ? scanState : stores.get(name)) as unknown as Collection<T>,
        // Every signal reads as recorded already: the split times the read and the detectors only.
        statements: { get: async () => ({}), record: async () => [] } as unknown as PluginStatements,
        ledger,
        logger: pino({ level: 'silent' }),
        publicUrl: PUBLIC_URL,
      });
      const result = await flags.scan();
      return `${result.ratings} ratings, ${result.signals} signals`;
    }));
    const read = rows[3]!;
    const both = rows[4]!;
    rows.push({ pass: 'detect (scan without raising − read)', wallS: round(both.wallS - read.wallS, 2), cpuS: round(both.cpuS - read.cpuS, 2), load: both.load, detail: 'derived' });

    rows.push({ ...(await baselineRow()), pass: 'baseline again, after the scans (page cache warm)' });

    const baseline = rows[0]!.wallS;
    const databaseMiB = round(fs.statSync(databasePath(dataDir)).size / 2 ** 20, 0);
    console.log(`\nFraud scan end to end (SQLite, in-process services, seed ${seed}): ${filled.ratings} ratings, ${filled.agents} agents; generated in ${generateS} s, filled in ${fillS} s, services started (indexes built) in ${startS} s; database ${databaseMiB} MiB; ${os.cpus().length} CPUs\n`);
    console.log('| pass | wall s | CPU s | × baseline (wall) | load avg (1 5 15) | what |\n|---|---:|---:|---:|---|---|');
    for (const row of rows) console.log(`| ${row.pass} | ${row.wallS} | ${row.cpuS} | ${round(row.wallS / baseline, 1)} | ${row.load} | ${row.detail} |`);
    if (out !== undefined) fs.writeFileSync(out, JSON.stringify({ seed, filled, generateS, fillS, startS, databaseMiB, rows }, null, 2));
    await storage.close();
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
