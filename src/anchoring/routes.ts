// Temporary: the old wiring's copy, removed with it (issue 9: anchoring is the plugin src/plugins/anchoring now).
import { Router, type RequestHandler } from 'express';
import { requireScope } from '../auth/authenticate';
import { BadRequestCode, BadRequestError, NotFoundError } from '../errors';
import { rawBody, readJsonBody } from '../http/body';
import { singleParameters } from '../http/parameters';
import { parseUuidParameter } from '../xapi/parameters';
import type { StoredStatement } from '../xapi/types';
import type { AnchorBatch, AnchorBatchStore } from './batches/anchor-batch-store';
import { receiptVerified } from '../plugins/anchoring/core/receipt';
import type { ReceiptService } from './receipts';

const BATCH_PAGE = 50;

export interface AnchoringRoutesOptions {
  receipts: ReceiptService;
  batches: AnchorBatchStore;
  /**
   * The key of the credential that stored a statement, undefined when no statement has this id
   * (voided statements included): `(await statements.getById(id))?.credentialKey`.
   */
  statementCredential(statementId: string): Promise<string | undefined>;
  authenticate: RequestHandler;
  bodyLimitBytes: number;
}

/**
 * /anchoring: receipts of anchored statements (reading them needs statement read scope; with
 * `statements/read/mine`, only of the credential's own statements), verification of a receipt
 * against the chain (open to anyone), and the list of batches.
 */
export function anchoringRoutes(options: AnchoringRoutesOptions): Router {
  const { receipts, batches } = options;
  const router = Router();
  router.use('/anchoring', rawBody(options.bodyLimitBytes));

  router.post('/anchoring/verify', async (req, res) => {
    const body = readJsonBody(req) as { receipt?: unknown; statement?: StoredStatement };
    if (typeof body !== 'object' || body === null || body.receipt === undefined) {
      throw new BadRequestError(BadRequestCode.InvalidParameter, 'Send {"receipt": {...}, "statement": {...}?}');
    }
    const checks = await receipts.verify(body.receipt, body.statement);
    res.json({ verified: receiptVerified(checks), checks });
  });

  router.use('/anchoring', options.authenticate);

  router.get('/anchoring/receipts/:statementId', requireScope({ resource: 'statements', write: false }), async (req, res) => {
    const statementId = parseUuidParameter('statementId', String(req.params.statementId));
    receipts.assertAnchoringOn();
    const storedBy = await options.statementCredential(statementId);
    // Another credential's statement looks exactly like one that does not exist.
    if (storedBy === undefined || (req.readMineOnly && storedBy !== req.credential?.key)) {
      throw new NotFoundError(`No statement found for statementId=${statementId}`);
    }
    res.json(await receipts.receiptFor(statementId));
  });

  router.get('/anchoring/batches', requireScope({ resource: 'statements', write: false }), async (req, res) => {
    const { before } = singleParameters(req.query, { optional: ['before'], resource: 'GET anchoring/batches' });
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
