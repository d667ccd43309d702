import { randomUUID } from 'node:crypto';
import type { StoredStatement } from '../types';
import type { FilterView } from './filter-view';
import type { StatementRecord, StatementStorage } from './statement-storage';

/**
 * The behaviour every StatementStorage adapter must have. Each adapter's test calls this with a
 * factory giving a fresh, empty storage.
 */
export function describeStatementStorageContract(adapter: string, createStorage: () => Promise<StatementStorage>): void {
  describe(`StatementStorage contract: ${adapter}`, () => {
    let storage: StatementStorage;
    beforeEach(async () => {
      storage = await createStorage();
      await storage.ensureIndexes();
    });

    async function storeBatch(records: StatementRecord[]): Promise<string> {
      const batchId = randomUUID();
      await storage.beginBatch({ id: batchId, statementIds: records.map((r) => r.id), startedAt: new Date(), state: 'pending' });
      await storage.insert(batchId, records);
      await storage.commitBatch(batchId, false);
      return batchId;
    }

    it('keeps the statements of a pending batch invisible until it commits', async () => {
      const record = recordOf({});
      const batchId = randomUUID();
      await storage.beginBatch({ id: batchId, statementIds: [record.id], startedAt: new Date(), state: 'pending' });
      await storage.insert(batchId, [record]);
      expect(await storage.getById(record.id)).toBeUndefined();
      expect((await storage.query(query({}))).records).toHaveLength(0);
      expect(await storage.commitBatch(batchId, true)).toBe(true);
      expect((await storage.getById(record.id))?.statement).toEqual(record.statement);
      expect(await storage.batchState(batchId)).toBe('committed');
      await storage.finishBatch(batchId);
      expect(await storage.batchState(batchId)).toBeUndefined();
    });

    it('a commit without side effects to follow finishes the batch', async () => {
      const record = recordOf({});
      const batchId = randomUUID();
      await storage.beginBatch({ id: batchId, statementIds: [record.id], startedAt: new Date(), state: 'pending' });
      await storage.insert(batchId, [record]);
      expect(await storage.commitBatch(batchId, false)).toBe(true);
      expect(await storage.batchState(batchId)).toBeUndefined();
      expect(await storage.getById(record.id)).toBeDefined();
    });

    it('aborting removes what the batch inserted and nothing else', async () => {
      const kept = recordOf({});
      await storeBatch([kept]);
      const dropped = recordOf({});
      const batchId = randomUUID();
      await storage.beginBatch({ id: batchId, statementIds: [dropped.id, kept.id], startedAt: new Date(), state: 'pending' });
      const { duplicateIds } = await storage.insert(batchId, [dropped, kept]);
      expect(duplicateIds).toEqual([kept.id]);
      await storage.abortBatch(batchId, [dropped.id, kept.id]);
      expect(await storage.getById(dropped.id)).toBeUndefined();
      expect(await storage.getById(kept.id)).toBeDefined();
      expect(await storage.commitBatch(batchId, false)).toBe(false);
    });

    it('reports pending batches as unfinished for recovery, and holds Consistent-Through before them', async () => {
      const startedAt = new Date(Date.now() - 120_000);
      const batchId = randomUUID();
      await storage.beginBatch({ id: batchId, statementIds: [], startedAt, state: 'pending' });
      expect((await storage.unfinishedBatches(new Date())).map((b) => b.id)).toContain(batchId);
      expect((await storage.consistentThrough(new Date())).getTime()).toBe(startedAt.getTime() - 1);
      await storage.abortBatch(batchId, []);
      expect(await storage.batchState(batchId)).toBeUndefined();
    });

    it('filters by each view field and pages by (stored, id) in both directions', async () => {
      const verb = `http://example.org/verbs/${randomUUID()}`;
      const records = [0, 1, 2, 3, 4].map((n) =>
        recordOf({ stored: new Date(1_700_000_000_000 + n * 1000), views: { vb: [verb], a: [n % 2 ? 'mbox:odd' : 'mbox:even'] } }),
      );
      await storeBatch(records);
      const first = await storage.query(query({ verb, limit: 2 }));
      expect(first.records.map((r) => r.id)).toEqual([records[4]!.id, records[3]!.id]);
      const second = await storage.query(query({ verb, limit: 2, after: first.next }));
      expect(second.records.map((r) => r.id)).toEqual([records[2]!.id, records[1]!.id]);
      const ascending = await storage.query(query({ verb, limit: 10, ascending: true, agentKey: 'mbox:odd' }));
      expect(ascending.records.map((r) => r.id)).toEqual([records[1]!.id, records[3]!.id]);
      expect(ascending.next).toBeUndefined();
      const since = await storage.query(query({ verb, limit: 10, since: records[3]!.stored }));
      expect(since.records.map((r) => r.id)).toEqual([records[4]!.id]);
    });

    it('hides voided statements from queries but not from getById', async () => {
      const verb = `http://example.org/verbs/${randomUUID()}`;
      const record = recordOf({ views: { vb: [verb] } });
      await storeBatch([record]);
      await storage.markVoided([record.id]);
      expect((await storage.query(query({ verb }))).records).toHaveLength(0);
      expect((await storage.getById(record.id))?.voided).toBe(true);
    });

    it('scans every statement in stored order, voided ones included, up to a time', async () => {
      const records = [0, 1, 2].map((n) => recordOf({ stored: new Date(1_600_000_000_000 + n * 1000) }));
      await storeBatch(records);
      await storage.markVoided([records[1]!.id]);
      const all = await storage.scanStored(undefined, records[2]!.stored, 10);
      expect(all.map((r) => r.id)).toEqual(records.map((r) => r.id));
      const rest = await storage.scanStored({ stored: records[0]!.stored, id: records[0]!.id }, records[1]!.stored, 10);
      expect(rest.map((r) => r.id)).toEqual([records[1]!.id]);
    });

    it('never marks a voiding statement voided', async () => {
      const voiding = recordOf({ voidsId: randomUUID() });
      await storeBatch([voiding]);
      await storage.markVoided([voiding.id]);
      expect((await storage.getById(voiding.id))?.voided).toBe(false);
    });

    it('round-trips statements with dotted and $ keys and nested arrays', async () => {
      const record = recordOf({});
      record.statement.result = { extensions: { 'http://x.org/a.b': { $k: [[1, [2]], []] } } };
      await storeBatch([record]);
      expect((await storage.getById(record.id))?.statement).toEqual(record.statement);
    });

    it('remembers waiting referrers until cleared, and finds referrers by target', async () => {
      const target = randomUUID();
      const referrer = recordOf({ targetId: target });
      await storeBatch([referrer]);
      await storage.addWaitingReferrer(target, referrer.id);
      expect(await storage.waitingReferrers([target])).toEqual(new Map([[target, [referrer.id]]]));
      expect((await storage.referrersOf(target)).map((r) => r.id)).toEqual([referrer.id]);
      await storage.clearWaitingReferrers([target]);
      expect((await storage.waitingReferrers([target])).size).toBe(0);
    });
  });
}

const EMPTY_VIEW: FilterView = { a: [], r: [], vb: [], ac: [], ra: [], rg: [] };

function recordOf(overrides: Partial<Omit<StatementRecord, 'views'>> & { views?: Partial<FilterView> }): StatementRecord {
  const id = overrides.id ?? randomUUID();
  const stored = overrides.stored ?? new Date();
  const statement = {
    id,
    actor: { mbox: 'mailto:a@example.org' },
    verb: { id: 'http://example.org/verb' },
    object: { id: 'http://example.org/activity' },
    stored: stored.toISOString(),
    timestamp: stored.toISOString(),
    authority: { objectType: 'Agent', mbox: 'mailto:lrs@example.org' },
    version: '1.0.0',
  } as StoredStatement;
  return {
    id,
    statement,
    stored,
    fingerprint: randomUUID(),
    voided: false,
    credentialKey: 'key',
    attachmentHashes: [],
    ...overrides,
    views: { ...EMPTY_VIEW, ...overrides.views },
  };
}

function query(overrides: Partial<Parameters<StatementStorage['query']>[0]>): Parameters<StatementStorage['query']>[0] {
  return { relatedAgents: false, relatedActivities: false, ascending: false, limit: 100, ...overrides };
}
