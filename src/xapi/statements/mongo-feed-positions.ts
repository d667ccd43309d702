import type { Collection, Db } from 'mongodb';
import { ensureIndexes } from '../../db/indexes';
import { isDuplicateKeyError } from '../../db/mongo';

/** Positions [_id, _id + n) of the feed, taken by batch `b` at `at`; `open` while that batch is in flight. */
interface PositionRangeDocument {
  _id: number;
  n: number;
  b: string;
  open: boolean;
  at: Date;
}

/**
 * Closed ranges are forgotten once this old. A range must outlive any take that read the range
 * before it as the last one and has not inserted yet: were it gone, that insert would succeed
 * on top of it. A take does its read and its insert within milliseconds; an hour is a margin.
 */
export const RANGE_RETENTION_MS = 60 * 60_000;

/**
 * The sequence behind the statement feed on MongoDB, shared by every LRS instance on the
 * database, relying only on the uniqueness of `_id` (FerretDB v1 runs an update as a read then a
 * write, so `$inc` on a counter could hand two instances the same numbers). A batch takes a range
 * by inserting it right after the last range; of two instances that read the same last range one
 * insert wins and the other reads again, so ranges never overlap. The inserted range is in flight
 * (`open`) from that very write, so a reader reads only below the oldest open range: positions
 * of a batch not yet committed are never passed over. Committing or rolling back the batch
 * closes its range. The batch record exists before the range is taken (its recovery closes it).
 */
export class MongoFeedPositions {
  private readonly ranges: Collection<PositionRangeDocument>;
  /** Takes are serialised within the process; only other instances can make one retry. */
  private taking: Promise<unknown> = Promise.resolve();

  constructor(
    db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.ranges = db.collection('statement_positions');
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.ranges, [
      { key: { open: 1, _id: 1 }, name: 'open' },
      { key: { b: 1 }, name: 'batch' },
    ]);
  }

  /** Takes `count` (≥ 1) consecutive positions for `batchId`, in flight until released; returns the first. */
  take(batchId: string, count: number): Promise<number> {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`a range of positions holds at least one, not ${count}`);
    const taken = this.taking.then(() => this.insertRange(batchId, count));
    this.taking = taken.catch(() => undefined);
    return taken;
  }

  /** Closes the ranges of `batchId` (idempotent): the feed may pass them. */
  async release(batchId: string): Promise<void> {
    await this.ranges.updateMany({ b: batchId, open: true }, { $set: { open: false } });
  }

  /**
   * The first position readers may not read yet: the start of the oldest open range, or the end
   * of the last range. The last range is read first: any range taken after that read starts at or
   * after its end, and any taken before it is seen by the second read unless already closed.
   */
  async watermark(): Promise<number> {
    const last = await this.last();
    if (last === undefined) return 1;
    const oldestOpen = await this.ranges.find({ open: true }).sort({ _id: 1 }).limit(1).next();
    return oldestOpen?._id ?? last._id + last.n;
  }

  /** The batches whose ranges are still open. */
  async openBatches(): Promise<string[]> {
    const open = await this.ranges.find({ open: true }, { projection: { b: 1 } }).toArray();
    return [...new Set(open.map((range) => range.b))];
  }

  /** Forgets closed ranges older than RANGE_RETENTION_MS, never the last one (the next range starts at its end). */
  async prune(): Promise<void> {
    const last = await this.last();
    if (last === undefined) return;
    await this.ranges.deleteMany({ open: false, _id: { $lt: last._id }, at: { $lt: new Date(this.now() - RANGE_RETENTION_MS) } });
  }

  private async insertRange(batchId: string, count: number): Promise<number> {
    for (;;) {
      const last = await this.last();
      const start = last === undefined ? 1 : last._id + last.n;
      try {
        await this.ranges.insertOne({ _id: start, n: count, b: batchId, open: true, at: new Date(this.now()) });
        return start;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
  }

  private async last(): Promise<PositionRangeDocument | undefined> {
    return (await this.ranges.find({}).sort({ _id: -1 }).limit(1).next()) ?? undefined;
  }
}
