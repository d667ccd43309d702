import type { Logger } from '../../logger';
import { applyBatchEffects } from './batch-effects';
import type { StatementStorage } from './statement-storage';

/** A request never holds a batch open this long, so an older unfinished batch was abandoned. */
export const ABANDONED_BATCH_MS = 60_000;

/**
 * Completes batches a crashed or killed process left behind: a batch that never reached its
 * commit point is rolled back (its client got no acknowledgement), a committed one gets its
 * side effects re-applied. Safe to run concurrently from several instances.
 */
export async function recoverAbandonedBatches(
  storage: StatementStorage,
  logger: Logger,
  now: Date = new Date(),
): Promise<number> {
  const abandoned = await storage.unfinishedBatches(new Date(now.getTime() - ABANDONED_BATCH_MS));
  for (const batch of abandoned) {
    if (batch.state === 'committed') {
      const statements = await storage.findExisting(batch.statementIds);
      await applyBatchEffects(storage, [...statements.values()].filter((s) => s.batchId === batch.id));
      await storage.finishBatch(batch.id);
    } else {
      await storage.abortBatch(batch.id, batch.statementIds);
    }
    logger.info({ batchId: batch.id, state: batch.state }, 'recovered abandoned statement batch');
  }
  return abandoned.length;
}
