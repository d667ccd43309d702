import { mergeViews, sameView, type FilterView } from './filter-view';
import type { ExistingStatement, StatementStorage } from './statement-storage';

type BatchStatement = Pick<ExistingStatement, 'id' | 'views' | 'targetId' | 'voidsId'>;

/**
 * What a committed batch changes beyond its own statements, applied after the commit point and
 * re-applied by recovery after a crash, so every step is idempotent:
 * - voiding: targets of voiding statements are marked voided, unless they void something
 *   themselves (Data 2.3.2.s2.b3);
 * - references to statements the LRS does not have yet are remembered, and when such a
 *   statement arrives its filter views are pushed into the statements that target it
 *   (Communication 2.1.3.s3), recursively.
 */
export async function applyBatchEffects(storage: StatementStorage, batch: BatchStatement[]): Promise<void> {
  const inBatch = new Map(batch.map((statement) => [statement.id, statement]));
  const outside = [...new Set(batch.flatMap((s) => (s.targetId && !inBatch.has(s.targetId) ? [s.targetId] : [])))];
  const existing = await storage.findExisting(outside);

  const toVoid: string[] = [];
  for (const statement of batch) {
    if (statement.targetId === undefined) continue;
    const target = inBatch.get(statement.targetId) ?? existing.get(statement.targetId);
    if (target === undefined) await storage.addWaitingReferrer(statement.targetId, statement.id);
    else if (voids(statement, target)) toVoid.push(target.id);
  }
  await storage.markVoided(toVoid);
  await resolveWaitingReferrers(storage, inBatch);
}

async function resolveWaitingReferrers(storage: StatementStorage, arrived: Map<string, BatchStatement>): Promise<void> {
  const waiting = await storage.waitingReferrers([...arrived.keys()]);
  for (const [targetId, referrerIds] of waiting) {
    const target = arrived.get(targetId)!;
    const referrers = await storage.findExisting(referrerIds);
    for (const referrer of referrers.values()) {
      if (voids(referrer, target)) await storage.markVoided([target.id]);
      await propagateViews(storage, referrer, target.views);
    }
  }
  await storage.clearWaitingReferrers([...waiting.keys()]);
}

/**
 * Merges a newly arrived target's view into a statement that targets it, and on into the
 * statements that target that one. Views only grow, so a statement whose view is unchanged ends
 * the walk (this also ends reference cycles).
 */
async function propagateViews(storage: StatementStorage, statement: ExistingStatement, targetView: FilterView): Promise<void> {
  const view = mergeViews(statement.views, targetView);
  if (sameView(view, statement.views)) return;
  await storage.setViews(statement.id, view);
  for (const referrer of await storage.referrersOf(statement.id)) {
    await propagateViews(storage, referrer, view);
  }
}

function voids(statement: Pick<BatchStatement, 'voidsId'>, target: Pick<BatchStatement, 'id' | 'voidsId'>): boolean {
  return statement.voidsId === target.id && target.voidsId === undefined;
}
