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

/** The LRS could not listen on HOST:PORT; the message says why and what to do. */
export class ListenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ListenError';
  }
}

/**
 * Starts the LRS: the storage (SQLite under DATA_DIR, or MongoDB when MONGODB_URI is set), made
 * whole and ready before anything is served, the admin credential, the background jobs and the
 * HTTP server. `stop()` lets in-flight requests finish (up to the shutdown timeout) before
 * closing the storage. A start that fails part way stops what it had started (jobs, event
 * delivery, the storage and DATA_DIR's lock) before rejecting.
 */
export async function startServer(config: Config, logger: Logger, plugins: LoadedPlugin[] = []): Promise<RunningServer> {
  const homePage = authorityHomePage(config);
  const storage = await openStorage(config, { authorityHomePage: homePage, logger, exclusive: true });
  logger.info(`Storage: ${storage.engine} at ${storage.location}`);
  let services: Services | undefined;
  let jobs: ScheduledJob[] = [];
  try {
    services = await createServices(storage, logger, {
      lrsHomePage: homePage,
      plugins,
      jsonBodyLimitBytes: config.jsonBodyLimitBytes,
      multipartBodyLimitBytes: config.multipartBodyLimitBytes,
      oidc: config.oidc,
    });
    if (plugins.length > 0) logger.info({ plugins: services.plugins.map(({ name, version }) => `${name}@${version}`) }, 'Plugins set up');
    await ensureAdminCredential(storage.credentials, config.admin, logger);
    jobs = backgroundJobs(services, logger);
    jobs.forEach((job) => job.start());
    services.events.start();

    const server = http.createServer(buildApp(services, config, logger));
    await listen(server, config.port, config.host);
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://${config.host}:${port}`;
    logger.info({ url: `${url}/xapi` }, 'Keiko LRS listening');
    const running = services;
    return {
      url,
      services: running,
      stop: () => stopServer({ server, services: running, jobs, timeoutMs: config.shutdownTimeoutMs, logger }),
    };
  } catch (error) {
    await stopBackground(jobs, services);
    await storage.close();
    throw error;
  }
}

/** Resolves once listening; a refusal is a ListenError naming the cause and the setting to change. */
function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const refused = (error: NodeJS.ErrnoException) => reject(listenError(error, port, host));
    server.once('error', refused);
    server.listen(port, host, () => {
      server.off('error', refused);
      resolve();
    });
  });
}

function listenError(error: NodeJS.ErrnoException, port: number, host: string): Error {
  switch (error.code) {
    case 'EADDRINUSE':
      return new ListenError(`Port ${port} on ${host} is already in use by another program. Stop that program, or set PORT to a free port.`);
    case 'EACCES':
      return new ListenError(`Not allowed to listen on port ${port} on ${host} (ports below 1024 need privileges). Set PORT to 1024 or above.`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new ListenError(`Cannot listen on ${host}: it is not an address of this machine. Set HOST to one of its addresses, such as 127.0.0.1 or 0.0.0.0.`);
    default:
      return error;
  }
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
  await stopBackground(parts.jobs, parts.services);
  const closed = new Promise<void>((resolve) => parts.server.close(() => resolve()));
  parts.server.closeIdleConnections();
  const forced = setTimeout(() => parts.server.closeAllConnections(), parts.timeoutMs);
  await closed;
  clearTimeout(forced);
  await parts.services.storage.close();
  parts.logger.info('Keiko LRS stopped');
}

async function stopBackground(jobs: ScheduledJob[], services: Services | undefined): Promise<void> {
  await Promise.all([...jobs.map((job) => job.stop()), services?.events.stop()]);
}
