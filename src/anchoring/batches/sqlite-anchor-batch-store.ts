import type { Statement, Transaction } from 'better-sqlite3';
import type { SqliteDatabase } from '../../db/sqlite/database';
import type { PagePosition } from '../../xapi/statements/statement-storage';
import type { AnchorBatch, AnchorBatchStore, AnchorLeaf } from './anchor-batch-store';

/** A row of `anchor_batches`. */
export interface AnchorBatchRow {
  seq: number;
  state: string;
  /** The finality of the batch's anchor, when anchored. */
  finality: string | null;
  /** The batch but its sequence number, as JSON (times as ISO strings). */
  batch: string;
}

type BatchRow = Pick<AnchorBatchRow, 'seq' | 'batch'>;

/** A row of `anchor_leaves`. */
export interface AnchorLeafRow {
  statement_id: string;
  seq: number;
  leaf_index: number;
  digest: string;
  leaf: string;
  /** JSON array. */
  proof: string;
}

/**
 * `anchor_batches`: one row per batch, the batch as JSON beside the columns its queries select on
 * (state, and the finality of its anchor); `anchor_leaves`: one row per statement. A batch and its
 * leaves are recorded in one transaction, so a refused or failed record writes nothing.
 */
export class SqliteAnchorBatchStore implements AnchorBatchStore {
  private readonly selectLatest: Statement<[], BatchRow>;
  private readonly selectUnfinished: Statement<[], BatchRow>;
  private readonly selectAwaitingL1: Statement<[number], BatchRow>;
  private readonly selectOne: Statement<[number], BatchRow>;
  private readonly selectPage: Statement<[number, number], BatchRow>;
  private readonly selectLeaf: Statement<[string], AnchorLeafRow>;
  private readonly recordAll: Transaction<(batch: AnchorBatchRow, leaves: AnchorLeafRow[]) => boolean>;
  private readonly updateOne: Transaction<(seq: number, changes: Partial<Omit<AnchorBatch, 'seq'>>) => void>;

  constructor(db: SqliteDatabase) {
    this.selectLatest = db.prepare('SELECT seq, batch FROM anchor_batches ORDER BY seq DESC LIMIT 1');
    this.selectUnfinished = db.prepare("SELECT seq, batch FROM anchor_batches WHERE state IN ('recorded', 'sent') ORDER BY seq");
    this.selectAwaitingL1 = db.prepare(
      "SELECT seq, batch FROM anchor_batches WHERE finality = 'ACCEPTED_ON_L2' AND state = 'anchored' ORDER BY seq LIMIT ?",
    );
    this.selectOne = db.prepare('SELECT seq, batch FROM anchor_batches WHERE seq = ?');
    this.selectPage = db.prepare('SELECT seq, batch FROM anchor_batches WHERE seq < ? ORDER BY seq DESC LIMIT ?');
    this.selectLeaf = db.prepare('SELECT * FROM anchor_leaves WHERE statement_id = ?');

    const insertBatch: Statement<AnchorBatchRow> = db.prepare(
      'INSERT INTO anchor_batches (seq, state, finality, batch) VALUES (@seq, @state, @finality, @batch) ON CONFLICT (seq) DO NOTHING',
    );
    const insertLeaf: Statement<AnchorLeafRow> = db.prepare(
      `INSERT INTO anchor_leaves (statement_id, seq, leaf_index, digest, leaf, proof)
       VALUES (@statement_id, @seq, @leaf_index, @digest, @leaf, @proof)
       ON CONFLICT (statement_id) DO UPDATE SET seq = excluded.seq, leaf_index = excluded.leaf_index,
         digest = excluded.digest, leaf = excluded.leaf, proof = excluded.proof`,
    );
    this.recordAll = db.transaction((batch: AnchorBatchRow, leaves: AnchorLeafRow[]) => {
      if (insertBatch.run(batch).changes === 0) return false;
      for (const leaf of leaves) insertLeaf.run(leaf);
      return true;
    });

    const replaceBatch: Statement<AnchorBatchRow> = db.prepare(
      'UPDATE anchor_batches SET state = @state, finality = @finality, batch = @batch WHERE seq = @seq',
    );
    this.updateOne = db.transaction((seq: number, changes: Partial<Omit<AnchorBatch, 'seq'>>) => {
      const row = this.selectOne.get(seq);
      if (row === undefined) return;
      replaceBatch.run(anchorBatchRowOf({ ...anchorBatchOf(row), ...changes, seq }));
    });
  }

  async ensureIndexes(): Promise<void> {
    // The schema, indexes included, is created by the migrations (openSqliteDatabase).
  }

  async latest(): Promise<AnchorBatch | undefined> {
    const row = this.selectLatest.get();
    return row === undefined ? undefined : anchorBatchOf(row);
  }

  async unfinished(): Promise<AnchorBatch[]> {
    return this.selectUnfinished.all().map(anchorBatchOf);
  }

  async awaitingL1(limit: number): Promise<AnchorBatch[]> {
    return this.selectAwaitingL1.all(limit).map(anchorBatchOf);
  }

  async record(batch: AnchorBatch, leaves: AnchorLeaf[]): Promise<boolean> {
    return this.recordAll.immediate(anchorBatchRowOf(batch), leaves.map(anchorLeafRowOf));
  }

  async update(seq: number, changes: Partial<Omit<AnchorBatch, 'seq'>>): Promise<void> {
    this.updateOne.immediate(seq, changes);
  }

  async leafOf(statementId: string): Promise<AnchorLeaf | undefined> {
    const row = this.selectLeaf.get(statementId);
    return row === undefined ? undefined : anchorLeafOf(row);
  }

  async get(seq: number): Promise<AnchorBatch | undefined> {
    const row = this.selectOne.get(seq);
    return row === undefined ? undefined : anchorBatchOf(row);
  }

  async list(limit: number, beforeSeq?: number): Promise<AnchorBatch[]> {
    return this.selectPage.all(beforeSeq ?? Number.MAX_SAFE_INTEGER, limit).map(anchorBatchOf);
  }
}

/** The row of a batch; fields set to undefined are left out of its JSON. */
export function anchorBatchRowOf({ seq, ...batch }: AnchorBatch): AnchorBatchRow {
  return { seq, state: batch.state, finality: batch.anchor?.finality ?? null, batch: JSON.stringify(batch) };
}

/** What JSON makes of a batch: its times are ISO strings. */
type BatchJson = Omit<AnchorBatch, 'seq' | 'first' | 'last' | 'recordedAt' | 'nextAttemptAt'> & {
  first: JsonPosition;
  last: JsonPosition;
  recordedAt: string;
  nextAttemptAt: string;
};
type JsonPosition = { stored: string; id: string };

export function anchorBatchOf(row: BatchRow): AnchorBatch {
  const stored = JSON.parse(row.batch) as BatchJson;
  return {
    ...stored,
    seq: row.seq,
    first: positionOf(stored.first),
    last: positionOf(stored.last),
    recordedAt: new Date(stored.recordedAt),
    nextAttemptAt: new Date(stored.nextAttemptAt),
  };
}

function positionOf(position: JsonPosition): PagePosition {
  return { stored: new Date(position.stored), id: position.id };
}

export function anchorLeafRowOf(leaf: AnchorLeaf): AnchorLeafRow {
  return {
    statement_id: leaf.statementId,
    seq: leaf.seq,
    leaf_index: leaf.leafIndex,
    digest: leaf.digest,
    leaf: leaf.leaf,
    proof: JSON.stringify(leaf.proof),
  };
}

export function anchorLeafOf(row: AnchorLeafRow): AnchorLeaf {
  return {
    statementId: row.statement_id,
    seq: row.seq,
    leafIndex: row.leaf_index,
    digest: row.digest,
    leaf: row.leaf,
    proof: JSON.parse(row.proof) as string[],
  };
}
