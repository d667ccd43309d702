import express, { Router, type Express, type RequestHandler } from 'express';
import pinoHttp from 'pino-http';
import type { AnchorChain } from './anchoring/chain/anchor-chain';
import { StarknetAnchorChain } from './anchoring/chain/starknet-anchor-chain';
import { receiptSignerFromPrivateKey } from './anchoring/core/receipt';
import { ReceiptService } from './anchoring/receipts';
import { anchoringRoutes } from './anchoring/routes';
import { authenticate } from './auth/authenticate';
import type { Config } from './config';
import { alternateRequestSyntax } from './http/alternate-request';
import { rawBody } from './http/body';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { requireXapiVersion, sendXapiVersion } from './http/xapi-version';
import { cronPeriodMs } from './jobs/cron-period';
import type { Logger } from './logger';
import { apiDocsRoutes } from './ops/api-docs';
import { Metrics } from './ops/metrics';
import { operationsRoutes } from './ops/routes';
import type { StorageBackend } from './storage/backend';
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

/** Everything the HTTP layer needs, built once from the storage backend and configuration. */
export interface Services {
  storage: StorageBackend;
  ingest: StatementIngest;
  reader: StatementReader;
  metrics: Metrics;
  /** Absent while anchoring is off (no Starknet settings). */
  anchorChain?: AnchorChain;
  receipts: ReceiptService;
}

export type AppOptions = Pick<
  Config,
  'jsonBodyLimitBytes' | 'multipartBodyLimitBytes' | 'documentBodyLimitBytes' | 'statementsPageSize'
>;

export interface ServiceOptions {
  /** The LRS's public base URL: the issuer of receipts. */
  lrsHomePage: string;
  anchoring: Config['anchoring'];
  /** Replaces the Starknet adapter (tests use an in-memory chain). */
  anchorChain?: AnchorChain;
}

export function createServices(storage: StorageBackend, logger: Logger, options: ServiceOptions): Services {
  const { lrsHomePage, anchoring } = options;
  const { starknet } = anchoring;
  const anchorChain = starknet === undefined ? undefined : (options.anchorChain ?? new StarknetAnchorChain(starknet));
  const validator = createStatementValidator();
  return {
    storage,
    ingest: new StatementIngest({
      storage: storage.statements,
      blobs: storage.attachments,
      activities: storage.activities,
      agents: storage.agents,
      validateStatement: (statement, path) => validator.validateStatement(statement, path),
      matchAttachments,
      verifySignatures: verifySignedStatements,
      logger,
    }),
    reader: new StatementReader(storage.statements, storage.attachments, storage.activities),
    metrics: new Metrics(),
    anchorChain,
    receipts: new ReceiptService({
      batches: storage.anchorBatches,
      starknet:
        starknet && anchorChain
          ? { chain: anchorChain, signer: receiptSignerFromPrivateKey(starknet.privateKey, starknet.accountAddress) }
          : undefined,
      lrsUrl: lrsHomePage,
      anchoringPeriodMs: cronPeriodMs(anchoring.cron),
    }),
  };
}

export function buildApp(services: Services, options: AppOptions, logger: Logger): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(pinoHttp({ logger, autoLogging: { ignore: (req) => req.url === '/health' } }));
  app.use(services.metrics.middleware());
  app.use(operationsRoutes(services.storage, services.metrics));
  app.use(apiDocsRoutes());
  const { storage } = services;
  const authenticateCredentials = authenticate({ store: storage.credentials });
  app.use(XAPI_BASE_PATH, xapiRouter(services, options, authenticateCredentials));
  app.use(
    anchoringRoutes({
      receipts: services.receipts,
      batches: storage.anchorBatches,
      statementCredential: async (id) => (await storage.statements.getById(id))?.credentialKey,
      authenticate: authenticateCredentials,
      bodyLimitBytes: options.jsonBodyLimitBytes,
    }),
  );
  app.use(notFoundHandler());
  app.use(errorHandler(logger));
  return app;
}

function xapiRouter(services: Services, options: AppOptions, authenticateCredentials: RequestHandler): Router {
  const validator = createStatementValidator();
  const validateActor = (actor: unknown, path: string) => validator.validateActor(actor, path);
  const router = Router();
  router.use(sendXapiVersion());
  const { storage } = services;
  router.use('/statements', consistentThroughHeader(storage.statements));
  router.use(rawBody(Math.max(options.jsonBodyLimitBytes, options.multipartBodyLimitBytes, options.documentBodyLimitBytes)));
  router.use(alternateRequestSyntax());
  router.use(aboutRoutes({}));
  router.use(requireXapiVersion());
  router.use(authenticateCredentials);
  router.use(
    statementRoutes({
      ingest: services.ingest,
      reader: services.reader,
      storage: storage.statements,
      validateActor,
      maxPageSize: options.statementsPageSize,
      jsonBodyLimitBytes: options.jsonBodyLimitBytes,
      onStored: (count) => services.metrics.statementsStored.inc(count),
    }),
  );
  router.use(activityRoutes(storage.activities));
  router.use(agentRoutes(storage.agents, validateActor));
  router.use(
    documentRoutes({
      storage: storage.documents,
      validateActor,
      bodyLimitBytes: options.documentBodyLimitBytes,
    }),
  );
  return router;
}
