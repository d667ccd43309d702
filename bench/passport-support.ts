/**
 * What the passport benchmarks (bench/passport-*.ts) share: the LRS started from the sources on a
 * data directory, a learner signed in through a login link with a second identity linked, and
 * percentiles.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Ifi } from '../src/plugins/passport/timeline-entries';
import { freePort, stopChild } from '../test-support/mongo-server/processes';

const ROOT = path.resolve(__dirname, '..');
/** The homePage of the accounts the school credential owns (its login links). */
export const SCHOOL = 'https://school.bench';

export interface Key {
  key: string;
  secret: string;
}

async function waitFor(check: () => Promise<boolean>, what: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with code ${child.exitCode}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} not ready after 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface Lrs {
  url: string;
  child: ChildProcess;
}

/** The LRS from the sources, as users configure it (no inherited environment but PATH and HOME), logging to a file. */
export async function startLrs(dataDir: string, admin: Key): Promise<Lrs> {
  const port = await freePort();
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LRS_ADMIN_KEY: admin.key, LRS_ADMIN_SECRET: admin.secret, PUBLIC_URL: `http://127.0.0.1:${port}` };
  const log = fs.openSync(path.join(dataDir, 'lrs.log'), 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts')], { cwd: ROOT, env, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/xapi/about`)).ok, 'the LRS', child);
  return { url, child };
}

export async function stopLrs({ child }: Lrs): Promise<void> {
  await stopChild(child, 30_000);
}

export const basic = ({ key, secret }: Key) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

/** Cookies a browser would keep, by name. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  keep(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const at = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

export async function expectStatus(response: Response, status: number | number[], what: string): Promise<Response> {
  if (![status].flat().includes(response.status)) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return response;
}

/**
 * The learner's person, signed in through a login link the school asks for, with the email linked
 * by the admin: what test-support/passport.ts does, over HTTP.
 */
export async function signIn(lrs: Lrs, admin: string, school: Key, [account, email]: Ifi[]): Promise<CookieJar> {
  const json = { 'Content-Type': 'application/json' };
  await expectStatus(await fetch(`${lrs.url}/people/institutions/${school.key}`, { method: 'PUT', headers: { ...json, Authorization: admin }, body: JSON.stringify({ homePages: [SCHOOL] }) }), 200, 'institution');
  const link = await expectStatus(await fetch(`${lrs.url}/people/login-links`, { method: 'POST', headers: { ...json, Authorization: basic(school) }, body: JSON.stringify({ agent: account }) }), 201, 'login link');
  const jar = new CookieJar();
  const page = await fetch(((await link.json()) as { url: string }).url);
  jar.keep(page);
  const html = await page.text();
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)![1]!;
  const signedIn = await fetch(`${lrs.url}/sign-in/link`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: jar.header() },
    body: new URLSearchParams({ _csrf: field('_csrf'), token: field('token') }),
  });
  await expectStatus(signedIn, 303, 'sign-in');
  jar.keep(signedIn);
  const people = await expectStatus(await fetch(`${lrs.url}/people?agent=${encodeURIComponent(JSON.stringify(account))}`, { headers: { Authorization: admin } }), 200, 'person');
  const personId = ((await people.json()) as { people: Array<{ id: string }> }).people[0]!.id;
  await expectStatus(await fetch(`${lrs.url}/people/${personId}/identities`, { method: 'POST', headers: { ...json, Authorization: admin }, body: JSON.stringify({ agent: email }) }), [200, 201], 'link');
  return jar;
}


export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const round = (value: number, digits: number) => Number(value.toFixed(digits));

export function progress(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
