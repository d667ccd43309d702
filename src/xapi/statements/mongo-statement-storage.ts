import { MongoBulkWriteError, type Collection, type Db, type Filter } from 'mongodb';
import { ensureIndexes, type IndexDefinition } from '../../db/indexes';
import type { StoredStatement } from '../types';
import type { FilterView } from './filter-view';
import type {
  BatchRecord,
  BatchState,
  ExistingStatement,
  PagePosition,
  StatementPage,
  StatementQuery,
  StatementRecord,
  StatementStorage,
} from './statement-storage';

/**
 * Statements are stored as their JSON text (`s`) beside the fields that are indexed, because a
 * statement as received may hold keys that MongoDB handles badly and FerretDB refuses (extension
 * IRIs full of dots, `$`-prefixed keys, arrays nested in arrays). The text round-trips any JSON.
 */
export interface StatementDocument {
  _id: string;
  s: string;
  stored: Date;
  fp: string;
  v: FilterView;
  t?: string;
  vo?: string;
  voided: boolean;
  cred: string;
  att: string[];
  /** The batch that wrote it; invisible while that batch is pending or aborted. */
  b: string;
}

interface BatchDocument {
  _id: string;
  ids: string[];
  startedAt: Date;
  state: BatchState;
}

interface WaitingDocument {
  _id: string;
  referrers: string[];
}

const DUPLICATE_KEY = 11000;

/** Every filtered query shape has an index led by its filter field and ordered by (stored, _id). */
export const STATEMENT_INDEXES: readonly IndexDefinition[] = [
  { key: { stored: -1, _id: -1 }, name: 'stored' },
  { key: { 'v.a': 1, stored: -1, _id: -1 }, name: 'agent_stored' },
  { key: { 'v.r': 1, stored: -1, _id: -1 }, name: 'related_agent_stored' },
  { key: { 'v.vb': 1, stored: -1, _id: -1 }, name: 'verb_stored' },
  { key: { 'v.ac': 1, stored: -1, _id: -1 }, name: 'activity_stored' },
  { key: { 'v.ra': 1, stored: -1, _id: -1 }, name: 'related_activity_stored' },
  { key: { 'v.rg': 1, stored: -1, _id: -1 }, name: 'registration_stored' },
  { key: { cred: 1, stored: -1, _id: -1 }, name: 'credential_stored' },
  { key: { t: 1 }, name: 'target' },
];

export class MongoStatementStorage implements StatementStorage {
  private readonly statements: Collection<StatementDocument>;
  private readonly batches: Collection<BatchDocument>;
  private readonly waiting: Collection<WaitingDocument>;

  constructor(db: Db) {
    this.statements = db.collection('statements');
    this.batches = db.collection('statement_batches');
    this.waiting = db.collection('statement_waiting_references');
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.statements, STATEMENT_INDEXES);
    await ensureIndexes(this.batches, [{ key: { state: 1, startedAt: 1 }, name: 'state_started' }]);
  }

  async beginBatch(batch: BatchRecord): Promise<void> {
    await this.batches.insertOne({
      _id: batch.id,
      ids: batch.statementIds,
      startedAt: batch.startedAt,
      state: batch.state,
    });
  }

  async insert(batchId: string, records: StatementRecord[]): Promise<{ duplicateIds: string[] }> {
    if (records.length === 0) return { duplicateIds: [] };
    const documents = records.map((record) => toDocument(batchId, record));
    try {
      await this.statements.insertMany(documents, { ordered: false });
      return { duplicateIds: [] };
    } catch (error) {
      return { duplicateIds: duplicateIdsOf(error, documents) };
    }
  }

  async commitBatch(batchId: string, effectsFollow: boolean): Promise<boolean> {
    const pending = { _id: batchId, state: 'pending' as const };
    if (!effectsFollow) return (await this.batches.deleteOne(pending)).deletedCount === 1;
    return (await this.batches.updateOne(pending, { $set: { state: 'committed' } })).modifiedCount === 1;
  }

  async abortBatch(batchId: string, statementIds: string[]): Promise<void> {
    await this.batches.updateOne({ _id: batchId }, { $set: { state: 'aborted' } });
    if (statementIds.length > 0) {
      await this.statements.bulkWrite(
        statementIds.map((id) => ({ deleteOne: { filter: { _id: id, b: batchId } } })),
        { ordered: false },
      );
    }
    await this.batches.deleteOne({ _id: batchId });
  }

  async finishBatch(batchId: string): Promise<void> {
    await this.batches.deleteOne({ _id: batchId });
  }

  async unfinishedBatches(startedBefore: Date): Promise<BatchRecord[]> {
    const documents = await this.batches.find({ startedAt: { $lt: startedBefore } }).toArray();
    return documents.map(toBatchRecord);
  }

  async batchState(batchId: string): Promise<BatchState | undefined> {
    return (await this.batches.findOne({ _id: batchId }))?.state;
  }

  async findExisting(ids: string[]): Promise<Map<string, ExistingStatement>> {
    // Point lookups by _id: the one query shape FerretDB answers without scanning.
    const found = await Promise.all(
      [...new Set(ids)].map((id) =>
        this.statements.findOne({ _id: id }, { projection: { fp: 1, v: 1, vo: 1, b: 1, t: 1 } }),
      ),
    );
    return new Map(found.filter((doc) => doc !== null).map((doc) => [doc._id, toExisting(doc)]));
  }

  async getById(id: string): Promise<StatementRecord | undefined> {
    const document = await this.statements.findOne({ _id: id });
    if (document === null) return undefined;
    // Read after the document: a batch that began before this read is already recorded.
    const [visible] = await this.withoutInvisible([document]);
    return visible === undefined ? undefined : toRecord(visible);
  }

  async query(query: StatementQuery): Promise<StatementPage> {
    const direction = query.ascending ? 1 : -1;
    const documents = await this.statements
      .find(statementFilter(query, await this.invisibleBatchIds()))
      .sort({ stored: direction, _id: direction })
      .limit(query.limit + 1)
      .toArray();
    const fetched = documents.slice(0, query.limit);
    const page = (await this.withoutInvisible(fetched)).map(toRecord);
    const last = fetched[fetched.length - 1];
    if (documents.length <= query.limit || last === undefined) return { records: page };
    return { records: page, next: { stored: last.stored, id: last._id } };
  }

  async scanStored(after: PagePosition | undefined, until: Date, limit: number): Promise<StatementRecord[]> {
    const invisible = await this.invisibleBatchIds();
    const filter: Filter<StatementDocument> = { stored: { $lte: until } };
    if (invisible.length > 0) filter.b = { $nin: invisible };
    if (after) filter.$or = afterPosition(after, true);
    const documents = await this.statements.find(filter).sort({ stored: 1, _id: 1 }).limit(limit).toArray();
    return (await this.withoutInvisible(documents)).map(toRecord);
  }

  async consistentThrough(now: Date): Promise<Date> {
    const oldestPending = await this.batches.find({ state: 'pending' }).sort({ startedAt: 1 }).limit(1).next();
    if (oldestPending === null || oldestPending.startedAt > now) return now;
    return new Date(oldestPending.startedAt.getTime() - 1);
  }

  async markVoided(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.statements.bulkWrite(
      ids.map((id) => ({ updateOne: { filter: { _id: id, vo: { $exists: false } }, update: { $set: { voided: true } } } })),
      { ordered: false },
    );
  }

  async addWaitingReferrer(targetId: string, referrerId: string): Promise<void> {
    await this.waiting.updateOne({ _id: targetId }, { $addToSet: { referrers: referrerId } }, { upsert: true });
  }

  async waitingReferrers(targetIds: string[]): Promise<Map<string, string[]>> {
    // The waiting list is small (references to statements not yet received) and usually empty.
    if ((await this.waiting.estimatedDocumentCount()) === 0) return new Map();
    const documents = await this.waiting.find({ _id: { $in: targetIds } }).toArray();
    return new Map(documents.map((doc) => [doc._id, doc.referrers]));
  }

  async clearWaitingReferrers(targetIds: string[]): Promise<void> {
    if (targetIds.length > 0) await this.waiting.deleteMany({ _id: { $in: targetIds } });
  }

  async referrersOf(id: string): Promise<ExistingStatement[]> {
    const documents = await this.statements.find({ t: id }, { projection: { fp: 1, v: 1, vo: 1, b: 1, t: 1 } }).toArray();
    return documents.map(toExisting);
  }

  async setViews(id: string, views: FilterView): Promise<void> {
    await this.statements.updateOne({ _id: id }, { $set: { v: views } });
  }

  /**
   * Drops documents of batches that are pending or aborted, read after the documents were: the
   * filter applied in the query itself cannot know of batches that began while it ran.
   */
  private async withoutInvisible(documents: StatementDocument[]): Promise<StatementDocument[]> {
    if (documents.length === 0) return documents;
    const invisible = new Set(await this.invisibleBatchIds());
    return invisible.size === 0 ? documents : documents.filter((document) => !invisible.has(document.b));
  }

  /** Batches whose statements readers must not see yet (or any more). */
  private async invisibleBatchIds(): Promise<string[]> {
    const documents = await this.batches
      .find({ state: { $in: ['pending', 'aborted'] } }, { projection: { _id: 1 } })
      .toArray();
    return documents.map((doc) => doc._id);
  }
}

function statementFilter(query: StatementQuery, invisibleBatches: string[]): Filter<StatementDocument> {
  const filter: Filter<StatementDocument> = { voided: { $ne: true } };
  Object.assign(filter, viewCondition(query));
  const stored: Record<string, Date> = {};
  if (query.since) stored.$gt = query.since;
  if (query.until) stored.$lte = query.until;
  if (Object.keys(stored).length > 0) filter.stored = stored;
  if (query.credentialKey !== undefined) filter.cred = query.credentialKey;
  if (invisibleBatches.length > 0) filter.b = { $nin: invisibleBatches };
  if (query.after) filter.$or = afterPosition(query.after, query.ascending);
  return filter;
}

/** Each filter parameter is one equality on one multikey field of the view. */
function viewCondition(query: StatementQuery): Record<string, string> {
  const condition: Record<string, string> = {};
  if (query.agentKey !== undefined) condition[query.relatedAgents ? 'v.r' : 'v.a'] = query.agentKey;
  if (query.verb !== undefined) condition['v.vb'] = query.verb;
  if (query.activity !== undefined) condition[query.relatedActivities ? 'v.ra' : 'v.ac'] = query.activity;
  if (query.registration !== undefined) condition['v.rg'] = query.registration;
  return condition;
}

/** Keyset paging: strictly after the last (stored, _id) returned, in the query's direction. */
function afterPosition(after: PagePosition, ascending: boolean): Filter<StatementDocument>[] {
  const beyond = ascending ? '$gt' : '$lt';
  return [{ stored: { [beyond]: after.stored } }, { stored: after.stored, _id: { [beyond]: after.id } }];
}

/** The stored form of a statement record; exported for the benchmark's raw-driver baseline. */
export function toDocument(batchId: string, record: StatementRecord): StatementDocument {
  const document: StatementDocument = {
    _id: record.id,
    s: JSON.stringify(record.statement),
    stored: record.stored,
    fp: record.fingerprint,
    v: record.views,
    voided: record.voided,
    cred: record.credentialKey,
    att: record.attachmentHashes,
    b: batchId,
  };
  if (record.targetId !== undefined) document.t = record.targetId;
  if (record.voidsId !== undefined) document.vo = record.voidsId;
  return document;
}

function toRecord(document: StatementDocument): StatementRecord {
  return {
    id: document._id,
    statement: JSON.parse(document.s) as StoredStatement,
    stored: document.stored,
    fingerprint: document.fp,
    views: document.v,
    targetId: document.t,
    voidsId: document.vo,
    voided: document.voided,
    credentialKey: document.cred,
    attachmentHashes: document.att,
  };
}

function toExisting(document: Pick<StatementDocument, '_id' | 'fp' | 'v' | 'vo' | 'b' | 't'>): ExistingStatement {
  return {
    id: document._id,
    fingerprint: document.fp,
    views: document.v,
    voidsId: document.vo,
    batchId: document.b,
    targetId: document.t,
  };
}

function toBatchRecord(document: BatchDocument): BatchRecord {
  return { id: document._id, statementIds: document.ids, startedAt: document.startedAt, state: document.state };
}

/** The ids an unordered insertMany refused as duplicates; any other failure is rethrown. */
function duplicateIdsOf(error: unknown, documents: StatementDocument[]): string[] {
  if (!(error instanceof MongoBulkWriteError)) throw error;
  const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  if (writeErrors.length === 0 || writeErrors.some((writeError) => writeError.code !== DUPLICATE_KEY)) throw error;
  return writeErrors.map((writeError) => documents[writeError.index]!._id);
}
