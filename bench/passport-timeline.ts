/**
 * Passport timeline benchmark: `npx tsx bench/passport-timeline.ts [options]` (no build: it runs the
 * sources, and starts the LRS from them as `node --import tsx src/main.ts`). One learner with two
 * linked IFIs owns `--learner` of the `--entries` timeline entries of a SQLite store; the first
 * page of their timeline is read signed in, over HTTP (GET /plugins/passport/api/items and the
 * timeline page) and in-process (TimelineIndex.page), unfiltered, by kind, by institution and by
 * text (`q`), beside the baseline measured in the same rounds: the raw collection query of one
 * page (the entries' (ifi, position) index range, 51 documents).
 *
 * The store is filled directly through the collection store (SqliteCollectionStore on its own
 * connection, one transaction per chunk) with what TimelineIndex.apply() would write for generated
 * statements (timelineEntries, wordPostings): a million statements through HTTP and event delivery
 * would take hours here. The LRS starts on the filled file and reads it as it is.
 *
 *   --entries N     timeline entries in the store (default 1000000)
 *   --learner N     of which the learner's (default 10000)
 *   --rounds N      first pages per shape and side (default 40; 0 for none)
 *   --apply-events N  statements through TimelineIndex.apply() beside the entries alone, in
 *                   batches of 100, on fresh stores (default 2000; 0 for none)
 *   --chunk N       documents per transaction while filling (default 20000)
 *   --keep          keep the temporary directory
 *   --data DIR      fill DIR (kept), or when DIR holds a finished fill, measure on it again
 *   --out FILE      also write every figure as JSON
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { databasePath, openSqliteDatabase, type SqliteDatabase } from '../src/db/sqlite/database';
import type { FeedEvent, StoredStatement } from '../src/plugin-api';
import { ifiDigest, timelineEntries, type Ifi, type TimelineEntry } from '../src/plugins/passport/timeline-entries';
import { PASSPORT_STORES, TimelineIndex, wordPostings, type TimelineFilter, type WordPosting } from '../src/plugins/passport/timeline-index';
import type { Collection } from '../src/storage/collections/collection-store';
import { SqliteCollectionStore } from '../src/storage/collections/sqlite-collection-store';
import { SqliteBackend } from '../src/storage/sqlite-backend';
import { basic, expectStatus, percentile, progress, round, SCHOOL, signIn, startLrs, stopLrs, type CookieJar, type Lrs } from './passport-support';
const PAGE = 50;

interface Options {
  entries: number;
  learner: number;
  rounds: number;
  applyEvents: number;
  chunk: number;
  keep: boolean;
  data?: string;
  out?: string;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { entries: 1_000_000, learner: 10_000, rounds: 40, applyEvents: 2000, chunk: 20_000, keep: false };
  for (let at = 0; at < argv.length; at++) {
    const name = argv[at]!;
    const value = (least = 1) => {
      const given = Number(argv[++at]);
      if (!Number.isSafeInteger(given) || given < least) throw new Error(`${name} needs an integer of at least ${least}`);
      return given;
    };
    if (name === '--entries') options.entries = value();
    else if (name === '--learner') options.learner = value();
    else if (name === '--rounds') options.rounds = value(0);
    else if (name === '--apply-events') options.applyEvents = value(0);
    else if (name === '--chunk') options.chunk = value();
    else if (name === '--keep') options.keep = true;
    else if (name === '--out') options.out = argv[++at];
    else if (name === '--data') options.data = argv[++at];
    else throw new Error(`unknown option ${name} (see the comment at the top of bench/passport-timeline.ts)`);
  }
  if (options.learner > options.entries) throw new Error('--learner cannot exceed --entries');
  return options;
}

// ---------------------------------------------------------------------------------------------
// Generated statements: a school's courses, lessons, tutoring sessions, badges and quiz questions

const SUBJECTS = ['Linear Algebra', 'World History', 'Organic Chemistry', 'Poetry', 'Statistics', 'Microeconomics', 'Cell Biology', 'Spanish Grammar', 'Geometry', 'Physics of Motion', 'Data Structures', 'Art History'];
const TOPICS = (
  'fractions derivatives photosynthesis revolutions sonnets probability elasticity mitosis subjunctive triangles velocity recursion impressionism ' +
  'integrals genetics empires metaphors regression inflation enzymes conjugation circles momentum sorting renaissance matrices ecosystems treaties ' +
  'rhyme sampling markets proteins pronouns polygons energy hashing sculpture vectors evolution colonies imagery variance taxation membranes tenses ' +
  'angles gravity graphs baroque eigenvalues climate migration narrative hypotheses trade respiration idioms symmetry optics queues modernism'
).split(' ');
/** In 0.2 % of the statements: the text search's rare word. */
const RARE_TOPIC = 'cryptography';
const AUTHORITIES = ['school-lms', 'college-lms', 'academy-lms'].map((name) => ({ objectType: 'Agent' as const, name, account: { homePage: 'https://lrs.bench/', name } }));

const ACTIVITY_TYPES = {
  course: 'http://adlnet.gov/expapi/activities/course',
  lesson: 'http://adlnet.gov/expapi/activities/lesson',
  session: 'http://id.tincanapi.com/activitytype/tutor-session',
  badge: 'http://activitystrea.ms/schema/1.0/badge',
  question: 'http://adlnet.gov/expapi/activities/cmi.interaction',
};

/** An integer hash (murmur-like finaliser): the learner's every (entries / learner)-th statement gets as varied activities as anyone's. */
function mixed(n: number): number {
  let x = Math.imul(n ^ (n >>> 16), 0x45d9f3b);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  return (x ^ (x >>> 16)) >>> 0;
}

const pick = <T>(list: readonly T[], n: number): T => list[n % list.length]!;

/** The n-th statement's object: 5 % courses, 15 % lessons, 10 % sessions, 2 % badges, the rest quiz questions. */
function activityOf(n: number): object {
  const bucket = n % 100;
  const topic = n % 500 === 7 ? RARE_TOPIC : pick(TOPICS, Math.floor(n / 7));
  const subject = pick(SUBJECTS, Math.floor(n / 3));
  const [type, name, description] =
    bucket < 5
      ? [ACTIVITY_TYPES.course, subject, `An introduction to ${subject.toLowerCase()}`]
      : bucket < 20
        ? [ACTIVITY_TYPES.lesson, `Lesson ${n % 40}: ${topic}`, undefined]
        : bucket < 30
          ? [ACTIVITY_TYPES.session, `Tutoring session on ${topic}`, undefined]
          : bucket < 32
            ? [ACTIVITY_TYPES.badge, `${subject} badge`, undefined]
            : [ACTIVITY_TYPES.question, `Question ${n % 50} of the ${topic} quiz`, undefined];
  return { objectType: 'Activity', id: `https://school.bench/activities/${n % 5000}`, definition: { name: { 'en-US': name }, ...(description && { description: { 'en-US': description } }), type } };
}

/** The n-th generated statement, by `actor`, stored at `stored`, as the event delivery hands it over. */
function statementOf(n: number, actor: Ifi, stored: Date): { id: string; statement: StoredStatement; stored: Date } {
  const id = randomUUID();
  const statement = {
    id,
    actor: { objectType: 'Agent', ...actor },
    verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-US': 'completed' } },
    object: activityOf(n),
    ...(n % 4 === 0 && { result: { score: { scaled: (n % 10) / 10 }, success: n % 3 !== 0 } }),
    stored: stored.toISOString(),
    timestamp: stored.toISOString(),
    authority: pick(AUTHORITIES, n),
    version: '1.0.3',
  } as unknown as StoredStatement;
  return { id, statement, stored };
}

/** What the timeline keeps of the n-th statement. */
function entriesOf(n: number, actor: Ifi, stored: Date): TimelineEntry[] {
  return timelineEntries(statementOf(n, actor, stored));
}

// ---------------------------------------------------------------------------------------------
// What indexing costs: TimelineIndex.apply() beside writing the entries alone

interface ApplyCost {
  events: number;
  batches: number;
  /** ms per batch of 100 events. */
  apply: { p50: number; p95: number };
  entriesOnly: { p50: number; p95: number };
}

/**
 * `events` generated statements in batches of 100 (as the event delivery hands them over) through
 * TimelineIndex.apply() into a fresh SQLite store, beside the baseline in the same rounds: the same
 * entries put without their word postings (what apply() wrote before the text index), into a
 * second fresh store.
 */
async function measureApply(dataDir: string, events: number): Promise<ApplyCost> {
  const open = async (name: string) => {
    fs.mkdirSync(path.join(dataDir, name));
    const backend = SqliteBackend.open({ dataDir: path.join(dataDir, name), exclusive: true, authorityHomePage: 'http://127.0.0.1/' });
    return { backend, entries: await backend.collections.open<TimelineEntry>('passport', 'entries', PASSPORT_STORES.entries), words: await backend.collections.open<WordPosting>('passport', 'words', PASSPORT_STORES.words) };
  };
  const indexed = await open('apply');
  const alone = await open('entries-only');
  const timeline = new TimelineIndex(indexed.entries, indexed.words);
  const times = { apply: [] as number[], entriesOnly: [] as number[] };
  const start = Date.parse('2026-06-01T00:00:00.000Z');
  for (let batch = 0; batch * 100 < events; batch++) {
    const batchEvents: FeedEvent[] = Array.from({ length: 100 }, (_, at) => {
      const n = batch * 100 + at;
      const { id, statement, stored } = statementOf(mixed(n), { mbox: `mailto:learner-${n % 400}@school.bench` }, new Date(start + n * 1000));
      return { type: 'stored', position: n + 1, statement: { id, statement, stored, voided: false, credentialKey: 'school-lms', position: n + 1 } } as FeedEvent;
    });
    const sides = {
      apply: () => timeline.apply(batchEvents),
      entriesOnly: async () => {
        for (const event of batchEvents) {
          if (event.type !== 'stored') continue;
          for (const entry of timelineEntries(event.statement)) await alone.entries.put(`${entry.statementId}:${entry.ifi}`, entry);
        }
      },
    };
    for (const side of batch % 2 === 0 ? (['apply', 'entriesOnly'] as const) : (['entriesOnly', 'apply'] as const)) {
      const began = performance.now();
      await sides[side]();
      times[side].push(performance.now() - began);
    }
  }
  await indexed.backend.close();
  await alone.backend.close();
  const summary = (list: number[]) => {
    const sorted = [...list].sort((a, b) => a - b);
    return { p50: round(percentile(sorted, 50), 1), p95: round(percentile(sorted, 95), 1) };
  };
  return { events, batches: times.apply.length, apply: summary(times.apply), entriesOnly: summary(times.entriesOnly) };
}

// ---------------------------------------------------------------------------------------------
// Filling the store

interface Fill {
  entries: number;
  postings: number;
  seconds: number;
  entriesPerSecond: number;
  postingsPerEntry: number;
  databaseBytes: number;
  bytesPerEntry: number;
}

/**
 * `total` statements over a year, one entry each; every (total / learner)-th is the learner's, by
 * one of their two IFIs (3 of 5 by the account, the rest by the email). Written through the
 * collection store, `chunk` documents per transaction.
 */
async function fill(db: SqliteDatabase, store: SqliteCollectionStore, learner: Ifi[], options: Options): Promise<Fill> {
  const entries = await store.open<TimelineEntry>('passport', 'entries', PASSPORT_STORES.entries);
  const words = await store.open<WordPosting>('passport', 'words', PASSPORT_STORES.words);
  const start = Date.parse('2025-12-01T00:00:00.000Z');
  const step = (365 * 24 * 3600 * 1000) / options.entries;
  const every = options.entries / options.learner;
  let learnerCount = 0;
  let postings = 0;
  let pending: Array<() => Promise<void>> = [];
  const flush = async () => {
    const writes: Array<Promise<void>> = [];
    // The collection store's writes are synchronous underneath (better-sqlite3): called without awaiting, they run inside the transaction.
    db.transaction(() => pending.forEach((write) => writes.push(write())))();
    await Promise.all(writes);
    pending = [];
  };
  const began = performance.now();
  for (let n = 0; n < options.entries; n++) {
    const isLearner = n >= learnerCount * every && learnerCount < options.learner;
    const actor: Ifi = isLearner ? learner[learnerCount % 5 < 3 ? 0 : 1]! : { mbox: `mailto:learner-${n % 40_000}@school.bench` };
    if (isLearner) learnerCount++;
    for (const entry of entriesOf(mixed(n), actor, new Date(start + n * step))) {
      pending.push(() => entries.put(`${entry.statementId}:${entry.ifi}`, entry));
      for (const [at, posting] of wordPostings(entry).entries()) {
        pending.push(() => words.put(`${entry.statementId}:${entry.ifi}:${at}`, posting));
        postings++;
      }
    }
    if (pending.length >= options.chunk) await flush();
    if (n % 100_000 === 99_999) progress(`filled ${n + 1} entries (${postings} postings) in ${((performance.now() - began) / 1000).toFixed(0)} s`);
  }
  await flush();
  const seconds = (performance.now() - began) / 1000;
  db.pragma('wal_checkpoint(TRUNCATE)');
  const databaseBytes = fs.statSync(db.name).size;
  return {
    entries: options.entries,
    postings,
    seconds: round(seconds, 1),
    entriesPerSecond: Math.round(options.entries / seconds),
    postingsPerEntry: round(postings / options.entries, 2),
    databaseBytes,
    bytesPerEntry: Math.round(databaseBytes / options.entries),
  };
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface Shape {
  name: string;
  query: Record<string, string>;
}

const SHAPES: Shape[] = [
  { name: 'unfiltered', query: {} },
  { name: 'kind=course (5 %)', query: { kind: 'course' } },
  { name: 'kind=achievement (2 %)', query: { kind: 'achievement' } },
  { name: 'institution (1 of 3)', query: { institution: `account:https://lrs.bench/|college-lms` } },
  { name: 'q=question (68 %)', query: { q: 'question' } },
  { name: 'q=lesson (15 %)', query: { q: 'lesson' } },
  { name: `q=${RARE_TOPIC} (0.2 %)`, query: { q: RARE_TOPIC } },
  { name: 'q=zymurgy (none)', query: { q: 'zymurgy' } },
  { name: 'q=questions (none; 68 % share its prefix)', query: { q: 'questions' } },
  { name: 'q="question 7 of" (phrase, 1.4 %)', query: { q: 'question 7 of' } },
  { name: 'q=o (word initial, 31 %)', query: { q: 'o' } },
  { name: 'q=lesson + kind=class', query: { q: 'lesson', kind: 'class' } },
  { name: 'q=")" (no letters: reads entries, as before the index)', query: { q: ')' } },
];

type Side = 'api' | 'page' | 'index' | 'raw';
const SIDES: Side[] = ['api', 'page', 'index', 'raw'];

interface Measured {
  shape: string;
  items: number;
  ms: Record<Side, { p50: number; p95: number; max: number }>;
}


async function measure(lrs: Lrs, jar: CookieJar, timeline: TimelineIndex, entries: Collection<TimelineEntry>, ifis: string[], options: Options): Promise<Measured[]> {
  const results: Measured[] = [];
  for (const shape of SHAPES) {
    const search = new URLSearchParams(shape.query).toString();
    const filter: TimelineFilter = { ...shape.query, ...(shape.query.q && { q: shape.query.q.toLowerCase() }) } as TimelineFilter;
    let items = -1;
    const run: Record<Side, () => Promise<void>> = {
      api: async () => {
        const response = await expectStatus(await fetch(`${lrs.url}/plugins/passport/api/items?${search}`, { headers: { Cookie: jar.header(), Accept: 'application/json' } }), 200, shape.name);
        items = ((await response.json()) as { items: unknown[] }).items.length;
      },
      page: async () => {
        await (await expectStatus(await fetch(`${lrs.url}/plugins/passport/timeline?${search}`, { headers: { Cookie: jar.header(), Accept: 'text/html' } }), 200, shape.name)).text();
      },
      index: async () => {
        await timeline.page(ifis, filter, undefined, PAGE);
      },
      raw: async () => {
        await entries.find({ where: { ifi: { in: ifis } }, orderBy: [{ field: 'position', descending: true }], limit: PAGE + 1 });
      },
    };
    const times: Record<Side, number[]> = { api: [], page: [], index: [], raw: [] };
    for (const side of SIDES) await run[side](); // untimed
    for (let round = 0; round < options.rounds; round++) {
      for (const side of round % 2 === 0 ? SIDES : [...SIDES].reverse()) {
        const began = performance.now();
        await run[side]();
        times[side].push(performance.now() - began);
      }
    }
    const ms = Object.fromEntries(
      SIDES.map((side) => {
        const sorted = times[side].sort((a, b) => a - b);
        return [side, { p50: round(percentile(sorted, 50), 2), p95: round(percentile(sorted, 95), 2), max: round(sorted.at(-1)!, 2) }];
      }),
    ) as Measured['ms'];
    results.push({ shape: shape.name, items, ms });
    progress(`${shape.name}: ${items} items, api p95 ${ms.api.p95} ms, page ${ms.page.p95} ms, index ${ms.index.p95} ms, raw ${ms.raw.p95} ms`);
  }
  return results;
}

// ---------------------------------------------------------------------------------------------


function report(options: Options, filled: Fill, measured: Measured[], applied: ApplyCost | undefined, load: { before: number[]; after: number[] }): string {
  const cpus = os.cpus();
  const lines = [
    `# Passport timeline: first page (${PAGE} items) for a learner with ${options.learner} entries (2 linked IFIs) in a store of ${options.entries}`,
    '',
    `Machine: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}; load ${load.before.join(' ')} → ${load.after.join(' ')}`,
    `Fill: ${filled.entries} entries + ${filled.postings} word postings (${filled.postingsPerEntry} per entry) in ${filled.seconds} s (${filled.entriesPerSecond} entries/s); ` +
      `database ${(filled.databaseBytes / 2 ** 20).toFixed(0)} MiB (${filled.bytesPerEntry} bytes per entry, postings included)`,
    `${options.rounds} first pages per shape and side, sides alternating; ms p50 / p95 (max)`,
    '',
    ...(measured.length === 0
      ? []
      : [
          '| shape | items | GET api/items | GET timeline (HTML) | TimelineIndex.page (in-process) | baseline: raw (ifi, position) range, 51 docs |',
          '|---|---|---|---|---|---|',
          ...measured.map(({ shape, items, ms }) => `| ${shape} | ${items} | ${SIDES.map((side) => `${ms[side].p50} / **${ms[side].p95}** (${ms[side].max})`).join(' | ')} |`),
        ]),
    ...(applied
      ? [
          '',
          `Indexing: ${applied.events} statements in ${applied.batches} batches of 100, ms per batch p50 / p95: TimelineIndex.apply() (entries and word postings) ` +
            `${applied.apply.p50} / **${applied.apply.p95}**; baseline, the same entries alone: ${applied.entriesOnly.p50} / **${applied.entriesOnly.p95}**`,
        ]
      : []),
  ];
  return lines.join('\n');
}

/** What a finished fill leaves in its directory: the next run with `--data` measures on it again. */
const FILL_RECORD = 'passport-fill.json';

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const dataDir = options.data ?? fs.mkdtempSync(path.join(os.tmpdir(), 'keiko-bench-passport-'));
  const keep = options.keep || options.data !== undefined;
  const learner: Ifi[] = [{ account: { homePage: SCHOOL, name: 'bench-learner' } }, { mbox: 'mailto:bench-learner@school.bench' }];
  const admin = { key: `admin-${randomBytes(6).toString('hex')}`, secret: randomBytes(24).toString('base64url') };
  let lrs: Lrs | undefined;
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    const record = path.join(dataDir, FILL_RECORD);
    const backend = SqliteBackend.open({ dataDir, exclusive: false, authorityHomePage: 'http://127.0.0.1/' });
    const school = await backend.credentials.create({ name: 'School LMS', scopes: ['statements/write', 'people/login-links'] });
    await backend.close();
    const db = openSqliteDatabase(databasePath(dataDir));
    // The fill's own connection: a 1 GiB page cache keeps the indexes' random inserts off the disk (the LRS keeps its own settings).
    db.pragma('cache_size = -1048576');
    const store = new SqliteCollectionStore(db);
    let filled: Fill;
    if (fs.existsSync(record)) {
      filled = JSON.parse(fs.readFileSync(record, 'utf8')) as Fill;
      progress(`measuring on the fill in ${dataDir}: ${JSON.stringify(filled)}`);
    } else {
      progress(`filling ${options.entries} entries into ${dataDir}`);
      filled = await fill(db, store, learner, options);
      fs.writeFileSync(record, JSON.stringify(filled));
      progress(`filled: ${JSON.stringify(filled)}`);
    }
    // A kept fill made under older declarations gets the indexes declared now before the LRS starts (it would do it while starting).
    await store.open('passport', 'entries', PASSPORT_STORES.entries);
    await store.open('passport', 'words', PASSPORT_STORES.words);
    const before = os.loadavg().map((x) => round(x, 2));
    let measured: Measured[] = [];
    if (options.rounds > 0) {
      lrs = await startLrs(dataDir, admin);
      const jar = await signIn(lrs, basic(admin), school, learner);
      const entries = await store.open<TimelineEntry>('passport', 'entries', PASSPORT_STORES.entries);
      const timeline = new TimelineIndex(entries, await store.open<WordPosting>('passport', 'words', PASSPORT_STORES.words));
      measured = await measure(lrs, jar, timeline, entries, learner.map((ifi) => ifiDigest(ifi)!), options);
    }
    const applyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keiko-bench-passport-apply-'));
    let applied: ApplyCost | undefined;
    try {
      if (options.applyEvents > 0) applied = await measureApply(applyDir, options.applyEvents);
    } finally {
      fs.rmSync(applyDir, { recursive: true, force: true });
    }
    const text = report({ ...options, entries: filled.entries }, filled, measured, applied, { before, after: os.loadavg().map((x) => round(x, 2)) });
    process.stdout.write(`${text}\n`);
    if (options.out) fs.writeFileSync(options.out, JSON.stringify({ options, filled, measured, applied }, null, 2));
    db.close();
  } finally {
    if (lrs) await stopLrs(lrs);
    if (!keep) fs.rmSync(dataDir, { recursive: true, force: true });
    else progress(`kept ${dataDir}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
