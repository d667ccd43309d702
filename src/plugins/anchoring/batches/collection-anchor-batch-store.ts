import type { Collection, CollectionDeclaration } from '../../../plugin-api';
import type { AnchorBatch, AnchorBatchState, AnchorBatchStore, AnchorLeaf } from './anchor-batch-store';

/**
 * The plugin's stores, as its manifest declares them. `batches`: one document per batch, id its
 * sequence number in decimal, with the fields its queries select on at the top level (`seq`,
 * `state`, and `finality`, the finality of its anchor once anchored). `leaves`: one document per
 * statement, id the statement id (leafOf is a lookup by id, unique by construction).
 */
export const ANCHORING_STORES = {
  batches: {
    indexes: [
      { name: 'seq', fields: ['seq'], unique: true },
      { name: 'state_seq', fields: ['state', 'seq'] },
      { name: 'finality_seq', fields: ['finality', 'state', 'seq'] },
    ],
  },
  leaves: {},
} satisfies Record<string, CollectionDeclaration>;

/** A batch as stored: JSON, so its times are ISO strings. */
export type BatchDocument = Omit<AnchorBatch, 'recordedAt' | 'nextAttemptAt' | 'anchoredAt'> & {
  recordedAt: string;
  nextAttemptAt: string;
  anchoredAt?: string;
  finality?: string;
};
export type LeafDocument = Omit<AnchorLeaf, 'statementId'>;

/** Leaves written at once, so a batch of thousands does not wait for each write in turn. */
const LEAF_WRITES_AT_ONCE = 64;
/** Tries of one update before giving up when other writers keep changing the batch. */
const UPDATE_TRIES = 5;

/**
 * AnchorBatchStore over the plugin's two collections, the same on both engines. There are no
 * multi-document transactions: a batch's leaves are written before the batch (idempotently, so a
 * crash in between leaves leaves that the retry rewrites), a batch already recorded under this
 * number is refused before its leaves are touched, and one recorded concurrently by another
 * instance covers the same statements, so the leaves both write are the same.
 */
export class CollectionAnchorBatchStore implements AnchorBatchStore {
  constructor(
    private readonly batches: Collection<BatchDocument>,
    private readonly leaves: Collection<LeafDocument>,
  ) {}

  async latest(): Promise<AnchorBatch | undefined> {
    const [found] = await this.batches.find({ orderBy: [{ field: 'seq', descending: true }], limit: 1 });
    return found === undefined ? undefined : batchOf(found.value);
  }

  async latestAnchored(): Promise<AnchorBatch | undefined> {
    const [found] = await this.batches.find({ where: { state: 'anchored' }, orderBy: [{ field: 'seq', descending: true }], limit: 1 });
    return found === undefined ? undefined : batchOf(found.value);
  }

  async countByState(): Promise<Record<AnchorBatchState, number>> {
    const [recorded, sent, anchored] = await Promise.all(
      (['recorded', 'sent', 'anchored'] as const).map((state) => this.batches.count({ state })),
    );
    return { recorded: recorded!, sent: sent!, anchored: anchored! };
  }

  async unfinished(): Promise<AnchorBatch[]> {
    const found = await this.batches.find({ where: { state: { in: ['recorded', 'sent'] } }, orderBy: [{ field: 'seq' }] });
    return found.map((document) => batchOf(document.value));
  }

  async awaitingL1(limit: number): Promise<AnchorBatch[]> {
    const found = await this.batches.find({
      where: { finality: 'ACCEPTED_ON_L2', state: 'anchored' },
      orderBy: [{ field: 'seq' }],
      limit,
    });
    return found.map((document) => batchOf(document.value));
  }

  async record(batch: AnchorBatch, leaves: AnchorLeaf[]): Promise<boolean> {
    const id = batchId(batch.seq);
    if ((await this.batches.get(id)) !== undefined) return false;
    for (let start = 0; start < leaves.length; start += LEAF_WRITES_AT_ONCE) {
      await Promise.all(leaves.slice(start, start + LEAF_WRITES_AT_ONCE).map(({ statementId, ...leaf }) => this.leaves.put(statementId, leaf)));
    }
    return this.batches.insert(id, documentOf(batch));
  }

  async update(seq: number, changes: Partial<Omit<AnchorBatch, 'seq'>>): Promise<void> {
    const id = batchId(seq);
    for (let tries = 0; tries < UPDATE_TRIES; tries++) {
      const current = await this.batches.get(id);
      if (current === undefined) return;
      if (await this.batches.update(id, documentOf({ ...batchOf(current.value), ...changes, seq }), current.revision)) return;
    }
    throw new Error(`anchor batch ${seq} kept changing while it was being updated`);
  }

  async leafOf(statementId: string): Promise<AnchorLeaf | undefined> {
    const found = await this.leaves.get(statementId);
    return found === undefined ? undefined : { statementId, ...found.value };
  }

  async get(seq: number): Promise<AnchorBatch | undefined> {
    const found = await this.batches.get(batchId(seq));
    return found === undefined ? undefined : batchOf(found.value);
  }

  async list(limit: number, beforeSeq?: number): Promise<AnchorBatch[]> {
    const found = await this.batches.find({
      where: beforeSeq === undefined ? undefined : { seq: { lt: beforeSeq } },
      orderBy: [{ field: 'seq', descending: true }],
      limit,
    });
    return found.map((document) => batchOf(document.value));
  }
}

function batchId(seq: number): string {
  return String(seq);
}

/** The document of a batch; fields set to undefined are left out. */
function documentOf(batch: AnchorBatch): BatchDocument {
  const document: BatchDocument = {
    ...batch,
    recordedAt: batch.recordedAt.toISOString(),
    nextAttemptAt: batch.nextAttemptAt.toISOString(),
    anchoredAt: batch.anchoredAt?.toISOString(),
    finality: batch.anchor?.finality,
  };
  return JSON.parse(JSON.stringify(document)) as BatchDocument;
}

/** Batches copied from MongoDB by the upgrade may hold fields that were changed to undefined as null: those read as absent. */
function batchOf({ finality: _finality, ...stored }: BatchDocument): AnchorBatch {
  const { anchoredAt, ...document } = Object.fromEntries(Object.entries(stored).filter(([, value]) => value !== null)) as typeof stored;
  return {
    ...document,
    recordedAt: new Date(document.recordedAt),
    nextAttemptAt: new Date(document.nextAttemptAt),
    ...(anchoredAt !== undefined && { anchoredAt: new Date(anchoredAt) }),
  };
}
