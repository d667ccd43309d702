import { mergeViews, sameView, type FilterView } from './filter-view';
import type { ExistingStatement, NewStatementRecord } from './statement-storage';

type BatchStatement = Pick<NewStatementRecord, 'id' | 'views' | 'targetId' | 'voidsId'>;

/**
 * What an adapter reads of the statements already stored, synchronously: inside a SQLite
 * transaction these are queries; the MongoDB adapter fetches what a batch needs first.
 */
export interface EffectReads {
  /** Stored statements among these ids. */
  existing(ids: string[]): Map<string, ExistingStatement>;
  /** Stored statements whose object is a StatementRef to `id`. */
  referrersOf(id: string): ExistingStatement[];
}

/** The writes that storing a batch implies, beside inserting its statements. */
export interface BatchEffects {
  /** The final filter view of every statement of the batch. */
  views: Map<string, FilterView>;
  /** Statements of the batch that a statement stored earlier voids. */
  voidedOnArrival: Set<string>;
  /** Stored statements that a statement of the batch voids. */
  voidStored: string[];
  /** Stored statements whose view grows, with their new view. */
  grownViews: Map<string, FilterView>;
  /** References to statements not stored yet, to be resolved when they arrive. */
  unresolved: { targetId: string; referrerId: string }[];
  /** Statements of the batch that stored statements were waiting for. */
  resolved: string[];
}

/**
 * The effects of storing a batch, computed from the batch and what is stored, without writing:
 * - voiding: the target of a voiding statement is voided unless it is a voiding statement itself
 *   (Data 2.3.2.s2.b3), also when the target arrives after the voiding statement;
 * - views: a statement targeting another through a StatementRef matches the filters its target
 *   matches (Communication 2.1.3.s3), recursively and whichever arrives first.
 * Views only grow, so the walk ends (also on reference cycles); it is iterative, and each
 * statement is visited again only when its view grew.
 */
export function planBatchEffects(batch: BatchStatement[], reads: EffectReads): BatchEffects {
  const inBatch = new Map(batch.map((statement) => [statement.id, statement]));
  const outsideTargets = [...new Set(batch.flatMap((s) => (s.targetId && !inBatch.has(s.targetId) ? [s.targetId] : [])))];
  const existing = reads.existing(outsideTargets);
  const effects: BatchEffects = {
    views: new Map(batch.map((statement) => [statement.id, statement.views])),
    voidedOnArrival: new Set(),
    voidStored: [],
    grownViews: new Map(),
    unresolved: [],
    resolved: [],
  };
  const referrersInBatch = new Map<string, BatchStatement[]>();
  const work: { id: string; targetView: FilterView }[] = [];

  for (const statement of batch) {
    if (statement.targetId === undefined) continue;
    const target = inBatch.get(statement.targetId) ?? existing.get(statement.targetId);
    if (target === undefined) {
      effects.unresolved.push({ targetId: statement.targetId, referrerId: statement.id });
      continue;
    }
    if (voids(statement, target)) {
      if (inBatch.has(target.id)) effects.voidedOnArrival.add(target.id);
      else effects.voidStored.push(target.id);
    }
    const referrers = referrersInBatch.get(target.id) ?? [];
    referrers.push(statement);
    referrersInBatch.set(target.id, referrers);
    work.push({ id: statement.id, targetView: target.views });
  }

  const storedReferrers = new Map<string, ExistingStatement>();
  const waitingFor = new Map<string, ExistingStatement[]>();
  for (const arrived of batch) {
    const waiting = reads.referrersOf(arrived.id);
    if (waiting.length === 0) continue;
    effects.resolved.push(arrived.id);
    waitingFor.set(arrived.id, waiting);
    for (const referrer of waiting) {
      if (voids(referrer, arrived)) effects.voidedOnArrival.add(arrived.id);
      storedReferrers.set(referrer.id, referrer);
      work.push({ id: referrer.id, targetView: arrived.views });
    }
  }

  const viewOf = (id: string): FilterView =>
    effects.views.get(id) ?? effects.grownViews.get(id) ?? storedReferrers.get(id)!.views;
  while (work.length > 0) {
    const { id, targetView } = work.pop()!;
    const current = viewOf(id);
    const grown = mergeViews(current, targetView);
    if (sameView(grown, current)) continue;
    if (inBatch.has(id)) effects.views.set(id, grown);
    else effects.grownViews.set(id, grown);
    for (const referrer of referrersInBatch.get(id) ?? []) work.push({ id: referrer.id, targetView: grown });
    for (const referrer of inBatch.has(id) ? (waitingFor.get(id) ?? []) : reads.referrersOf(id)) {
      if (!storedReferrers.has(referrer.id)) storedReferrers.set(referrer.id, referrer);
      work.push({ id: referrer.id, targetView: grown });
    }
  }
  return effects;
}

function voids(statement: Pick<BatchStatement, 'voidsId'>, target: Pick<BatchStatement, 'id' | 'voidsId'>): boolean {
  return statement.voidsId === target.id && target.voidsId === undefined;
}
