import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import XAPI from '@xapi/xapi';
import type { Page } from 'playwright-core';
import pino from 'pino';
import { loadConfig, type OidcConfig } from '../src/config';
import { loadPlugins } from '../src/platform/plugins/load';
import { startServer } from '../src/server';
import { basicAuth } from './app';
import { SCHOOL } from './passport';

export { SCHOOL };

/**
 * The whole LRS as `keiko start` runs it (every plugin, SQLite in a temporary DATA_DIR, background
 * jobs and event delivery), listening on 127.0.0.1:`port` with PUBLIC_URL pointing there, for
 * end-to-end journeys through the passport (the journey's browser test, the docs' screenshots).
 * No jest globals: scripts use it too.
 */

const ADMIN = { key: 'journey-admin', secret: 'journey-admin-secret' };

export interface JourneyLrs {
  baseUrl: string;
  /** @xapi/xapi, the client LMSs use, as School LMS (statements/write, people/login-links for SCHOOL accounts). */
  school: XAPI;
  /** The path of a fresh login link (made by School LMS) for `agent`. */
  loginLinkPath(agent: object): Promise<string>;
  /** Resolves once every event subscriber (the passport's timeline index among them) has handled every statement stored. */
  caughtUp(): Promise<void>;
  stop(): Promise<void>;
}

export interface JourneyOptions {
  port: number;
  /** OpenID Connect sign-in, as OIDC_ISSUER / OIDC_CLIENT_ID / OIDC_CLIENT_SECRET configure it. */
  oidc?: OidcConfig;
}

export async function startJourneyLrs({ port, oidc }: JourneyOptions): Promise<JourneyLrs> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'keiko-passport-journey-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: baseUrl,
    DATA_DIR: dataDir,
    PLUGINS: 'all',
    LRS_ADMIN_KEY: ADMIN.key,
    LRS_ADMIN_SECRET: ADMIN.secret,
    ...(oidc && { OIDC_ISSUER: oidc.issuer, OIDC_CLIENT_ID: oidc.clientId, OIDC_CLIENT_SECRET: oidc.clientSecret }),
  };
  const config = loadConfig(env);
  const server = await startServer(config, pino({ level: 'silent' }), loadPlugins(config.plugins, env));
  const { services } = server;
  const school = await services.storage.credentials.create({ name: 'School LMS', scopes: ['statements/write', 'people/login-links'] });
  const schoolAuth = basicAuth(school.key, school.secret);
  await call(baseUrl, 'PUT', `/people/institutions/${school.key}`, basicAuth(ADMIN.key, ADMIN.secret), { homePages: [SCHOOL] });
  return {
    baseUrl,
    school: new XAPI({ endpoint: `${baseUrl}/xapi/`, auth: schoolAuth, adapter: 'fetch' }),
    async loginLinkPath(agent) {
      const { url } = (await call(baseUrl, 'POST', '/people/login-links', schoolAuth, { agent })) as { url: string };
      return new URL(url).pathname;
    },
    async caughtUp() {
      services.events.notify();
      const deadline = Date.now() + 10_000;
      while ((await services.events.status()).some((subscriber) => subscriber.lag > 0)) {
        if (Date.now() > deadline) throw new Error('event delivery did not catch up within 10 s');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A JSON request to the LRS that must succeed; its JSON answer. */
async function call(baseUrl: string, method: string, route: string, authorization: string, body: object): Promise<unknown> {
  const response = await fetch(`${baseUrl}${route}`, {
    method,
    headers: { Authorization: authorization, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** An item's button on the timeline page: `label` (Hide, Show…) followed, for screen readers, by the item's name. */
export function timelineItemButton(page: Page, label: string, item: string) {
  return page.getByRole('button', { name: item }).filter({ hasText: label });
}

/** What the public share page's verification says once its script has checked the signature. */
export async function shareVerification(page: Page): Promise<string> {
  const status = page.locator('#share-verification[data-result]:not([data-result="checking"])');
  await status.waitFor({ timeout: 10_000 });
  return (await status.textContent())!.trim();
}
