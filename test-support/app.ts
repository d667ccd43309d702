import type { Express } from 'express';
import pino from 'pino';
import { buildApp, createServices, type Services } from '../src/app';
import type { Scope } from '../src/auth/scopes';
import { loadConfig } from '../src/config';
import { loadPlugins, type LoadedPlugin } from '../src/platform/plugins/load';
import type { StorageBackend } from '../src/storage/backend';
import { openTestBackend } from './backends';

export interface TestLrs {
  app: Express;
  services: Services;
  storage: StorageBackend;
  /** Basic auth header value of a credential holding `all` and `admin`, like the bootstrap admin. */
  auth: string;
  credential(scopes: Scope[], name?: string): Promise<string>;
  close(): Promise<void>;
}

export const XAPI_VERSION_HEADER = { 'X-Experience-API-Version': '1.0.3' };

/**
 * The full app on fresh storage of the engine under test (test-support/backends.ts), with the
 * plugins PLUGINS selects in `env` (all built-in ones by default) unless `plugins` are given.
 */
export async function createTestLrs(env: Record<string, string> = {}, plugins?: LoadedPlugin[]): Promise<TestLrs> {
  const { backend: storage, dispose } = await openTestBackend();
  const logger = pino({ level: 'silent' });
  const config = loadConfig(env);
  const services = await createServices(storage, logger, {
    lrsHomePage: config.publicUrl ?? 'http://lrs.test/',
    plugins: plugins ?? loadPlugins(config.plugins, env),
    jsonBodyLimitBytes: config.jsonBodyLimitBytes,
    multipartBodyLimitBytes: config.multipartBodyLimitBytes,
  });
  const app = buildApp(services, config, logger);
  const credential = async (scopes: Scope[], name = 'test client') => {
    const issued = await storage.credentials.create({ name, scopes });
    return basicAuth(issued.key, issued.secret);
  };
  return {
    app,
    services,
    storage,
    auth: await credential(['all', 'admin'], 'test admin'),
    credential,
    close: dispose,
  };
}

export function basicAuth(key: string, secret: string): string {
  return `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
}
