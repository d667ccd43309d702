import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { MongoClient } from 'mongodb';
import { buildApp, createServices, prepareStorage, type Services } from './app';
import { authorityHomePage } from './auth/credential-store';
import { ensureAdminCredential } from './auth/bootstrap';
import type { Config } from './config';
import { connectMongo } from './db/mongo';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './db/embedded';
import { AnchoringService } from './anchoring/anchoring-service';
import { Lease } from './jobs/lease';
import { ScheduledJob } from './jobs/scheduled-job';
import type { Logger } from './logger';
import { recoverAbandonedBatches } from './xapi/statements/recovery';

const RECOVERY_INTERVAL_MS = 30_000;

export interface RunningServer {
  url: string;
  services: Services;
  stop(): Promise<void>;
}

/**
 * Starts the LRS: the database (embedded when no MONGODB_URI is configured), storage
 * preparation, the admin credential, batch recovery, and the HTTP server. `stop()` lets
 * in-flight requests finish (up to the shutdown timeout) before closing the database.
 */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const embedded = config.mongodbUri ? undefined : await startEmbeddedDatabase({ dataDir: config.dataDir, logger });
  const client = await connectMongo(config.mongodbUri ?? embedded!.uri);
  const services = createServices(client.db(config.dbName), logger, {
    lrsHomePage: authorityHomePage(config),
    starknet: config.anchoring.starknet,
  });
  await prepareStorage(services);
  await ensureAdminCredential(services.credentials, config.admin, logger);
  const recovery = startRecovery(services, logger);
  const jobs = backgroundJobs(services, config, logger);
  jobs.forEach((job) => job.start());

  const server = http.createServer(buildApp(services, config, logger));
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  logger.info({ url: `${url}/xapi`, database: embedded?.kind ?? 'external' }, 'Keiko LRS listening');

  return {
    url,
    services,
    stop: () => stopServer({ server, client, embedded, recovery, jobs, timeoutMs: config.shutdownTimeoutMs, logger }),
  };
}

/** Content of replaced or deleted large documents is kept this long before it may be swept. */
const CONTENT_SWEEP_GRACE_MS = 60 * 60_000;

function backgroundJobs(services: Services, config: Config, logger: Logger): ScheduledJob[] {
  const instance = randomUUID();
  return [contentSweepJob(services, instance, logger), ...anchoringJob(services, config, instance, logger)];
}

function anchoringJob(services: Services, config: Config, instance: string, logger: Logger): ScheduledJob[] {
  if (services.anchorChain === undefined) {
    logger.info(
      'Anchoring is off: set STARKNET_RPC_URL, STARKNET_ACCOUNT_ADDRESS, STARKNET_PRIVATE_KEY and STARKNET_CONTRACT_ADDRESS to turn it on',
    );
    return [];
  }
  const anchoring = new AnchoringService({
    statements: services.statements,
    batches: services.anchorBatches,
    chain: services.anchorChain,
    maxBatch: config.anchoring.maxBatch,
    logger,
  });
  logger.info({ cron: config.anchoring.cron, maxBatch: config.anchoring.maxBatch }, 'Anchoring is on');
  return [
    new ScheduledJob({
      name: 'anchoring',
      schedule: config.anchoring.cron,
      lease: new Lease(services.db, 'anchoring', instance, 10 * 60_000),
      logger,
      run: () => anchoring.run(),
    }),
  ];
}

function contentSweepJob(services: Services, instance: string, logger: Logger): ScheduledJob {
  return new ScheduledJob({
    name: 'document-content-sweep',
    schedule: '17 * * * *',
    lease: new Lease(services.db, 'document-content-sweep', instance, 30 * 60_000),
    logger,
    run: async () => {
      const deleted = await services.documents.sweepUnreferencedContent(new Date(Date.now() - CONTENT_SWEEP_GRACE_MS));
      if (deleted > 0) logger.info({ deleted }, 'swept unreferenced document content');
    },
  });
}

function startRecovery(services: Services, logger: Logger): NodeJS.Timeout {
  const run = () =>
    recoverAbandonedBatches(services.statements, logger).catch((error: unknown) =>
      logger.warn({ err: error }, 'statement batch recovery failed; will retry'),
    );
  void run();
  const timer = setInterval(run, RECOVERY_INTERVAL_MS);
  timer.unref();
  return timer;
}

async function stopServer(parts: {
  server: http.Server;
  client: MongoClient;
  embedded?: EmbeddedDatabase;
  recovery: NodeJS.Timeout;
  jobs: ScheduledJob[];
  timeoutMs: number;
  logger: Logger;
}): Promise<void> {
  clearInterval(parts.recovery);
  await Promise.all(parts.jobs.map((job) => job.stop()));
  const closed = new Promise<void>((resolve) => parts.server.close(() => resolve()));
  parts.server.closeIdleConnections();
  const forced = setTimeout(() => parts.server.closeAllConnections(), parts.timeoutMs);
  await closed;
  clearTimeout(forced);
  await parts.client.close();
  await parts.embedded?.stop();
  parts.logger.info('Keiko LRS stopped');
}
