import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Collection, Db, Filter } from 'mongodb';
import { ensureIndexes, type IndexDefinition } from '../../db/indexes';
import { refusedDuplicates } from '../../db/mongo';
import { ConflictError, ServiceUnavailableError } from '../../errors';
import type { Logger } from '../../logger';
import type { StoredStatement } from '../types';
import { planBatchEffects, type BatchEffects, type EffectReads } from './batch-effects';
import { VIEW_FIELDS, type FilterView } from './filter-view';
import { MongoFeedPositions } from './mongo-feed-positions';
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
  /** Its feed position (mongo-feed-positions.ts); missing only until the next start when written by the migration. */
  p?: number;
}

type BatchState = 'pending' | 'committed' | 'aborted';

/** The process storing a batch: a batch whose owner died is recovered without waiting for a timeout. */
interface BatchOwner {
  instance: string;
  host: string;
  pid: number;
}

/** Effects kept in a committed batch until applied (FerretDB refuses arrays nested in arrays). */
interface RecordedEffects {
  voidStored: string[];
  grownViews: { id: string; v: FilterView }[];
  unresolved: { t: string; r: string }[];
  resolved: string[];
}

interface BatchDocument {
  _id: string;
  ids: string[];
  startedAt: Date;
  state: BatchState;
  owner: BatchOwner;
  effects?: RecordedEffects;
}

interface WaitingDocument {
  _id: string;
  referrers: string[];
}

type ExistingDocument = Pick<StatementDocument, '_id' | 'fp' | 'v' | 'vo' | 'b' | 't'>;

const EXISTING_PROJECTION = { fp: 1, v: 1, vo: 1, b: 1, t: 1 } as const;
/** Statements given a feed position per batch when positions are filled in at start. */
const POSITIONING_BATCH = 1_000;
/** A batch whose owner cannot be checked (another host) is taken as abandoned after this long. */
export const ABANDONED_BATCH_MS = 60_000;
/** How long a request waits for a live request that is storing the same statement. */
const IN_FLIGHT_WAIT_MS = 5_000;

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
  { key: { p: 1 }, name: 'position' },
];

/**
 * Statements on MongoDB without multi-document transactions (FerretDB has none). A batch is
 * made all-or-nothing by a protocol kept inside this adapter:
 *
 *   begin (batch recorded `pending` with its owner) → stamp → insert the statements tagged with
 *   the batch (invisible while it is pending) → commit (one single-document write recording the
 *   effects: the commit point) → apply the effects → finish (delete the batch record).
 *
 * A batch whose owner died is recovered by `recover()` (run before the LRS serves, and
 * periodically) or by the first request that meets one of its statements: pending → rolled back
 * (its client got no acknowledgement), committed → its recorded effects applied again (they are
 * idempotent). See docs/storage.md.
 *
 * Feed positions (readFeed) come from a sequence shared by every instance (MongoFeedPositions):
 * a batch takes a range of positions, in flight from that moment, after its batch record exists
 * and before it inserts its statements; the range is closed right after the commit point (or
 * the rollback), and readers read only below the oldest range in flight.
 */
export class MongoStatementStorage implements StatementStorage {
  private readonly statements: Collection<StatementDocument>;
  private readonly batches: Collection<BatchDocument>;
  private readonly waiting: Collection<WaitingDocument>;
  private readonly positions: MongoFeedPositions;
  private readonly clock: StoredClock;
  private readonly owner: BatchOwner = { instance: randomUUID(), host: os.hostname(), pid: process.pid };
  /** Batches this instance is storing now; any other batch of this instance was left unfinished. */
  private readonly active = new Set<string>();

  constructor(
    db: Db,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.statements = db.collection('statements');
    this.batches = db.collection('statement_batches');
    this.waiting = db.collection('statement_waiting_references');
    this.positions = new MongoFeedPositions(db, now);
    this.clock = new StoredClock(now);
  }

  /** Indexes; then feed positions for statements written without one (by the migration, or before the feed existed). */
  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.statements, STATEMENT_INDEXES);
    await ensureIndexes(this.batches, [{ key: { state: 1, startedAt: 1 }, name: 'state_started' }]);
    await this.positions.ensureIndexes();
    await this.positionUnpositioned();
  }

  /** Completes the batches of owners that are gone, closes position ranges they left open; returns how many batches. */
  async recover(): Promise<number> {
    const unfinished = await this.batches.find({}).toArray();
    let recovered = 0;
    for (const batch of unfinished) {
      if (!this.isAbandoned(batch)) continue;
      await this.recoverBatch(batch);
      recovered++;
    }
    await this.releaseFinishedRanges();
    await this.positions.prune();
    return recovered;
  }

  async storeBatch(records: NewStatementRecord[]): Promise<StoredBatch> {
    const batchId = randomUUID();
    this.active.add(batchId);
    try {
      await this.batches.insertOne({
        _id: batchId,
        ids: records.map((record) => record.id),
        startedAt: new Date(this.now()),
        state: 'pending',
        owner: this.owner,
      });
      try {
        return await this.storeUnderBatch(batchId, records);
      } catch (error) {
        await this.abort(batchId, records.map((record) => record.id));
        throw error;
      }
    } finally {
      this.active.delete(batchId);
    }
  }

  async readFeed(after: FeedPosition | undefined, limit: number): Promise<FeedPage> {
    const from = after ?? 0;
    const watermark = await this.positions.watermark();
    const documents =
      limit > 0 && watermark - 1 > from
        ? await this.statements.find({ p: { $gt: from, $lt: watermark } }).sort({ p: 1 }).limit(limit).toArray()
        : [];
    const records = documents.map((document) => ({ ...toRecord(document), position: document.p! }));
    const through = records.length === limit ? (records.at(-1)?.position ?? from) : Math.max(from, watermark - 1);
    return { records, through };
  }

  async feedHead(): Promise<FeedPosition> {
    return (await this.positions.watermark()) - 1;
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

  private async storeUnderBatch(batchId: string, records: NewStatementRecord[]): Promise<StoredBatch> {
    const deadline = this.now() + IN_FLIGHT_WAIT_MS;
    const alreadyStored = new Set<string>();
    // Planned for every record: re-sent ones show up as duplicates of the insert, and applying
    // their effects again changes nothing (they are idempotent).
    const effects = planBatchEffects(records, await this.effectReads(records));
    const firstPosition = records.length === 0 ? 0 : await this.positions.take(batchId, records.length);
    // Stamped after the batch record exists, so Consistent-Through stays behind it until it commits.
    let pending = stampRecords(records, this.clock.next()).map((record, index) => ({
      ...record,
      views: effects.views.get(record.id)!,
      voided: effects.voidedOnArrival.has(record.id),
      position: firstPosition + index,
    }));
    const inserted: StatementRecord[] = [];
    while (pending.length > 0) {
      const duplicates = new Set(await this.insert(batchId, pending));
      inserted.push(...pending.filter((record) => !duplicates.has(record.id)).map(({ position: _position, ...record }) => record));
      if (duplicates.size === 0) break;
      // Stored meanwhile by a concurrent request: settled like the others, inserted again if rolled back.
      const settled = new Set(await this.settleExisting(records, [...duplicates], deadline));
      settled.forEach((id) => alreadyStored.add(id));
      pending = pending.filter((record) => duplicates.has(record.id) && !settled.has(record.id));
    }
    await this.commit(batchId, effects);
    return { stored: inserted, alreadyStored: [...alreadyStored] };
  }

  /**
   * The ids among `ids` already stored with the same content. Throws on a conflict; waits for a
   * live request storing some of them, and rolls back the batch of a dead one. One lookup per id,
   * then one per batch that wrote them (usually one), whatever the number of duplicates.
   */
  private async settleExisting(records: NewStatementRecord[], ids: string[], deadline: number): Promise<string[]> {
    const fingerprints = new Map(records.map((record) => [record.id, record.fingerprint]));
    const byBatch = new Map<string, string[]>();
    for (const [id, existing] of await this.findExisting(ids)) {
      if (existing.fp !== fingerprints.get(id)) {
        throw new ConflictError('STATEMENT_CONFLICT', `Statement ${id} already exists with different content`);
      }
      const sameBatch = byBatch.get(existing.b) ?? [];
      sameBatch.push(id);
      byBatch.set(existing.b, sameBatch);
    }
    const settled: string[] = [];
    for (const [batchId, batchIds] of byBatch) {
      if (await this.outcomeOf(batchId, batchIds[0]!, deadline)) settled.push(...batchIds);
    }
    return settled;
  }

  /**
   * Whether batch `batchId`, which wrote statement `id`, stored its statements for good (false:
   * rolled back, so they may be inserted again).
   */
  private async outcomeOf(batchId: string, id: string, deadline: number): Promise<boolean> {
    for (;;) {
      const batch = await this.batches.findOne({ _id: batchId });
      if (batch?.state === 'committed') return true;
      // Finished, or rolled back and cleared: a rollback removes every statement of the batch.
      if (batch === null) return (await this.statements.countDocuments({ _id: id }, { limit: 1 })) > 0;
      if (batch.state === 'aborted' || this.isAbandoned(batch)) {
        await this.recoverBatch(batch);
        return false;
      }
      if (this.now() > deadline) {
        throw new ServiceUnavailableError(`Statement ${id} is being stored by another request; retry`, 'STATEMENT_IN_FLIGHT');
      }
      await sleep(50);
    }
  }

  /** The commit point, recording the effects, then the effects; throws when the batch was rolled back meanwhile. */
  private async commit(batchId: string, effects: BatchEffects): Promise<void> {
    const recorded = recordEffects(effects);
    const pending = { _id: batchId, state: 'pending' as const };
    const won = hasEffects(recorded)
      ? (await this.batches.updateOne(pending, { $set: { state: 'committed', effects: recorded } })).modifiedCount === 1
      : (await this.batches.deleteOne(pending)).deletedCount === 1;
    if (!won) throw new ServiceUnavailableError('The statements took too long to store and were rolled back; retry');
    try {
      await this.positions.release(batchId);
      if (!hasEffects(recorded)) return;
      await this.applyEffects(recorded);
      await this.batches.deleteOne({ _id: batchId });
    } catch (error) {
      // Committed: the statements are stored; recovery closes the range and applies the recorded effects again.
      this.logger.error({ err: error, batchId }, 'finishing a committed batch failed; recovery will retry');
    }
  }

  private async applyEffects(effects: RecordedEffects): Promise<void> {
    const updates = [
      ...effects.voidStored.map((id) => ({ updateOne: { filter: { _id: id }, update: { $set: { voided: true } } } })),
      ...effects.grownViews.map(({ id, v }) => ({
        updateOne: {
          filter: { _id: id },
          update: { $addToSet: Object.fromEntries(VIEW_FIELDS.map((field) => [`v.${field}`, { $each: v[field] }])) },
        },
      })),
    ];
    if (updates.length > 0) await this.statements.bulkWrite(updates, { ordered: false });
    const referrersByTarget = new Map<string, string[]>();
    for (const { t, r } of effects.unresolved) {
      if (!referrersByTarget.has(t)) referrersByTarget.set(t, []);
      referrersByTarget.get(t)!.push(r);
    }
    if (referrersByTarget.size > 0) {
      // One upsert per target: concurrent upserts of one _id can fail with a duplicate key.
      await this.waiting.bulkWrite(
        [...referrersByTarget].map(([t, referrers]) => ({
          updateOne: { filter: { _id: t }, update: { $addToSet: { referrers: { $each: referrers } } }, upsert: true },
        })),
        { ordered: false },
      );
    }
    if (effects.resolved.length > 0) await this.waiting.deleteMany({ _id: { $in: effects.resolved } });
  }

  private async recoverBatch(batch: BatchDocument): Promise<void> {
    if (batch.state === 'committed') {
      await this.positions.release(batch._id);
      await this.applyEffects(batch.effects ?? recordEffects(undefined));
      await this.batches.deleteOne({ _id: batch._id });
    } else {
      await this.abort(batch._id, batch.ids);
    }
    this.logger.info({ batchId: batch._id, state: batch.state }, 'recovered an abandoned statement batch');
  }

  /**
   * Removes the statements this batch inserted; the batch is marked aborted first so readers ignore
   * them, and its positions are released only once they are gone (the feed leaves a gap).
   */
  private async abort(batchId: string, ids: string[]): Promise<void> {
    await this.batches.updateOne({ _id: batchId }, { $set: { state: 'aborted' } });
    if (ids.length > 0) {
      await this.statements.bulkWrite(
        ids.map((id) => ({ deleteOne: { filter: { _id: id, b: batchId } } })),
        { ordered: false },
      );
    }
    await this.positions.release(batchId);
    await this.batches.deleteOne({ _id: batchId });
  }

  /**
   * Closes ranges still open whose batch record is gone: the batch committed (or rolled back) and
   * its owner died before closing the range. The record existed before the range was taken, and
   * is read after the range, so a missing record means a finished batch.
   */
  private async releaseFinishedRanges(): Promise<void> {
    const open = await this.positions.openBatches();
    if (open.length === 0) return;
    const existing = await this.batches.find({ _id: { $in: open } }, { projection: { _id: 1 } }).toArray();
    const unfinished = new Set(existing.map((batch) => batch._id));
    for (const batchId of open) if (!unfinished.has(batchId)) await this.positions.release(batchId);
  }

  /**
   * Gives feed positions to statements stored without one, oldest first, under a batch record of
   * their own (committed, without effects) so that recovery closes the range if this process dies.
   */
  private async positionUnpositioned(): Promise<void> {
    // Statements of batches not committed are left to their recovery (a rollback deletes them).
    const invisible = await this.invisibleBatchIds();
    let after: PagePosition | undefined;
    for (;;) {
      const filter: Filter<StatementDocument> = { p: { $exists: false } };
      if (invisible.length > 0) filter.b = { $nin: invisible };
      if (after) filter.$or = afterPosition(after, true);
      const documents = await this.statements
        .find(filter, { projection: { _id: 1, stored: 1 } })
        .sort({ stored: 1, _id: 1 })
        .limit(POSITIONING_BATCH)
        .toArray();
      const last = documents.at(-1);
      if (last === undefined) return;
      await this.underOwnBatch(async (batchId) => {
        const first = await this.positions.take(batchId, documents.length);
        await this.statements.bulkWrite(
          documents.map((document, index) => ({
            updateOne: { filter: { _id: document._id, p: { $exists: false } }, update: { $set: { p: first + index } } },
          })),
          { ordered: false },
        );
        await this.positions.release(batchId);
      });
      after = { stored: last.stored, id: last._id };
    }
  }

  private async underOwnBatch(work: (batchId: string) => Promise<void>): Promise<void> {
    const batchId = randomUUID();
    this.active.add(batchId);
    try {
      const batch = { _id: batchId, ids: [], startedAt: new Date(this.now()), state: 'committed' as const, owner: this.owner };
      await this.batches.insertOne({ ...batch, effects: recordEffects(undefined) });
      await work(batchId);
      await this.batches.deleteOne({ _id: batchId });
    } finally {
      this.active.delete(batchId);
    }
  }

  private isAbandoned(batch: BatchDocument): boolean {
    const { owner } = batch;
    if (owner?.instance === this.owner.instance) return !this.active.has(batch._id);
    if (owner?.host === this.owner.host && (owner.pid === process.pid || !isProcessAlive(owner.pid))) return true;
    return this.now() - batch.startedAt.getTime() > ABANDONED_BATCH_MS;
  }

  /** Inserts what it can; returns the ids that already exist (never overwritten). */
  private async insert(batchId: string, records: (StatementRecord & { position: FeedPosition })[]): Promise<string[]> {
    const documents = records.map((record) => toDocument(batchId, record, record.position));
    try {
      await this.statements.insertMany(documents, { ordered: false });
      return [];
    } catch (error) {
      return refusedDuplicates(error, documents).map((document) => document._id);
    }
  }

  private async findExisting(ids: string[]): Promise<Map<string, ExistingDocument>> {
    if (ids.length === 0) return new Map();
    const found = await this.statements.find({ _id: { $in: [...new Set(ids)] } }, { projection: EXISTING_PROJECTION }).toArray();
    return new Map(found.map((doc) => [doc._id, doc]));
  }

  /**
   * What planning the batch's effects reads, fetched first: the targets outside the batch, the
   * stored statements waiting for statements of the batch, and the statements that refer to those
   * in turn (only when some were waiting, which is rare).
   */
  private async effectReads(batch: NewStatementRecord[]): Promise<EffectReads> {
    const ids = new Set(batch.map((record) => record.id));
    const targets = batch.flatMap((record) => (record.targetId && !ids.has(record.targetId) ? [record.targetId] : []));
    const waiting = await this.waitingReferrers([...ids]);
    const known = new Map([...(await this.findExisting([...targets, ...[...waiting.values()].flat()]))].map(([id, doc]) => [id, toExisting(doc)]));
    const referrers = new Map<string, ExistingStatement[]>();
    for (const [targetId, referrerIds] of waiting) {
      referrers.set(targetId, referrerIds.flatMap((id) => (known.has(id) ? [known.get(id)!] : [])));
    }
    let frontier = [...new Set([...waiting.values()].flat())];
    while (frontier.length > 0) {
      const found = (await this.statements.find({ t: { $in: frontier } }, { projection: EXISTING_PROJECTION }).toArray()).map(toExisting);
      for (const id of frontier) referrers.set(id, []);
      for (const statement of found) referrers.get(statement.targetId!)!.push(statement);
      frontier = found.map((statement) => statement.id).filter((id) => !referrers.has(id));
    }
    return {
      existing: (wanted) => new Map(wanted.flatMap((id) => (known.has(id) ? [[id, known.get(id)!]] : []))),
      referrersOf: (id) => referrers.get(id) ?? [],
    };
  }

  private async waitingReferrers(targetIds: string[]): Promise<Map<string, string[]>> {
    // The waiting list is small (references to statements not yet received) and usually empty.
    if ((await this.waiting.estimatedDocumentCount()) === 0) return new Map();
    const documents = await this.waiting.find({ _id: { $in: targetIds } }).toArray();
    return new Map(documents.map((doc) => [doc._id, doc.referrers]));
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

function recordEffects(effects: BatchEffects | undefined): RecordedEffects {
  return {
    voidStored: effects?.voidStored ?? [],
    grownViews: [...(effects?.grownViews ?? [])].map(([id, v]) => ({ id, v })),
    unresolved: (effects?.unresolved ?? []).map(({ targetId, referrerId }) => ({ t: targetId, r: referrerId })),
    resolved: effects?.resolved ?? [],
  };
}

function hasEffects(effects: RecordedEffects): boolean {
  return Object.values(effects).some((list: unknown[]) => list.length > 0);
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

/**
 * The stored form of a statement record; exported for the benchmark's raw-driver baseline and the
 * migration (which write no position: the LRS gives them one when it next starts).
 */
export function toDocument(batchId: string, record: StatementRecord, position?: FeedPosition): StatementDocument {
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
  if (position !== undefined) document.p = position;
  return document;
}

/** The record of a statement document (shared with the migration, src/migrate). */
export function toRecord(document: StatementDocument): StatementRecord {
  return {
    id: document._id,
    statement: JSON.parse(document.s) as StoredStatement,
    stored: document.stored,
    fingerprint: document.fp,
    views: document.v,
    ...(document.t === undefined ? {} : { targetId: document.t }),
    ...(document.vo === undefined ? {} : { voidsId: document.vo }),
    voided: document.voided,
    credentialKey: document.cred,
    attachmentHashes: document.att,
  };
}

function toExisting(document: ExistingDocument): ExistingStatement {
  return {
    id: document._id,
    fingerprint: document.fp,
    views: document.v,
    ...(document.vo === undefined ? {} : { voidsId: document.vo }),
    ...(document.t === undefined ? {} : { targetId: document.t }),
  };
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
