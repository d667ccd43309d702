import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import axe from 'axe-core';
import type { Express } from 'express';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import request from 'supertest';
import { requiring, type Requirement } from './requirements';

/**
 * Browser tests: Debian's chromium driven by playwright-core (`npx playwright install` cannot
 * download browsers here). Use them like this (docs/web.md has a whole example):
 *
 *   const { describe: describeInBrowser } = browserTests;
 *   describeInBrowser('my pages', () => {
 *     const session = useBrowser(() => appUnderTest);
 *     it('...', async () => {
 *       const page = await session.open('/my/page');
 *       await expectAccessible(page.page);
 *       expect(page.problems()).toEqual([]);
 *     });
 *   });
 */

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const chromiumRequirement: Requirement = {
  needs: `Debian's chromium (${CHROMIUM_PATH})`,
  present: fs.existsSync(CHROMIUM_PATH),
  install: 'apt-get update && apt-get install -y chromium',
};

/** `describe`/`it` that run where chromium is installed, fail under CI without it, else skip loudly. */
export const browserTests = requiring(chromiumRequirement);

/** A phone's screen (iPhone SE size), for mobile-first checks. */
export const MOBILE: BrowserContextOptions = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** `app` listening on `port` of 127.0.0.1 (an ephemeral one by default). */
export async function serve(app: Express, port = 0): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(port, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  const listeningOn = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${listeningOn}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A page opened in its own browser context, with what went wrong while it loaded. */
export interface OpenedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors (CSP violations among them), page errors, failed requests and 4xx/5xx subresources. */
  problems(): string[];
}

export interface BrowserSession {
  readonly baseUrl: string;
  /** Opens `path` in a fresh context (no cookies) with `options` (e.g. MOBILE, javaScriptEnabled: false, locale). */
  open(path: string, options?: BrowserContextOptions): Promise<OpenedPage>;
}

/**
 * In a describe block: one chromium and the app (built by `app()` in beforeAll) served for its
 * tests; each open() gets a fresh context, all closed after each test.
 */
export function useBrowser(app: () => Express | Promise<Express>): BrowserSession {
  let browser: Browser | undefined;
  let server: { baseUrl: string; close(): Promise<void> } | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    server = await serve(await app());
    browser = await launchChromium();
  }, 60_000);
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get baseUrl() {
      if (!server) throw new Error('useBrowser(): the server starts in beforeAll');
      return server.baseUrl;
    },
    async open(path, options = {}) {
      if (!browser || !server) throw new Error('useBrowser(): the browser starts in beforeAll');
      const context = await browser.newContext({ baseURL: server.baseUrl, ...options });
      contexts.push(context);
      const page = await context.newPage();
      const problems = watchProblems(page);
      await page.goto(path);
      return { page, context, problems: () => [...problems] };
    },
  };
}

/** Collects what goes wrong on `page` from now on (see OpenedPage.problems). */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    // An error page's own status (404, 500) is what the test expects, not a problem.
    const aboutTheDocument = message.text().startsWith('Failed to load resource') && message.location().url === page.url();
    if ((message.type() === 'error' || message.type() === 'warning') && !aboutTheDocument) {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? ''})`));
  page.on('response', (response) => {
    if (response.status() >= 400 && response.request().resourceType() !== 'document') {
      problems.push(`${response.status()} for ${response.url()}`);
    }
  });
  return problems;
}

export interface AxeViolation {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/**
 * The serious and critical axe-core violations of the page as it is now. axe is evaluated through
 * the DevTools protocol, which the page's CSP does not govern (a <script> tag would be blocked);
 * the context needs JavaScript enabled.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axe.source);
  const results = await page.evaluate(() =>
    (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] }),
  );
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
}

/** Fails, listing them, when axe-core finds serious or critical violations on the page. */
export async function expectAccessible(page: Page): Promise<void> {
  expect(await axeViolations(page)).toEqual([]);
}

/**
 * A fresh browser context speaking `lang`, signed in as `who` through a login link the institution
 * credential `school` makes on `app` (the sign-in lands on the person's /me page), then opened at
 * `path` when one is given.
 */
export async function signedInThroughLoginLink(
  session: BrowserSession,
  lrs: { lrs: { app: Express }; school: string },
  who: object,
  lang: 'en' | 'es',
  options: BrowserContextOptions = {},
  path?: string,
): Promise<OpenedPage> {
  const { url } = (await request(lrs.lrs.app).post('/people/login-links').set('Authorization', lrs.school).send({ agent: who }).expect(201)).body;
  const opened = await session.open(`${new URL(url).pathname}?lang=${lang}`, options);
  await opened.page.locator('main button[type="submit"]').click();
  await opened.page.waitForURL(/\/me$/);
  if (path !== undefined) await opened.page.goto(path);
  return opened;
}
