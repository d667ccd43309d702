/**
 * Passport shares benchmark: `npx tsx bench/passport-shares.ts [options]` (no build: it runs the
 * sources, and starts the LRS from them). A learner with `--items` statements (5 % achievements)
 * creates shares of all of them, signed in: POST /plugins/passport/api/shares → 201, beside the
 * baseline measured in the same rounds, the raw signing of the same items (PassportIssuer.signShare
 * in this process, on a store of its own). Then a stranger's Chromium opens the share page until it
 * shows "valid" (the page's script verifies the presentation in the browser), beside the same
 * verification in Node (verifyShare fetching the DID document and status list from the LRS).
 *
 *   --items N           statements shared (default 500)
 *   --rounds N          shares created per side (default 15)
 *   --browser-rounds N  share pages opened in Chromium (default 5; 0 for none)
 *   --out FILE          also write every figure as JSON
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium as playwright } from 'playwright-core';
import { PassportIssuer, verifyShare, type ShareItem } from '../src/plugins/passport/credentials';
import type { Ifi } from '../src/plugins/passport/timeline-entries';
import { SqliteBackend } from '../src/storage/sqlite-backend';
import { basic, expectStatus, percentile, progress, round, SCHOOL, signIn, startLrs, stopLrs, type CookieJar, type Key, type Lrs } from './passport-support';

interface Options {
  items: number;
  rounds: number;
  browserRounds: number;
  out?: string;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { items: 500, rounds: 15, browserRounds: 5 };
  for (let at = 0; at < argv.length; at++) {
    const name = argv[at]!;
    const value = () => {
      const given = Number(argv[++at]);
      if (!Number.isSafeInteger(given) || given < 0) throw new Error(`${name} needs a whole number`);
      return given;
    };
    if (name === '--items') options.items = value();
    else if (name === '--rounds') options.rounds = value();
    else if (name === '--browser-rounds') options.browserRounds = value();
    else if (name === '--out') options.out = argv[++at];
    else throw new Error(`unknown option ${name} (see the comment at the top of bench/passport-shares.ts)`);
  }
  return options;
}

/** A request on a connection of its own: the rounds idle longer than the LRS keeps a connection open (5 s), and reusing one it closed fails. */
function request(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), Connection: 'close' } });
}

const BADGE = 'http://activitystrea.ms/schema/1.0/badge';
const QUESTION = 'http://adlnet.gov/expapi/activities/cmi.interaction';

/** The learner's n-th statement: every 20th a badge (an OB 3.0 AchievementCredential in the share, up to the cap), the rest quiz answers. */
function statementOf(actor: Ifi, n: number): object {
  const badge = n % 20 === 0;
  return {
    actor,
    verb: { id: badge ? 'http://id.tincanapi.com/verb/earned' : 'http://adlnet.gov/expapi/verbs/answered', display: { 'en-US': badge ? 'earned' : 'answered' } },
    object: {
      objectType: 'Activity',
      id: `https://school.bench/activities/${badge ? 'badges' : 'questions'}/${n}`,
      definition: { name: { 'en-US': badge ? `Badge ${n}` : `Question ${n}` }, type: badge ? BADGE : QUESTION },
    },
    result: { score: { scaled: (n % 10) / 10 }, success: n % 3 !== 0 },
  };
}

/** Stores the learner's statements through /xapi, 100 a request, and waits until the passport shows them all. */
async function storeStatements(lrs: Lrs, school: Key, jar: CookieJar, actor: Ifi, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let from = 0; from < count; from += 100) {
    const batch = Array.from({ length: Math.min(100, count - from) }, (_, at) => statementOf(actor, from + at));
    const response = await request(`${lrs.url}/xapi/statements`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Experience-API-Version': '1.0.3', Authorization: basic(school) },
      body: JSON.stringify(batch),
    });
    ids.push(...((await (await expectStatus(response, 200, 'statements')).json()) as string[]));
  }
  const deadline = Date.now() + 120_000;
  while ((await timelineLength(lrs, jar)) < count) {
    if (Date.now() > deadline) throw new Error('the passport did not index the statements within 120 s');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return ids;
}

async function timelineLength(lrs: Lrs, jar: CookieJar): Promise<number> {
  let length = 0;
  let cursor = '';
  for (;;) {
    const response = await request(`${lrs.url}/plugins/passport/api/items?limit=200${cursor}`, { headers: { Cookie: jar.header(), Accept: 'application/json' } });
    const page = (await (await expectStatus(response, 200, 'items')).json()) as { items: unknown[]; next?: string };
    length += page.items.length;
    if (page.next === undefined) return length;
    cursor = `&cursor=${page.next}`;
  }
}

interface Created {
  id: string;
  url: string;
  expiresAt: string;
}

async function createShare(lrs: Lrs, jar: CookieJar, items: string[], expiresAt: string): Promise<Created> {
  const response = await request(`${lrs.url}/plugins/passport/api/shares`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', Cookie: jar.header() },
    body: JSON.stringify({ items, expiresAt }),
  });
  return (await (await expectStatus(response, 201, 'share')).json()) as Created;
}

const fetchJson = async (url: string) => (await expectStatus(await request(url, { headers: { Accept: 'application/json' } }), 200, url)).json();

type Stats = { p50: number; p95: number; max: number; n: number };

function stats(times: number[]): Stats {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 50), 1), p95: round(percentile(sorted, 95), 1), max: round(sorted.at(-1)!, 1), n: sorted.length };
}

/** Share creation over HTTP and the raw signing of the same items, alternating. */
async function measureCreation(lrs: Lrs, jar: CookieJar, ids: string[], issuer: PassportIssuer, items: ShareItem[], options: Options) {
  const expiresAt = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString();
  const http: number[] = [];
  const raw: number[] = [];
  const sides = {
    http: async () => {
      const began = performance.now();
      await createShare(lrs, jar, ids, expiresAt);
      http.push(performance.now() - began);
    },
    raw: async () => {
      const began = performance.now();
      await issuer.signShare({ shareId: randomUUID(), statusIndex: await issuer.statusList.allocate(), expiresAt: new Date(expiresAt), subject: { name: 'Bench Learner' }, items });
      raw.push(performance.now() - began);
    },
  };
  for (let at = 0; at < options.rounds; at++) {
    for (const side of at % 2 === 0 ? [sides.http, sides.raw] : [sides.raw, sides.http]) await side();
    progress(`round ${at + 1}: POST ${round(http.at(-1)!, 0)} ms, raw signing ${round(raw.at(-1)!, 0)} ms`);
  }
  return { http: stats(http), raw: stats(raw) };
}

/** A stranger's Chromium opening the share page until it says "valid", and the same verification in Node. */
async function measureVerification(lrs: Lrs, share: Created, options: Options) {
  const browserTimes: number[] = [];
  const nodeTimes: number[] = [];
  // Debian's chromium, as test-support/browser.ts launches it (that module needs jest).
  const chromium = await playwright.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    for (let at = 0; at < options.browserRounds; at++) {
      const context = await chromium.newContext();
      const page = await context.newPage();
      const began = performance.now();
      await page.goto(share.url);
      await page.waitForSelector('#share-verification[data-result="valid"]', { timeout: 120_000 });
      browserTimes.push(performance.now() - began);
      await context.close();
      const nodeBegan = performance.now();
      const verified = await verifyShare(await fetchJson(share.url), { publicUrl: lrs.url, fetchJson, challenge: share.id });
      if (verified.result !== 'valid') throw new Error(`verifyShare: ${verified.result} ${verified.reasons.join('; ')}`);
      nodeTimes.push(performance.now() - nodeBegan);
      progress(`page ${at + 1}: "valid" shown after ${round(browserTimes.at(-1)!, 0)} ms; Node ${round(nodeTimes.at(-1)!, 0)} ms`);
    }
  } finally {
    await chromium.close();
  }
  return { browser: stats(browserTimes), node: stats(nodeTimes) };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'keiko-bench-shares-'));
  const learner: Ifi[] = [{ account: { homePage: SCHOOL, name: 'bench-learner' } }, { mbox: 'mailto:bench-learner@school.bench' }];
  const admin = { key: `admin-${randomBytes(6).toString('hex')}`, secret: randomBytes(24).toString('base64url') };
  let lrs: Lrs | undefined;
  let rawStore: SqliteBackend | undefined;
  try {
    const backend = SqliteBackend.open({ dataDir, exclusive: false, authorityHomePage: 'http://127.0.0.1/' });
    const school = await backend.credentials.create({ name: 'School LMS', scopes: ['statements/write', 'people/login-links'] });
    await backend.close();
    lrs = await startLrs(dataDir, admin);
    const jar = await signIn(lrs, basic(admin), school, learner);
    progress(`storing ${options.items} statements`);
    const ids = await storeStatements(lrs, school, jar, learner[0]!, options.items);
    const first = await createShare(lrs, jar, ids, new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString());
    // The raw side signs exactly what the LRS signed: the items of the first share, as verified.
    const verified = await verifyShare(await fetchJson(first.url), { publicUrl: lrs.url, fetchJson, challenge: first.id });
    if (verified.result !== 'valid') throw new Error(`the first share is ${verified.result}: ${verified.reasons.join('; ')}`);
    const rawDir = path.join(dataDir, 'raw');
    fs.mkdirSync(rawDir);
    rawStore = SqliteBackend.open({ dataDir: rawDir, exclusive: true, authorityHomePage: 'http://127.0.0.1/' });
    const issuer = await PassportIssuer.open({ keys: await rawStore.collections.open('bench', 'keys'), statusLists: await rawStore.collections.open('bench', 'status-lists'), publicUrl: lrs.url });
    await issuer.signShare({ shareId: randomUUID(), statusIndex: await issuer.statusList.allocate(), expiresAt: new Date(first.expiresAt), subject: {}, items: verified.items as ShareItem[] });
    const creation = await measureCreation(lrs, jar, ids, issuer, verified.items as ShareItem[], options);
    const verification = options.browserRounds > 0 ? await measureVerification(lrs, first, options) : undefined;
    const cpus = os.cpus();
    const lines = [
      `# Passport shares: ${options.items} items (${verified.achievements.length} OB 3.0 achievement credentials)`,
      '',
      `Machine: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} cores, Node ${process.version}; load ${os.loadavg().map((x) => round(x, 2)).join(' ')}`,
      '',
      '| | p50 ms | p95 ms | max ms | n |',
      '|---|---|---|---|---|',
      `| POST /plugins/passport/api/shares → 201 | ${creation.http.p50} | **${creation.http.p95}** | ${creation.http.max} | ${creation.http.n} |`,
      `| baseline: PassportIssuer.signShare of the same items (in-process) | ${creation.raw.p50} | **${creation.raw.p95}** | ${creation.raw.max} | ${creation.raw.n} |`,
      ...(verification
        ? [
            `| Chromium: share page opened → "valid" shown | ${verification.browser.p50} | **${verification.browser.p95}** | ${verification.browser.max} | ${verification.browser.n} |`,
            `| baseline: verifyShare in Node (fetching the VP, DID document, status list) | ${verification.node.p50} | **${verification.node.p95}** | ${verification.node.max} | ${verification.node.n} |`,
          ]
        : []),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (options.out) fs.writeFileSync(options.out, JSON.stringify({ options, creation, verification }, null, 2));
  } finally {
    await rawStore?.close();
    if (lrs) await stopLrs(lrs);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
