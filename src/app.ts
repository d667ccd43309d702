import express, { Router, type Express, type RequestHandler } from 'express';
import pinoHttp from 'pino-http';
import { credentialAdminRoutes } from './auth/admin-routes';
import { authenticate, verifiedCredentialCache } from './auth/authenticate';
import type { VerifiedCredentialCache } from './auth/verified-cache';
import type { Config } from './config';
import { consoleRoutes, createConsoleShell, type ConsoleShell } from './console';
import { alternateRequestSyntax } from './http/alternate-request';
import { rawBody } from './http/body';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { requireXapiVersion, sendXapiVersion } from './http/xapi-version';
import { requestLogSerializers, type Logger } from './logger';
import { apiDocsRoutes, loadOpenApiDocument } from './ops/api-docs';
import { Metrics } from './ops/metrics';
import { operationsRoutes } from './ops/routes';
import { openPeople, peopleForPlugins, peopleRoutes, signInRoutes, type People } from './people';
import { EventDelivery } from './platform/events/delivery';
import { registerEventMetrics } from './platform/events/metrics';
import { pluginSubscribers } from './platform/events/plugin-subscribers';
import { eventAdminRoutes } from './platform/events/routes';
import type { LoadedPlugin } from './platform/plugins/load';
import { mergeOpenApi, pluginRoutes, setUpPlugins, type RunningPlugin } from './platform/plugins/platform';
import { pluginStatementReader, pluginSubmitter } from './platform/plugins/statement-reader';
import { createProfileService, profilePatternSubscriber, profileRouter, type ProfileService } from './profiles';
import { registerPluginProfiles } from './platform/plugins/profiles';
import { registerKeikoProfiles } from './profiles/built-in';
import type { StorageBackend } from './storage/backend';
import { webErrorHandler, webNotFound, webRoutes } from './web';
import { aboutRoutes } from './xapi/about/routes';
import { activityRoutes } from './xapi/activities/routes';
import { agentRoutes } from './xapi/agents/routes';
import { documentRoutes } from './xapi/documents/routes';
import { matchAttachments } from './xapi/statements/attachments/statement-request';
import { verifySignedStatements } from './xapi/statements/attachments/signature';
import { StatementIngest } from './xapi/statements/ingest';
import { StatementReader } from './xapi/statements/reader';
import { consistentThroughHeader, statementRoutes } from './xapi/statements/routes';
import { createStatementValidator } from './xapi/statements/validation/validate-statement';

export const XAPI_BASE_PATH = '/xapi';
/** How long PluginStatements.record({ applied: true }) waits for the plugin's own onEvents. */
const RECORDED_APPLIED_WAIT_MS = 2000;

/** Everything the HTTP layer needs, built once from the storage backend and configuration. */
export interface Services {
  storage: StorageBackend;
  ingest: StatementIngest;
  reader: StatementReader;
  metrics: Metrics;
  /** HTTP Basic authentication against the credential store, with one verified-credential cache. */
  authenticate: RequestHandler;
  /** The cache `authenticate` trusts for up to 60 s: revoking a credential in this process invalidates its key at once. */
  credentialCache: VerifiedCredentialCache;
  /** The plugins set up for this app (PLUGINS), in load order. */
  plugins: RunningPlugin[];
  /** xAPI Profiles: the registry, enforcement on ingest, patterns per registration. */
  profiles: ProfileService;
  /** Durable post-store events to the plugins' handlers and the profile patterns (started by the server). */
  events: EventDelivery;
  /** People, their identities and roles, sessions and sign-in (docs/people.md). */
  people: People;
  /** The admin console's shell: its sessions, and the sections plugins add (docs/console.md). */
  console: ConsoleShell;
}

export type AppOptions = Pick<
  Config,
  'jsonBodyLimitBytes' | 'multipartBodyLimitBytes' | 'documentBodyLimitBytes' | 'statementsPageSize' | 'metricsToken' | 'trustProxy'
>;

export interface ServiceOptions {
  /** The LRS's public base URL, handed to plugins (anchoring's receipts name it as their issuer). */
  lrsHomePage: string;
  /** The plugins to set up (loadPlugins), with their settings. */
  plugins: LoadedPlugin[];
  jsonBodyLimitBytes: number;
  /** Statements with attachments that plugins receive (PluginHttp.statementsBody); the JSON limit when absent. */
  multipartBodyLimitBytes?: number;
  /** OpenID Connect sign-in; without it people sign in with login links only. */
  oidc?: Config['oidc'];
}

export async function createServices(storage: StorageBackend, logger: Logger, options: ServiceOptions): Promise<Services> {
  const validator = createStatementValidator();
  const credentialCache = verifiedCredentialCache();
  const authenticateCredentials = authenticate({ store: storage.credentials, cache: credentialCache });
  const metrics = new Metrics();
  const profiles = createProfileService({ collections: storage.collections, statements: storage.statements, logger });
  const people = await openPeople(storage.collections, { publicUrl: options.lrsHomePage.replace(/\/+$/, ''), oidc: options.oidc });
  const consoleShell = await createConsoleShell({
    credentials: storage.credentials,
    collections: storage.collections,
    secureCookies: options.lrsHomePage.startsWith('https://'),
    logger,
  });
  const ingest = new StatementIngest({
    storage: storage.statements,
    blobs: storage.attachments,
    activities: storage.activities,
    agents: storage.agents,
    validateStatement: (statement, path) => validator.validateStatement(statement, path),
    matchAttachments,
    verifySignatures: verifySignedStatements,
    logger,
    batchCheck: profiles.enforcement,
  });
  let events: EventDelivery | undefined;
  const plugins = await setUpPlugins(options.plugins, {
    collections: storage.collections,
    statements: pluginStatementReader(storage.statements, storage.attachments),
    recordStatements: async (plugin, statements, recordOptions) => {
      const ids = await ingest.store(statements, pluginSubmitter(plugin, options.lrsHomePage));
      events?.notify(); // plugins see what a plugin recorded at once, not at the next poll
      if (recordOptions?.applied) await events?.caughtUp(plugin, RECORDED_APPLIED_WAIT_MS);
      return ids;
    },
    receiveStatements: async (plugin, items, { authority, attachments = [] }) => {
      const submitter = { ...pluginSubmitter(plugin, options.lrsHomePage), authority };
      const keepAuthority = new Set(items.flatMap((item, index) => (item.keepAuthority === true ? [index] : [])));
      const received = attachments.map(({ sha2, contentType, content }) => ({ sha2, contentType, body: content, headers: {} }));
      const ids = await ingest.store(items.map((item) => item.statement), submitter, received, { keepAuthority });
      events?.notify();
      return ids;
    },
    eventsCaughtUp: async (plugin, timeoutMs) => (await events?.caughtUp(plugin, timeoutMs)) ?? false,
    authenticate: authenticateCredentials,
    logger,
    publicUrl: options.lrsHomePage,
    jsonBodyLimitBytes: options.jsonBodyLimitBytes,
    multipartBodyLimitBytes: options.multipartBodyLimitBytes ?? options.jsonBodyLimitBytes,
    people: peopleForPlugins(people),
    metrics: metrics.registry,
    console: consoleShell,
  });
  consoleShell.addSections(plugins.flatMap((plugin) => plugin.console));
  await registerKeikoProfiles(profiles.registry, logger);
  await registerPluginProfiles(options.plugins, profiles.registry, logger);
  events = await EventDelivery.open({
    statements: storage.statements,
    collections: storage.collections,
    leases: storage.leases,
    subscribers: [...pluginSubscribers(plugins), profilePatternSubscriber(profiles)],
    logger,
  });
  registerEventMetrics(metrics.registry, events, logger);
  return {
    storage,
    authenticate: authenticateCredentials,
    credentialCache,
    ingest,
    reader: new StatementReader(storage.statements, storage.attachments, storage.activities),
    metrics,
    plugins,
    profiles,
    events,
    people,
    console: consoleShell,
  };
}

export function buildApp(services: Services, options: AppOptions, logger: Logger): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // Only what TRUST_PROXY names: otherwise any client could choose its address (the console's sign-in throttle counts by it).
  app.set('trust proxy', options.trustProxy ?? false);
  app.use(pinoHttp({ logger, serializers: requestLogSerializers, autoLogging: { ignore: (req) => req.url === '/health' } }));
  app.use(services.metrics.middleware());
  app.use(operationsRoutes(services.storage, services.metrics, { metricsToken: options.metricsToken }));
  app.use(apiDocsRoutes(mergeOpenApi(loadOpenApiDocument(), services.plugins)));
  const validator = createStatementValidator();
  const validateActor = (actor: unknown, path: string) => validator.validateActor(actor, path);
  app.use(XAPI_BASE_PATH, xapiRouter(services, options, validateActor));
  app.use(peopleRoutes(services.people, { authenticate: services.authenticate, validateActor, jsonBodyLimitBytes: options.jsonBodyLimitBytes }));
  app.use(services.people.sessions.middleware());
  app.use(webRoutes({ siteNav: services.plugins.flatMap((plugin) => plugin.nav) }));
  app.use(signInRoutes(services.people, { validateActor, logger }));
  app.use(
    profileRouter(services.profiles, {
      credentials: services.storage.credentials,
      statements: services.storage.statements,
      authenticate: services.authenticate,
      bodyLimitBytes: options.jsonBodyLimitBytes,
    }),
  );
  app.use(
    credentialAdminRoutes({
      store: services.storage.credentials,
      cache: services.credentialCache,
      authenticate: services.authenticate,
      jsonBodyLimitBytes: options.jsonBodyLimitBytes,
    }),
  );
  app.use(eventAdminRoutes({ delivery: services.events, authenticate: services.authenticate }));
  app.use(pluginRoutes(services.plugins));
  app.use(
    consoleRoutes(services.console, {
      credentials: services.storage.credentials,
      cache: services.credentialCache,
      reader: services.reader,
      events: services.events,
      profiles: services.profiles,
      storage: services.storage,
      plugins: services.plugins,
      logger,
    }),
  );
  app.use(webNotFound());
  app.use(notFoundHandler());
  app.use(webErrorHandler(logger));
  app.use(errorHandler(logger));
  return app;
}

function xapiRouter(services: Services, options: AppOptions, validateActor: (actor: unknown, path: string) => void): Router {
  const router = Router();
  router.use(sendXapiVersion());
  const { storage } = services;
  router.use('/statements', consistentThroughHeader(storage.statements));
  router.use(rawBody(Math.max(options.jsonBodyLimitBytes, options.multipartBodyLimitBytes, options.documentBodyLimitBytes)));
  router.use(alternateRequestSyntax());
  router.use(aboutRoutes({}));
  router.use(requireXapiVersion());
  router.use(services.authenticate);
  router.use(
    statementRoutes({
      ingest: services.ingest,
      reader: services.reader,
      storage: storage.statements,
      validateActor,
      maxPageSize: options.statementsPageSize,
      jsonBodyLimitBytes: options.jsonBodyLimitBytes,
      onStored: (count) => {
        services.metrics.statementsStored.inc(count);
        services.events.notify();
      },
    }),
  );
  router.use(activityRoutes(storage.activities));
  router.use(agentRoutes(storage.agents, validateActor, services.people.service));
  router.use(
    documentRoutes({
      storage: storage.documents,
      validateActor,
      bodyLimitBytes: options.documentBodyLimitBytes,
    }),
  );
  return router;
}
