import { Router } from 'express';
import {
  BadRequestCode,
  BadRequestError,
  NotFoundError,
  ownStatementsOnly,
  parseUuidParameter,
  requireStatementRead,
  singleParameters,
  type PluginHttp,
  type StatementReader,
  type StoredStatement,
} from '../../plugin-api';
import type { AnchorBatch, AnchorBatchStore } from './batches/anchor-batch-store';
import { receiptVerified } from './core/receipt';
import type { ReceiptService } from './receipts';

const BATCH_PAGE = 50;

export interface AnchoringRoutesOptions {
  receipts: ReceiptService;
  batches: AnchorBatchStore;
  /** Who stored a statement (voided statements included). */
  statements: Pick<StatementReader, 'get'>;
  http: PluginHttp;
  /** The plugin's admin console pages, mounted at /console (they sign operators in themselves). */
  consolePages?: Router;
}

/**
 * Mounted at /plugins/anchoring: receipts of anchored statements (reading them needs statement
 * read scope; with `statements/read/mine`, only of the credential's own statements),
 * verification of a receipt against the chain (open to anyone), the list of batches, and the
 * admin console's anchoring page.
 */
export function anchoringRoutes(options: AnchoringRoutesOptions): Router {
  const { receipts, batches, http } = options;
  const router = Router();

  router.post('/verify', http.jsonBody(), async (req, res) => {
    const body = req.body as { receipt?: unknown; statement?: StoredStatement };
    if (typeof body !== 'object' || body === null || body.receipt === undefined) {
      throw new BadRequestError(BadRequestCode.InvalidParameter, 'Send {"receipt": {...}, "statement": {...}?}');
    }
    const checks = await receipts.verify(body.receipt, body.statement);
    res.json({ verified: receiptVerified(checks), checks });
  });

  if (options.consolePages !== undefined) router.use('/console', options.consolePages);

  router.use(http.authenticate);

  router.get('/receipts/:statementId', requireStatementRead(), async (req, res) => {
    const statementId = parseUuidParameter('statementId', String(req.params.statementId));
    receipts.assertAnchoringOn();
    const stored = await options.statements.get(statementId);
    const owner = ownStatementsOnly(req);
    // Another credential's statement looks exactly like one that does not exist.
    if (stored === undefined || (owner !== undefined && stored.credentialKey !== owner)) {
      throw new NotFoundError(`No statement found for statementId=${statementId}`);
    }
    res.json(await receipts.receiptFor(statementId));
  });

  router.get('/batches', requireStatementRead(), async (req, res) => {
    const { before } = singleParameters(req.query, { optional: ['before'], resource: 'GET plugins/anchoring/batches' });
    if (before !== undefined && !/^\d+$/.test(before)) {
      throw new BadRequestError(BadRequestCode.InvalidParameter, `before must be a batch sequence number, got "${before}"`);
    }
    const page = await batches.list(BATCH_PAGE, before === undefined ? undefined : Number(before));
    res.json({ batches: page.map(batchSummary) });
  });

  return router;
}

function batchSummary(batch: AnchorBatch) {
  const { seq, state, count, root, transactionHash, anchor, recordedAt, attempts, lastError } = batch;
  return { seq, state, count, root, transactionHash, anchor, recordedAt, attempts, lastError: lastError ?? null };
}
