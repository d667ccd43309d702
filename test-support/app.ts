import type { Express } from 'express';
import { MongoClient } from 'mongodb';
import pino from 'pino';
import type { AnchorChain } from '../src/anchoring/chain/anchor-chain';
import { buildApp, createServices, prepareStorage, type Services } from '../src/app';
import type { Scope } from '../src/auth/scopes';
import { loadConfig } from '../src/config';
import { testDatabase } from './database';

export interface TestLrs {
  app: Express;
  services: Services;
  client: MongoClient;
  /** Basic auth header value of an `all`-scope credential. */
  auth: string;
  credential(scopes: Scope[], name?: string): Promise<string>;
  close(): Promise<void>;
}

export const XAPI_VERSION_HEADER = { 'X-Experience-API-Version': '1.0.3' };

/** The full app on a fresh database of the test run's embedded server. */
export async function createTestLrs(env: Record<string, string> = {}, anchorChain?: AnchorChain): Promise<TestLrs> {
  const { uri, dbName } = testDatabase();
  const client = await MongoClient.connect(uri);
  const db = client.db(dbName);
  const logger = pino({ level: 'silent' });
  const config = loadConfig(env);
  const services = createServices(db, logger, {
    lrsHomePage: 'http://lrs.test/',
    starknet: config.anchoring.starknet,
    anchorChain,
  });
  await prepareStorage(services);
  const app = buildApp(services, config, logger);
  const credential = async (scopes: Scope[], name = 'test client') => {
    const issued = await services.credentials.create({ name, scopes });
    return basicAuth(issued.key, issued.secret);
  };
  return {
    app,
    services,
    client,
    auth: await credential(['all'], 'test admin'),
    credential,
    close: async () => {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}

export function basicAuth(key: string, secret: string): string {
  return `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
}
