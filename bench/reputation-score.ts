/**
 * Reputation score benchmark: `npx tsx bench/reputation-score.ts [options]` (issue 12 goal: the
 * score of a person with ≤ 10,000 ratings in < 5 ms p95). A SQLite store is filled through
 * ReputationLedger.apply() itself (the fill's own connection with synchronous=OFF; statements are
 * generated, not sent over HTTP): one hot ratee with `--hot` counted ratings spread over the last
 * 30 days (a tenth of them as a tutor rated by students, most of whom the tutor rates back; the
 * rest still sealed), and `--ratees` ratees with `--per` peer ratings each. Then, on the same
 * connection back to synchronous=FULL and the LRS's 64 MiB page cache, in-process:
 * ledger.score() of the hot ratee and of random others, ledger.explain() of the hot ratee, and
 * the baseline measured in the same rounds: one raw `get` of a stored document (the hot ratee's
 * totals) on the same collection store.
 *
 *   --hot N       ratings about the hot ratee (default 10000)
 *   --ratees N    other ratees (default 1000)
 *   --per N       ratings about each other ratee (default 100)
 *   --rounds N    measurements per row (default 300)
 *   --out FILE    also write every figure as JSON
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { databasePath, openSqliteDatabase } from '../src/db/sqlite/database';
import type { FeedEvent, StoredStatement } from '../src/plugin-api';
import { LEDGER_STORES, ReputationLedger } from '../src/plugins/reputation/ratings';
import type { Collection } from '../src/storage/collections/collection-store';
import { SqliteCollectionStore } from '../src/storage/collections/sqlite-collection-store';
import { SqliteBackend } from '../src/storage/sqlite-backend';
import { attended, keyOf, person, rated } from '../test-support/reputation';
import { percentile, progress, round } from './passport-support';

const DAY_MS = 86_400_000;
const NOW = new Date('2026-12-02T12:00:00Z');
const INSTITUTION = 'bench-institution';
const BATCH = 500;
const GROUP = 1000;

interface Options {
  hot: number;
  ratees: number;
  per: number;
  rounds: number;
  out?: string;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { hot: 10_000, ratees: 1000, per: 100, rounds: 300 };
  for (let index = 0; index < argv.length; index += 2) {
    const [name, value] = [argv[index]!.replace(/^--/, ''), argv[index + 1]];
    if (name === 'out') options.out = value;
    else if (name in options) (options as unknown as Record<string, number>)[name] = Number(value);
    else throw new Error(`unknown option --${name}`);
  }
  return options;
}

/** Feed events of generated statements, each with its stored time, in stored order. */
class Feed {
  private position = 0;
  readonly events: FeedEvent[] = [];

  add(statement: object, stored: Date): void {
    const body = { id: randomUUID(), authority: { objectType: 'Agent', name: 'bench' }, ...statement, stored: stored.toISOString(), version: '1.0.3' } as unknown as StoredStatement;
    this.position += 1;
    this.events.push({ type: 'stored', position: this.position, statement: { id: body.id!, statement: body, stored, voided: false, credentialKey: INSTITUTION, position: this.position } });
  }

  sorted(): FeedEvent[] {
    return this.events.sort((one, other) => (one.type === 'stored' && other.type === 'stored' ? one.statement.stored.getTime() - other.statement.stored.getTime() : 0));
  }
}

/** The hot ratee: --hot raters in groups of GROUP per session; a tenth rate them as their tutor. */
function hotRatings(feed: Feed, hot: object, count: number): void {
  const start = new Date(NOW.getTime() - 40 * DAY_MS);
  for (let group = 0; group * GROUP < count; group++) {
    const session = `https://school.bench/sessions/hot-${group}`;
    const raters = Array.from({ length: Math.min(GROUP, count - group * GROUP) }, (_, index) => person(`rater-${group}-${index}`));
    feed.add({ ...attended(session, { objectType: 'Group', member: [hot, ...raters] })[0]! }, start);
    for (const [index, rater] of raters.entries()) {
      const stored = new Date(NOW.getTime() - Math.random() * 30 * DAY_MS);
      const asTutor = index % 10 === 0;
      feed.add(rated(rater, hot, session, { score: 1 + Math.floor(Math.random() * 5), ...(asTutor && { raterRole: 'student', rateeRole: 'tutor' }) }), stored);
      if (asTutor && index % 30 !== 0) feed.add(rated(hot, rater, session, { score: 4, raterRole: 'tutor', rateeRole: 'student' }), new Date(stored.getTime() + 3_600_000));
    }
  }
}

/** --ratees others, each rated by --per peers of one session over the last 60 days. */
function otherRatings(feed: Feed, ratees: number, per: number): object[] {
  const others: object[] = [];
  const start = new Date(NOW.getTime() - 61 * DAY_MS);
  for (let index = 0; index < ratees; index++) {
    const ratee = person(`ratee-${index}`);
    others.push(ratee);
    const session = `https://school.bench/sessions/other-${index}`;
    const raters = Array.from({ length: per }, (_, rater) => person(`peer-${index}-${rater}`));
    feed.add({ ...attended(session, { objectType: 'Group', member: [ratee, ...raters] })[0]! }, start);
    for (const rater of raters) feed.add(rated(rater, ratee, session, { score: 1 + Math.floor(Math.random() * 5) }), new Date(NOW.getTime() - Math.random() * 60 * DAY_MS));
  }
  return others;
}

async function timed(rounds: number, run: (round: number) => Promise<unknown>): Promise<{ p50: number; p95: number; mean: number }> {
  for (let round = 0; round < Math.min(20, rounds); round++) await run(round); // warm-up
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    await run(round);
    times.push(performance.now() - started);
  }
  times.sort((one, other) => one - other);
  return { p50: round(percentile(times, 50), 3), p95: round(percentile(times, 95), 3), mean: round(times.reduce((sum, time) => sum + time, 0) / times.length, 3) };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keiko-reputation-bench-'));
  try {
    const backend = SqliteBackend.open({ dataDir, exclusive: false, authorityHomePage: 'http://127.0.0.1/' });
    await backend.prepare();
    await backend.close();
    const db = openSqliteDatabase(databasePath(dataDir));
    db.pragma('synchronous = OFF'); // the fill only
    const store = new SqliteCollectionStore(db);
    const collections = new Map<string, Collection<any>>();
    for (const [name, declaration] of Object.entries(LEDGER_STORES)) collections.set(name, await store.open('reputation', name, declaration));
    const ledger = new ReputationLedger({
      store: <T extends object>(name: string) => collections.get(name) as Collection<T>,
      people: { institutionOf: async (key) => (key === INSTITUTION ? { homePages: ['https://school.example'] } : undefined) },
      curve: { windowDays: 30, sealDays: 14 },
      now: () => NOW,
    });

    const hot = person('hot');
    const feed = new Feed();
    hotRatings(feed, hot, options.hot);
    const others = otherRatings(feed, options.ratees, options.per);
    const events = feed.sorted();
    progress(`applying ${events.length} statements (${options.hot} about the hot ratee, ${options.ratees} × ${options.per} about others) in batches of ${BATCH}`);
    const fillStarted = performance.now();
    for (let start = 0; start < events.length; start += BATCH) {
      await ledger.apply(events.slice(start, start + BATCH));
      if ((start / BATCH) % 40 === 0) progress(`${start} / ${events.length}`);
    }
    const fillSeconds = round((performance.now() - fillStarted) / 1000, 1);
    db.pragma('synchronous = FULL');
    db.pragma(`cache_size = -${64 * 1024}`);

    const hotKey = [keyOf(hot)];
    const hotScore = await ledger.score(hotKey);
    const hotExplained = await ledger.explain(hotKey);
    const totals = collections.get('totals')!;
    const otherKeys = others.map((other) => [keyOf(other)]);
    const rows = {
      'baseline: one raw get (totals document)': await timed(options.rounds, () => totals.get(hotKey[0]!)),
      [`score, hot ratee (${hotScore.totalRatings} counted, ${hotScore.recentRatings} recent)`]: await timed(options.rounds, () => ledger.score(hotKey)),
      [`score, one of ${options.ratees} ratees with ${options.per}`]: await timed(options.rounds, (index) => ledger.score(otherKeys[index % otherKeys.length]!)),
      [`explain, hot ratee (${hotExplained.contributions.length} contributions)`]: await timed(Math.max(1, Math.floor(options.rounds / 10)), () => ledger.explain(hotKey)),
    };
    const sealed = await collections.get('ratings')!.count({ ratee: hotKey[0]!, revealAtSec: { gt: Math.floor(NOW.getTime() / 1000) } });
    console.log(`\nReputation score (SQLite, in-process ReputationLedger, ${options.rounds} rounds; fill ${events.length} statements through apply in ${fillSeconds} s; hot ratee: ${sealed} ratings still sealed)\n`);
    console.log('| measurement | p50 ms | p95 ms | mean ms |\n|---|---:|---:|---:|');
    for (const [name, figures] of Object.entries(rows)) console.log(`| ${name} | ${figures.p50} | ${figures.p95} | ${figures.mean} |`);
    if (options.out !== undefined) fs.writeFileSync(options.out, JSON.stringify({ options, fillSeconds, statements: events.length, sealed, hotScore, rows }, null, 2));
    db.close();
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
