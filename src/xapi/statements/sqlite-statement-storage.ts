import type { Statement as Prepared } from 'better-sqlite3';
import type { SqliteDatabase } from '../../db/sqlite/database';
import { ConflictError } from '../../errors';
import type { StoredStatement } from '../types';
import { planBatchEffects, type EffectReads } from './batch-effects';
import { VIEW_FIELDS, type FilterView } from './filter-view';
import { StoredClock, stampRecords } from './stamp';
import type {
  ExistingStatement,
  FeedPage,
  FeedPosition,
  NewStatementRecord,
  PagePosition,
  StatementPage,
  StatementQuery,
  StatementRecord,
  StatementStorage,
  StoredBatch,
} from './statement-storage';

export interface StatementRow {
  seq: number;
  id: string;
  stored: number;
  body: string;
  fingerprint: string;
  views: string;
  target_id: string | null;
  voids_id: string | null;
  voided: number;
  credential: string;
  attachments: string;
}

type ExistingRow = Pick<StatementRow, 'id' | 'fingerprint' | 'views' | 'target_id' | 'voids_id'>;

/** One SQL query with its parameters. */
export interface SqlQuery {
  sql: string;
  params: (string | number)[];
}

/**
 * The indexed fields: the filter view's, and `av`, each (agent, verb) pair of a statement, so that
 * agent+verb — a common report — walks its own rows instead of checking an agent's every statement.
 */
type IndexedField = keyof FilterView | 'av';

/** Filter parameters in the order they drive a query: the most selective first. */
const DRIVING_ORDER: readonly IndexedField[] = ['rg', 'av', 'a', 'r', 'ac', 'ra', 'vb'];
const INTERNED_CACHE_SIZE = 100_000;

/**
 * Statements in SQLite. A batch is one transaction (better-sqlite3 runs it synchronously, so no
 * other request interleaves): conflicts are checked, the effects planned from what is stored,
 * the statements inserted and the effects applied, or nothing is. Every GET shape is an index
 * range: unfiltered and read/mine pages walk `statements` by (stored, seq); filtered pages walk
 * `statement_views` by (value, stored, seq) for one filter and check the others by primary key
 * (sqlite-statement-query.test.ts checks the plans).
 */
export class SqliteStatementStorage implements StatementStorage {
  private readonly clock: StoredClock;
  private readonly interned = new Map<string, number>();
  /** Queries are built per shape; a few dozen shapes exist, so their prepared forms are kept. */
  private readonly prepared = new Map<string, Prepared>();
  /** Batches waiting for the next group commit. */
  private readonly waiting: { records: NewStatementRecord[]; resolve(batch: StoredBatch): void; reject(error: unknown): void }[] = [];
  private readonly sql: Record<
    | 'byId'
    | 'existing'
    | 'referrers'
    | 'insert'
    | 'insertView'
    | 'valueId'
    | 'insertValue'
    | 'setVoided'
    | 'setViews'
    | 'seqOf'
    | 'feed'
    | 'feedHead',
    Prepared
  >;

  constructor(
    private readonly db: SqliteDatabase,
    now: () => number = Date.now,
  ) {
    const existingColumns = 'id, fingerprint, views, target_id, voids_id';
    this.sql = {
      byId: db.prepare('SELECT * FROM statements WHERE id = ?'),
      existing: db.prepare(`SELECT ${existingColumns} FROM statements WHERE id = ?`),
      referrers: db.prepare(`SELECT ${existingColumns} FROM statements WHERE target_id = ?`),
      insert: db.prepare(
        `INSERT INTO statements (id, stored, body, fingerprint, views, target_id, voids_id, voided, credential, attachments)
         VALUES (@id, @stored, @body, @fingerprint, @views, @target_id, @voids_id, @voided, @credential, @attachments)`,
      ),
      insertView: db.prepare('INSERT OR IGNORE INTO statement_views (value_id, stored, seq) VALUES (?, ?, ?)'),
      valueId: db.prepare('SELECT value_id FROM view_values WHERE field = ? AND value = ?').pluck(),
      insertValue: db.prepare('INSERT INTO view_values (field, value) VALUES (?, ?)'),
      setVoided: db.prepare('UPDATE statements SET voided = 1 WHERE id = ?'),
      setViews: db.prepare('UPDATE statements SET views = ? WHERE id = ? RETURNING seq, stored'),
      seqOf: db.prepare('SELECT seq FROM statements WHERE id = ?').pluck(),
      feed: db.prepare('SELECT * FROM statements WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?'),
      feedHead: db.prepare('SELECT coalesce(max(seq), 0) FROM statements').pluck(),
    };
    this.clock = new StoredClock(now);
    this.clock.observe((db.prepare('SELECT max(stored) FROM statements').pluck().get() as number | null) ?? 0);
  }

  /**
   * Batches that reach the storage in the same turn of the event loop are committed together
   * (group commit): one transaction, hence one fsync and one write of each index page they share,
   * with each batch in a savepoint of its own, so a conflict rolls back only its batch.
   */
  storeBatch(records: NewStatementRecord[]): Promise<StoredBatch> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ records, resolve, reject });
      if (this.waiting.length === 1) setImmediate(() => this.commitWaiting());
    });
  }

  private commitWaiting(): void {
    const group = this.waiting.splice(0);
    const committedValues = new Map<string, number>();
    let outcomes: ({ batch: StoredBatch } | { error: unknown })[];
    try {
      outcomes = this.db.transaction(() => group.map(({ records }) => this.storeInSavepoint(records, committedValues))).immediate();
    } catch (error) {
      group.forEach(({ reject }) => reject(error));
      return;
    }
    for (const [key, id] of committedValues) this.remember(key, id);
    group.forEach(({ resolve, reject }, index) => {
      const outcome = outcomes[index]!;
      if ('batch' in outcome) resolve(outcome.batch);
      else reject(outcome.error);
    });
  }

  /** Value ids a rolled-back savepoint created are dropped: SQLite may hand them out again. */
  private storeInSavepoint(records: NewStatementRecord[], committedValues: Map<string, number>): { batch: StoredBatch } | { error: unknown } {
    const newValues = new Map<string, number>();
    try {
      const batch = this.db.transaction(() => this.storeInTransaction(records, newValues))();
      for (const [key, id] of newValues) committedValues.set(key, id);
      return { batch };
    } catch (error) {
      return { error };
    }
  }

  async getById(id: string): Promise<StatementRecord | undefined> {
    const row = this.sql.byId.get(id) as StatementRow | undefined;
    return row === undefined ? undefined : toRecord(row);
  }

  async query(query: StatementQuery): Promise<StatementPage> {
    const built = buildStatementQuery(query, {
      valueId: (field, value) => this.lookupValueId(field, value),
      seqOf: (id) => this.sql.seqOf.get(id) as number | undefined,
    });
    if (built === undefined) return { records: [] };
    const rows = this.prepare(built.sql).all(...built.params) as StatementRow[];
    const records = rows.slice(0, query.limit).map(toRecord);
    const last = records[records.length - 1];
    if (rows.length <= query.limit || last === undefined) return { records };
    return { records, next: { stored: last.stored, id: last.id } };
  }

  async scanStored(after: PagePosition | undefined, until: Date, limit: number): Promise<StatementRecord[]> {
    const built = buildScanQuery(after, until, limit, (id) => this.sql.seqOf.get(id) as number | undefined);
    return (this.prepare(built.sql).all(...built.params) as StatementRow[]).map(toRecord);
  }

  /** A batch commits before its `stored` time is visible to anyone, so everything before now is visible. */
  async consistentThrough(now: Date): Promise<Date> {
    return now;
  }

  /**
   * The feed position is `seq`, the rowid, assigned inside the one write transaction: batches
   * commit one at a time and each row gets max(seq) + 1, so commit order is position order and a
   * reader never sees a position before one still to come. Rows of a rolled-back savepoint are
   * gone before the transaction commits (their seqs are reused by the next savepoint), and
   * statements are never deleted, so max(seq) never goes back.
   */
  async readFeed(after: FeedPosition | undefined, limit: number): Promise<FeedPage> {
    const from = after ?? 0;
    const head = this.sql.feedHead.get() as number;
    const rows = this.sql.feed.all(from, head, limit) as StatementRow[];
    const records = rows.map((row) => ({ ...toRecord(row), position: row.seq }));
    const through = records.length === limit ? (records.at(-1)?.position ?? from) : Math.max(from, head);
    return { records, through };
  }

  async feedHead(): Promise<FeedPosition> {
    return this.sql.feedHead.get() as number;
  }

  private storeInTransaction(records: NewStatementRecord[], newValues: Map<string, number>): StoredBatch {
    const alreadyStored: string[] = [];
    const fresh: NewStatementRecord[] = [];
    for (const record of records) {
      const stored = this.sql.existing.get(record.id) as ExistingRow | undefined;
      if (stored === undefined) fresh.push(record);
      else if (stored.fingerprint === record.fingerprint) alreadyStored.push(record.id);
      else throw new ConflictError('STATEMENT_CONFLICT', `Statement ${record.id} already exists with different content`);
    }
    if (fresh.length === 0) return { stored: [], alreadyStored };

    const effects = planBatchEffects(fresh, this.effectReads());
    const stamped = stampRecords(fresh, this.clock.next())
      .map((record) => ({ ...record, views: effects.views.get(record.id)!, voided: effects.voidedOnArrival.has(record.id) }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const record of stamped) {
      const { lastInsertRowid } = this.sql.insert.run(toRow(record));
      this.insertViewRows(record.views, record.stored.getTime(), Number(lastInsertRowid), newValues);
    }
    for (const id of effects.voidStored) this.sql.setVoided.run(id);
    for (const [id, views] of effects.grownViews) {
      const row = this.sql.setViews.get(JSON.stringify(views), id) as { seq: number; stored: number };
      this.insertViewRows(views, row.stored, row.seq, newValues);
    }
    return { stored: stamped, alreadyStored };
  }

  private prepare(sql: string): Prepared {
    let statement = this.prepared.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.prepared.set(sql, statement);
    }
    return statement;
  }

  private effectReads(): EffectReads {
    return {
      existing: (ids) => {
        const found = new Map<string, ExistingStatement>();
        for (const id of ids) {
          const row = this.sql.existing.get(id) as ExistingRow | undefined;
          if (row !== undefined) found.set(id, toExisting(row));
        }
        return found;
      },
      referrersOf: (id) => (this.sql.referrers.all(id) as ExistingRow[]).map(toExisting),
    };
  }

  private insertViewRows(views: FilterView, stored: number, seq: number, newValues: Map<string, number>): void {
    for (const [field, value] of indexedValues(views)) this.sql.insertView.run(this.internValue(field, value, newValues), stored, seq);
  }

  /** Ids created in a transaction are cached only once it commits: a rollback may reuse them. */
  private internValue(field: string, value: string, newValues: Map<string, number>): number {
    const key = `${field}\n${value}`;
    const known = this.interned.get(key) ?? newValues.get(key) ?? (this.sql.valueId.get(field, value) as number | undefined);
    if (known !== undefined) return known;
    const id = Number(this.sql.insertValue.run(field, value).lastInsertRowid);
    newValues.set(key, id);
    return id;
  }

  private lookupValueId(field: string, value: string): number | undefined {
    const key = `${field}\n${value}`;
    const cached = this.interned.get(key);
    if (cached !== undefined) return cached;
    const id = this.sql.valueId.get(field, value) as number | undefined;
    if (id !== undefined) this.remember(key, id);
    return id;
  }

  private remember(key: string, id: number): void {
    if (this.interned.size >= INTERNED_CACHE_SIZE) this.interned.delete(this.interned.keys().next().value!);
    this.interned.set(key, id);
  }
}

export interface QueryLookups {
  /** The interned id of a filter value; undefined when no statement ever had it. */
  valueId(field: IndexedField, value: string): number | undefined;
  /** The seq of a stored statement (keyset positions carry ids). */
  seqOf(id: string): number | undefined;
}

/**
 * The SQL of a GET statements page (one row more than the limit, to know whether there is a
 * next page); undefined when no statement can match. Exported for the query-plan test.
 */
export function buildStatementQuery(query: StatementQuery, lookups: QueryLookups): SqlQuery | undefined {
  const conditions = viewConditions(query);
  const valueIds: number[] = [];
  for (const [field, value] of conditions) {
    const id = lookups.valueId(field, value);
    if (id === undefined) return undefined;
    valueIds.push(id);
  }
  const direction = query.ascending ? 'ASC' : 'DESC';
  const beyond = query.ascending ? '>' : '<';
  const where: string[] = [];
  const params: (string | number)[] = [];
  const [driver, ...others] = valueIds;
  // `v` (statement_views) or `s` (statements) walks the index; its (stored, seq) orders the page.
  const walk = driver === undefined ? 's' : 'v';
  let from = 'statements s';
  if (driver !== undefined) {
    from = 'statement_views v CROSS JOIN statements s ON s.seq = v.seq';
    where.push('v.value_id = ?');
    params.push(driver);
  } else if (query.credentialKey !== undefined) {
    from = 'statements s INDEXED BY statements_credential';
  }
  if (query.credentialKey !== undefined) {
    where.push('s.credential = ?');
    params.push(query.credentialKey);
  }
  if (query.since !== undefined) {
    where.push(`${walk}.stored > ?`);
    params.push(query.since.getTime());
  }
  if (query.until !== undefined) {
    where.push(`${walk}.stored <= ?`);
    params.push(query.until.getTime());
  }
  if (query.after !== undefined) {
    where.push(`(${walk}.stored, ${walk}.seq) ${beyond} (?, ?)`);
    params.push(query.after.stored.getTime(), positionSeq(query.after, lookups.seqOf, query.ascending));
  }
  where.push('s.voided = 0');
  for (const other of others) {
    where.push(`EXISTS (SELECT 1 FROM statement_views w WHERE w.value_id = ? AND w.stored = ${walk}.stored AND w.seq = ${walk}.seq)`);
    params.push(other);
  }
  params.push(query.limit + 1);
  return {
    sql: `SELECT s.* FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${walk}.stored ${direction}, ${walk}.seq ${direction} LIMIT ?`,
    params,
  };
}

/** The anchoring job's scan: every statement, voided ones included, in (stored, seq) order. */
export function buildScanQuery(
  after: PagePosition | undefined,
  until: Date,
  limit: number,
  seqOf: QueryLookups['seqOf'],
): SqlQuery {
  const params: (string | number)[] = [until.getTime()];
  let position = '';
  if (after !== undefined) {
    position = 'AND (stored, seq) > (?, ?)';
    params.push(after.stored.getTime(), positionSeq(after, seqOf, true));
  }
  params.push(limit);
  return { sql: `SELECT * FROM statements WHERE stored <= ? ${position} ORDER BY stored, seq LIMIT ?`, params };
}

/** A position whose statement is unknown here (a cursor from elsewhere) lies after every statement of its millisecond. */
function positionSeq(position: PagePosition, seqOf: QueryLookups['seqOf'], ascending: boolean): number {
  return seqOf(position.id) ?? (ascending ? Number.MAX_SAFE_INTEGER : 0);
}

function viewConditions(query: StatementQuery): [IndexedField, string][] {
  const conditions = new Map<IndexedField, string>();
  if (query.agentKey !== undefined && query.verb !== undefined && !query.relatedAgents) {
    conditions.set('av', agentVerbValue(query.agentKey, query.verb));
  } else {
    if (query.agentKey !== undefined) conditions.set(query.relatedAgents ? 'r' : 'a', query.agentKey);
    if (query.verb !== undefined) conditions.set('vb', query.verb);
  }
  if (query.activity !== undefined) conditions.set(query.relatedActivities ? 'ra' : 'ac', query.activity);
  if (query.registration !== undefined) conditions.set('rg', query.registration);
  return DRIVING_ORDER.flatMap((field) => (conditions.has(field) ? [[field, conditions.get(field)!]] : []));
}

/** The (field, value) pairs a statement with these views is indexed by (shared with the migration and the benchmark's raw baseline). */
export function indexedValues(views: FilterView): [IndexedField, string][] {
  const values: [IndexedField, string][] = VIEW_FIELDS.flatMap((field) => views[field].map((value): [IndexedField, string] => [field, value]));
  for (const agent of views.a) for (const verb of views.vb) values.push(['av', agentVerbValue(agent, verb)]);
  return values;
}

function agentVerbValue(agentKey: string, verb: string): string {
  return JSON.stringify([agentKey, verb]);
}

/** The row of a statement record (shared with the migration, src/migrate). */
export function toRow(record: StatementRecord): Omit<StatementRow, 'seq'> {
  return {
    id: record.id,
    stored: record.stored.getTime(),
    body: JSON.stringify(record.statement),
    fingerprint: record.fingerprint,
    views: JSON.stringify(record.views),
    target_id: record.targetId ?? null,
    voids_id: record.voidsId ?? null,
    voided: record.voided ? 1 : 0,
    credential: record.credentialKey,
    attachments: JSON.stringify(record.attachmentHashes),
  };
}

export function toRecord(row: StatementRow): StatementRecord {
  return {
    id: row.id,
    statement: JSON.parse(row.body) as StoredStatement,
    stored: new Date(row.stored),
    fingerprint: row.fingerprint,
    views: JSON.parse(row.views) as FilterView,
    ...(row.target_id === null ? {} : { targetId: row.target_id }),
    ...(row.voids_id === null ? {} : { voidsId: row.voids_id }),
    voided: row.voided === 1,
    credentialKey: row.credential,
    attachmentHashes: JSON.parse(row.attachments) as string[],
  };
}

function toExisting(row: ExistingRow): ExistingStatement {
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    views: JSON.parse(row.views) as FilterView,
    ...(row.target_id === null ? {} : { targetId: row.target_id }),
    ...(row.voids_id === null ? {} : { voidsId: row.voids_id }),
  };
}
