import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { buildApp, createServices, type Services } from './app';
import { authorityHomePage } from './auth/credential-store';
import { ensureAdminCredential } from './auth/bootstrap';
import type { Config } from './config';
import { Lease } from './jobs/lease';
import { ScheduledJob } from './jobs/scheduled-job';
import type { Logger } from './logger';
import type { LoadedPlugin } from './platform/plugins/load';
import { openStorage } from './storage/open';

export interface RunningServer {
  url: string;
  services: Services;
  stop(): Promise<void>;
}

/**
 * Starts the LRS: the storage (SQLite under DATA_DIR, or MongoDB when MONGODB_URI is set), made
 * whole and ready before anything is served, the admin credential, the background jobs and the
 * HTTP server. `stop()` lets in-flight requests finish (up to the shutdown timeout) before
 * closing the storage.
 */
export async function startServer(config: Config, logger: Logger, plugins: LoadedPlugin[] = []): Promise<RunningServer> {
  const homePage = authorityHomePage(config);
  const storage = await openStorage(config, { authorityHomePage: homePage, logger, exclusive: true });
  logger.info({ engine: storage.engine, location: storage.location }, `Storage: ${storage.engine} at ${storage.location}`);
  const services = await createServices(storage, logger, {
    lrsHomePage: homePage,
    plugins,
    jsonBodyLimitBytes: config.jsonBodyLimitBytes,
    oidc: config.oidc,
  });
  if (plugins.length > 0) logger.info({ plugins: services.plugins.map(({ name, version }) => `${name}@${version}`) }, 'Plugins set up');
  await ensureAdminCredential(storage.credentials, config.admin, logger);
  const jobs = backgroundJobs(services, logger);
  jobs.forEach((job) => job.start());
  services.events.start();

  const server = http.createServer(buildApp(services, config, logger));
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  logger.info({ url: `${url}/xapi` }, 'Keiko LRS listening');

  return {
    url,
    services,
    stop: () => stopServer({ server, services, jobs, timeoutMs: config.shutdownTimeoutMs, logger }),
  };
}

/** Content of replaced or deleted large documents is kept this long before it may be swept. */
const CONTENT_SWEEP_GRACE_MS = 60 * 60_000;

function backgroundJobs(services: Services, logger: Logger): ScheduledJob[] {
  const instance = randomUUID();
  return [contentSweepJob(services, instance, logger), ...pluginJobs(services, instance, logger)];
}

/** Each plugin job under its own lease (`plugin:<plugin>:<job>`), so one instance runs it at a time. */
function pluginJobs(services: Services, instance: string, logger: Logger): ScheduledJob[] {
  return services.plugins.flatMap((plugin) =>
    plugin.jobs.map(({ name, job }) => {
      const jobName = `plugin:${plugin.name}:${name}`;
      return new ScheduledJob({
        name: jobName,
        schedule: job.schedule,
        lease: new Lease(services.storage.leases, jobName, instance),
        logger: logger.child({ plugin: plugin.name }),
        run: () => job.run(),
      });
    }),
  );
}

function contentSweepJob(services: Services, instance: string, logger: Logger): ScheduledJob {
  return new ScheduledJob({
    name: 'document-content-sweep',
    schedule: '17 * * * *',
    lease: new Lease(services.storage.leases, 'document-content-sweep', instance),
    logger,
    run: async () => {
      const deleted = await services.storage.documents.sweepUnreferencedContent(new Date(Date.now() - CONTENT_SWEEP_GRACE_MS));
      if (deleted > 0) logger.info({ deleted }, 'swept unreferenced document content');
    },
  });
}

async function stopServer(parts: {
  server: http.Server;
  services: Services;
  jobs: ScheduledJob[];
  timeoutMs: number;
  logger: Logger;
}): Promise<void> {
  await Promise.all([...parts.jobs.map((job) => job.stop()), parts.services.events.stop()]);
  const closed = new Promise<void>((resolve) => parts.server.close(() => resolve()));
  parts.server.closeIdleConnections();
  const forced = setTimeout(() => parts.server.closeAllConnections(), parts.timeoutMs);
  await closed;
  clearTimeout(forced);
  await parts.services.storage.close();
  parts.logger.info('Keiko LRS stopped');
}
