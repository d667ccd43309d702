import type { Collection, Db, UpdateFilter } from 'mongodb';
import { ensureIndexes } from '../../db/indexes';
import { isDuplicateKeyBulkError, isDuplicateKeyError } from '../../db/mongo';
import type { AnchorBatch, AnchorBatchStore, AnchorLeaf } from './anchor-batch-store';

type BatchDocument = Omit<AnchorBatch, 'seq'> & { _id: number };
type LeafDocument = Omit<AnchorLeaf, 'statementId'> & { _id: string };

const LEAF_WRITE_CHUNK = 1000;

/** `anchor_batches` keyed by sequence number; `anchor_leaves` keyed by statement id (point lookups). */
export class MongoAnchorBatchStore implements AnchorBatchStore {
  private readonly batches: Collection<BatchDocument>;
  private readonly leaves: Collection<LeafDocument>;

  constructor(db: Db) {
    this.batches = db.collection('anchor_batches');
    this.leaves = db.collection('anchor_leaves');
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.batches, [{ key: { state: 1, _id: 1 }, name: 'state_seq' }]);
  }

  async latest(): Promise<AnchorBatch | undefined> {
    const document = await this.batches.find().sort({ _id: -1 }).limit(1).next();
    return document === null ? undefined : toBatch(document);
  }

  async unfinished(): Promise<AnchorBatch[]> {
    const documents = await this.batches.find({ state: { $ne: 'anchored' } }).sort({ _id: 1 }).toArray();
    return documents.map(toBatch);
  }

  async awaitingL1(limit: number): Promise<AnchorBatch[]> {
    const filter = { state: 'anchored' as const, 'anchor.finality': 'ACCEPTED_ON_L2' as const };
    const documents = await this.batches.find(filter).sort({ _id: 1 }).limit(limit).toArray();
    return documents.map(toBatch);
  }

  /**
   * Leaves first (idempotent upserts), then the batch: a crash in between leaves leaves that the
   * retry rewrites. A batch already recorded under this number is refused before its leaves are
   * touched; one recorded concurrently by another instance covers the same statements, so the
   * leaves both write are the same.
   */
  async record(batch: AnchorBatch, leaves: AnchorLeaf[]): Promise<boolean> {
    if ((await this.batches.countDocuments({ _id: batch.seq }, { limit: 1 })) > 0) return false;
    for (let start = 0; start < leaves.length; start += LEAF_WRITE_CHUNK) {
      await this.writeLeaves(leaves.slice(start, start + LEAF_WRITE_CHUNK));
    }
    try {
      const { seq, ...rest } = batch;
      await this.batches.insertOne({ _id: seq, ...rest });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /** Fields changed to undefined are removed (not stored as null). */
  /**
   * Idempotent upserts. Two instances recording the same batch upsert the same leaves, and
   * concurrent upserts of one _id can fail with a duplicate key (FerretDB, and MongoDB before 7.1):
   * the document then exists, so writing again replaces it.
   */
  private async writeLeaves(leaves: AnchorLeaf[], attempts = 3): Promise<void> {
    const writes = leaves.map(({ statementId, ...leaf }) => ({
      replaceOne: { filter: { _id: statementId }, replacement: leaf, upsert: true },
    }));
    try {
      await this.leaves.bulkWrite(writes, { ordered: false });
    } catch (error) {
      if (attempts <= 1 || !isDuplicateKeyBulkError(error)) throw error;
      await this.writeLeaves(leaves, attempts - 1);
    }
  }

  async update(seq: number, changes: Partial<Omit<AnchorBatch, 'seq'>>): Promise<void> {
    const update: UpdateFilter<BatchDocument> = {};
    for (const [field, value] of Object.entries(changes)) {
      if (value === undefined) update.$unset = { ...update.$unset, [field]: '' };
      else update.$set = { ...update.$set, [field]: value };
    }
    if (update.$set === undefined && update.$unset === undefined) return;
    await this.batches.updateOne({ _id: seq }, update);
  }

  async leafOf(statementId: string): Promise<AnchorLeaf | undefined> {
    const document = await this.leaves.findOne({ _id: statementId });
    if (document === null) return undefined;
    const { _id, ...leaf } = document;
    return { statementId: _id, ...leaf };
  }

  async get(seq: number): Promise<AnchorBatch | undefined> {
    const document = await this.batches.findOne({ _id: seq });
    return document === null ? undefined : toBatch(document);
  }

  async list(limit: number, beforeSeq?: number): Promise<AnchorBatch[]> {
    const filter = beforeSeq === undefined ? {} : { _id: { $lt: beforeSeq } };
    const documents = await this.batches.find(filter).sort({ _id: -1 }).limit(limit).toArray();
    return documents.map(toBatch);
  }
}

/** Earlier versions stored fields changed to undefined as null: those read as absent. */
function toBatch({ _id, ...rest }: BatchDocument): AnchorBatch {
  const fields = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== null)) as Omit<AnchorBatch, 'seq'>;
  return { seq: _id, ...fields };
}
