import express, { Router, type Express, type RequestHandler } from 'express';
import type { Db } from 'mongodb';
import pinoHttp from 'pino-http';
import type { AnchorBatchStore } from './anchoring/batches/anchor-batch-store';
import { MongoAnchorBatchStore } from './anchoring/batches/mongo-anchor-batch-store';
import type { AnchorChain } from './anchoring/chain/anchor-chain';
import { StarknetAnchorChain } from './anchoring/chain/starknet-anchor-chain';
import { receiptSignerFromPrivateKey } from './anchoring/core/receipt';
import { ReceiptService } from './anchoring/receipts';
import { anchoringRoutes } from './anchoring/routes';
import { authenticate } from './auth/authenticate';
import type { CredentialStore } from './auth/credential-store';
import { MongoCredentialStore } from './auth/mongo-credential-store';
import type { Config } from './config';
import { alternateRequestSyntax } from './http/alternate-request';
import { rawBody } from './http/body';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { requireXapiVersion, sendXapiVersion } from './http/xapi-version';
import type { Logger } from './logger';
import { apiDocsRoutes } from './ops/api-docs';
import { Metrics } from './ops/metrics';
import { operationsRoutes } from './ops/routes';
import { MongoBlobStore } from './storage/mongo-blob-store';
import { aboutRoutes } from './xapi/about/routes';
import type { ActivityStore } from './xapi/activities/activity-store';
import { MongoActivityStore } from './xapi/activities/mongo-activity-store';
import { activityRoutes } from './xapi/activities/routes';
import type { AgentStore } from './xapi/agents/agent-store';
import { MongoAgentStore } from './xapi/agents/mongo-agent-store';
import { agentRoutes } from './xapi/agents/routes';
import type { DocumentStorage } from './xapi/documents/document-storage';
import { MongoDocumentStorage } from './xapi/documents/mongo-document-storage';
import { documentRoutes } from './xapi/documents/routes';
import { matchAttachments } from './xapi/statements/attachments/statement-request';
import { verifySignedStatements } from './xapi/statements/attachments/signature';
import { StatementIngest } from './xapi/statements/ingest';
import { MongoStatementStorage } from './xapi/statements/mongo-statement-storage';
import { StatementReader } from './xapi/statements/reader';
import { consistentThroughHeader, statementRoutes } from './xapi/statements/routes';
import type { StatementStorage } from './xapi/statements/statement-storage';
import { createStatementValidator } from './xapi/statements/validation/validate-statement';

export const XAPI_BASE_PATH = '/xapi';

/** Everything the HTTP layer needs, built once from the database and configuration. */
export interface Services {
  db: Db;
  credentials: CredentialStore;
  statements: StatementStorage;
  activities: ActivityStore;
  agents: AgentStore;
  ingest: StatementIngest;
  reader: StatementReader;
  documents: DocumentStorage;
  metrics: Metrics;
  anchorBatches: AnchorBatchStore;
  /** Absent while anchoring is off (no Starknet settings). */
  anchorChain?: AnchorChain;
  receipts: ReceiptService;
}

export type AppOptions = Pick<
  Config,
  'jsonBodyLimitBytes' | 'multipartBodyLimitBytes' | 'documentBodyLimitBytes' | 'statementsPageSize'
>;

export interface ServiceOptions {
  /** The LRS's public base URL: the homePage of credential authorities, the issuer of receipts. */
  lrsHomePage: string;
  /** Anchoring is on when these are given. */
  starknet?: NonNullable<Config['anchoring']['starknet']>;
  /** Replaces the Starknet adapter (tests use an in-memory chain). */
  anchorChain?: AnchorChain;
}

/** The anchoring job's default period: a receipt is expected within twice that (ANCHOR_CRON is not read here). */
const ANCHOR_JOB_PERIOD_MS = 10 * 60_000;

export function createServices(db: Db, logger: Logger, options: ServiceOptions): Services {
  const { lrsHomePage, starknet } = options;
  const anchorBatches = new MongoAnchorBatchStore(db);
  const anchorChain = starknet === undefined ? undefined : (options.anchorChain ?? new StarknetAnchorChain(starknet));
  const statements = new MongoStatementStorage(db);
  const blobs = new MongoBlobStore(db, 'attachment');
  const activities = new MongoActivityStore(db);
  const agents = new MongoAgentStore(db);
  const validator = createStatementValidator();
  return {
    db,
    credentials: new MongoCredentialStore(db, { authorityHomePage: lrsHomePage }),
    statements,
    activities,
    agents,
    ingest: new StatementIngest({
      storage: statements,
      blobs,
      activities,
      agents,
      validateStatement: (statement, path) => validator.validateStatement(statement, path),
      matchAttachments,
      verifySignatures: verifySignedStatements,
      logger,
    }),
    reader: new StatementReader(statements, blobs, activities),
    documents: new MongoDocumentStorage(db, new MongoBlobStore(db, 'document')),
    metrics: new Metrics(),
    anchorBatches,
    anchorChain,
    receipts: new ReceiptService({
      batches: anchorBatches,
      starknet:
        starknet && anchorChain
          ? { chain: anchorChain, signer: receiptSignerFromPrivateKey(starknet.privateKey, starknet.accountAddress) }
          : undefined,
      lrsUrl: lrsHomePage,
      jobPeriodMs: ANCHOR_JOB_PERIOD_MS,
    }),
  };
}

/** Prepares the database (indexes) for the services; idempotent. */
export async function prepareStorage(services: Services): Promise<void> {
  await services.statements.ensureIndexes();
  await services.anchorBatches.ensureIndexes();
  await services.documents.ensureIndexes();
}

export function buildApp(services: Services, options: AppOptions, logger: Logger): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(pinoHttp({ logger, autoLogging: { ignore: (req) => req.url === '/health' } }));
  app.use(services.metrics.middleware());
  app.use(operationsRoutes(services.db, services.metrics));
  app.use(apiDocsRoutes());
  const authenticateCredentials = authenticate({ store: services.credentials });
  app.use(XAPI_BASE_PATH, xapiRouter(services, options, authenticateCredentials));
  app.use(
    anchoringRoutes({
      receipts: services.receipts,
      batches: services.anchorBatches,
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
  router.use('/statements', consistentThroughHeader(services.statements));
  router.use(rawBody(Math.max(options.jsonBodyLimitBytes, options.multipartBodyLimitBytes, options.documentBodyLimitBytes)));
  router.use(alternateRequestSyntax());
  router.use(aboutRoutes({}));
  router.use(requireXapiVersion());
  router.use(authenticateCredentials);
  router.use(
    statementRoutes({
      ingest: services.ingest,
      reader: services.reader,
      storage: services.statements,
      validateActor,
      maxPageSize: options.statementsPageSize,
      jsonBodyLimitBytes: options.jsonBodyLimitBytes,
      onStored: (count) => services.metrics.statementsStored.inc(count),
    }),
  );
  router.use(activityRoutes(services.activities));
  router.use(agentRoutes(services.agents, validateActor));
  router.use(
    documentRoutes({
      storage: services.documents,
      validateActor,
      bodyLimitBytes: options.documentBodyLimitBytes,
    }),
  );
  return router;
}
