import { randomUUID } from 'node:crypto';
import { ConflictError } from '../../errors';
import type { FilterView } from './filter-view';
import type { FeedRecord, NewStatementRecord, StatementStorage, UnstampedStatement } from './statement-storage';

/**
 * The behaviour every StatementStorage adapter must have. Each adapter's test calls this with a
 * factory giving a fresh, empty storage.
 */
export function describeStatementStorageContract(adapter: string, createStorage: () => Promise<StatementStorage>): void {
  describe(`StatementStorage contract: ${adapter}`, () => {
    let storage: StatementStorage;
    beforeEach(async () => {
      storage = await createStorage();
    });

    /** Stores each record in a batch of its own, so that their stored times increase in this order. */
    async function storeEach(records: NewStatementRecord[]): Promise<Date[]> {
      const times: Date[] = [];
      for (const record of records) times.push((await storage.storeBatch([record])).stored[0]!.stored);
      return times;
    }

    it('stamps each batch with a stored time later than the previous one, and timestamp when absent (Data 2.4.7, 2.4.8)', async () => {
      const [first, second] = [recordOf(), recordOf()];
      second.statement.timestamp = '2020-01-01T00:00:00.000Z';
      const [firstStored, secondStored] = await storeEach([first, second]);
      expect(secondStored!.getTime()).toBeGreaterThan(firstStored!.getTime());
      const read = await storage.getById(first.id);
      expect(read?.statement.stored).toBe(firstStored!.toISOString());
      expect(read?.statement.timestamp).toBe(firstStored!.toISOString());
      expect((await storage.getById(second.id))?.statement.timestamp).toBe('2020-01-01T00:00:00.000Z');
    });

    it('accepts a statement stored again with the same content without changing it', async () => {
      const record = recordOf();
      const [stored] = await storeEach([record]);
      const again = await storage.storeBatch([record, recordOf()]);
      expect(again.alreadyStored).toEqual([record.id]);
      expect(again.stored).toHaveLength(1);
      expect((await storage.getById(record.id))?.stored).toEqual(stored);
    });

    it('stores nothing of a batch with an id stored with other content, and says so (409 STATEMENT_CONFLICT)', async () => {
      const record = recordOf();
      await storeEach([record]);
      const innocent = recordOf();
      const error = await storage.storeBatch([innocent, { ...record, fingerprint: 'other' }]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect((error as ConflictError).code).toBe('STATEMENT_CONFLICT');
      expect(await storage.getById(innocent.id)).toBeUndefined();
      expect((await storage.query(query({}))).records.map((r) => r.id)).toEqual([record.id]);
    });

    it('stores a batch stored at the same time as a conflicting one, and nothing of the conflicting one', async () => {
      const stored = recordOf();
      await storeEach([stored]);
      const [good, innocent] = [recordOf(), recordOf()];
      const [accepted, refused] = await Promise.allSettled([
        storage.storeBatch([good]),
        storage.storeBatch([innocent, { ...stored, fingerprint: 'other' }]),
      ]);
      expect(accepted.status).toBe('fulfilled');
      expect(refused.status === 'rejected' && (refused.reason as ConflictError).code).toBe('STATEMENT_CONFLICT');
      expect(await storage.getById(good.id)).toBeDefined();
      expect(await storage.getById(innocent.id)).toBeUndefined();
    });

    it('stores each statement once when two requests store the same batch at the same time', async () => {
      const records = [recordOf(), recordOf(), recordOf()];
      const results = await Promise.all([storage.storeBatch(records), storage.storeBatch(records)]);
      expect(results.flatMap((r) => r.stored.map((s) => s.id)).sort()).toEqual(records.map((r) => r.id).sort());
      expect((await storage.query(query({}))).records).toHaveLength(3);
    });

    it('filters by each view field and pages by (stored, id) in both directions', async () => {
      const verb = `http://example.org/verbs/${randomUUID()}`;
      const records = [0, 1, 2, 3, 4].map((n) => recordOf({ views: { vb: [verb], a: [n % 2 ? 'mbox:odd' : 'mbox:even'] } }));
      const times = await storeEach(records);
      const first = await storage.query(query({ verb, limit: 2 }));
      expect(first.records.map((r) => r.id)).toEqual([records[4]!.id, records[3]!.id]);
      const second = await storage.query(query({ verb, limit: 2, after: first.next }));
      expect(second.records.map((r) => r.id)).toEqual([records[2]!.id, records[1]!.id]);
      const ascending = await storage.query(query({ verb, limit: 10, ascending: true, agentKey: 'mbox:odd' }));
      expect((await storage.query(query({ verb: 'http://example.org/other', agentKey: 'mbox:odd' }))).records).toEqual([]);
      expect(ascending.records.map((r) => r.id)).toEqual([records[1]!.id, records[3]!.id]);
      expect(ascending.next).toBeUndefined();
      const since = await storage.query(query({ verb, limit: 10, since: times[3] }));
      expect(since.records.map((r) => r.id)).toEqual([records[4]!.id]);
      const until = await storage.query(query({ verb, limit: 10, until: times[0] }));
      expect(until.records.map((r) => r.id)).toEqual([records[0]!.id]);
      expect((await storage.query(query({ verb: 'http://example.org/verbs/never-seen' }))).records).toEqual([]);
    });

    it('pages through statements of one batch (one stored time) without losing or repeating any', async () => {
      const records = Array.from({ length: 7 }, () => recordOf({ views: { rg: ['reg-1'] } }));
      await storage.storeBatch(records);
      for (const filter of [{}, { registration: 'reg-1' }]) {
        const seen: string[] = [];
        let page = await storage.query(query({ ...filter, limit: 3 }));
        seen.push(...page.records.map((r) => r.id));
        while (page.next) {
          page = await storage.query(query({ ...filter, limit: 3, after: page.next }));
          seen.push(...page.records.map((r) => r.id));
        }
        expect(seen.sort()).toEqual(records.map((r) => r.id).sort());
      }
    });

    it('keeps only the statements of a credential for read/mine', async () => {
      const mine = recordOf({ credentialKey: 'mine' });
      await storeEach([mine, recordOf({ credentialKey: 'theirs' })]);
      expect((await storage.query(query({ credentialKey: 'mine' }))).records.map((r) => r.id)).toEqual([mine.id]);
    });

    it('voids the target of a voiding statement: hidden from queries, still found by id (Data 2.3.2)', async () => {
      const verb = `http://example.org/verbs/${randomUUID()}`;
      const target = recordOf({ views: { vb: [verb] } });
      const voider = voiding(target.id);
      await storeEach([target, voider]);
      // The voiding statement matches what its target matches (Communication 2.1.3.s3); the target no longer shows.
      expect((await storage.query(query({ verb }))).records.map((r) => r.id)).toEqual([voider.id]);
      expect((await storage.getById(target.id))?.voided).toBe(true);
    });

    it('voids a statement that arrives after its voiding statement, in the same batch or later', async () => {
      const late = recordOf();
      await storeEach([voiding(late.id), late]);
      expect((await storage.getById(late.id))?.voided).toBe(true);
      const together = recordOf();
      await storage.storeBatch([voiding(together.id), together]);
      expect((await storage.getById(together.id))?.voided).toBe(true);
    });

    it('never voids a voiding statement (Data 2.3.2.s2.b3)', async () => {
      const first = voiding(randomUUID());
      await storeEach([first, voiding(first.id)]);
      expect((await storage.getById(first.id))?.voided).toBe(false);
    });

    it('lets a StatementRef match what its target matches, whichever arrives first, recursively (Communication 2.1.3.s3)', async () => {
      const verb = `http://example.org/verbs/${randomUUID()}`;
      const target = recordOf({ views: { vb: [verb] } });
      const referrer = recordOf({ targetId: target.id });
      const referrerOfReferrer = recordOf({ targetId: referrer.id });
      await storeEach([referrerOfReferrer, referrer, target]);
      const found = (await storage.query(query({ verb }))).records.map((r) => r.id).sort();
      expect(found).toEqual([target.id, referrer.id, referrerOfReferrer.id].sort());
      const later = recordOf({ targetId: target.id });
      await storeEach([later]);
      expect((await storage.getById(later.id))?.views.vb).toContain(verb);
    });

    it('scans every statement in stored order, voided ones included, up to a time', async () => {
      const records = [recordOf(), recordOf(), recordOf()];
      const times = await storeEach(records);
      await storeEach([voiding(records[1]!.id)]);
      const all = await storage.scanStored(undefined, times[2]!, 10);
      expect(all.map((r) => r.id)).toEqual(records.map((r) => r.id));
      expect(all[1]!.voided).toBe(true);
      const rest = await storage.scanStored({ stored: times[0]!, id: records[0]!.id }, times[1]!, 10);
      expect(rest.map((r) => r.id)).toEqual([records[1]!.id]);
    });

    it('round-trips statements with dotted and $ keys and nested arrays', async () => {
      const record = recordOf();
      record.statement.result = { extensions: { 'http://x.org/a.b': { $k: [[1, [2]], []], 'big': 1.5e300 } } };
      await storeEach([record]);
      expect((await storage.getById(record.id))?.statement.result).toEqual(record.statement.result);
    });

    it('starts the feed empty, at position 0', async () => {
      expect(await storage.feedHead()).toBe(0);
      expect(await storage.readFeed(undefined, 10)).toEqual({ records: [], through: 0 });
    });

    it('feeds every stored statement in the order batches were stored, voided ones included, page by page to the head', async () => {
      const [first, second, third] = [recordOf(), recordOf(), recordOf()];
      await storage.storeBatch([first!]);
      await storage.storeBatch([second!, third!]);
      const voider = voiding(first!.id);
      await storage.storeBatch([voider]);

      const all = await storage.readFeed(undefined, 100);
      expect(all.records[0]!.id).toBe(first!.id);
      expect(all.records.slice(1, 3).map((r) => r.id).sort()).toEqual([second!.id, third!.id].sort());
      expect(all.records[3]).toMatchObject({ id: voider.id, voidsId: first!.id, voided: false });
      expect(all.records[0]!.voided).toBe(true);
      expect(all.records[0]!.statement.id).toBe(first!.id);
      expectIncreasing(all.records);
      expect(all.through).toBe(await storage.feedHead());
      expect(all.through).toBeGreaterThanOrEqual(all.records[3]!.position);

      const paged = await followFeed(2);
      expect(paged.map((r) => r.id)).toEqual(all.records.map((r) => r.id));
      expect(await storage.readFeed(all.through, 100)).toEqual({ records: [], through: all.through });
      const [, ...rest] = all.records;
      expect((await storage.readFeed(all.records[0]!.position, 100)).records.map((r) => r.id)).toEqual(rest.map((r) => r.id));
    });

    it('stores nothing for an empty batch, and the feed goes on after it', async () => {
      expect(await storage.storeBatch([])).toEqual({ stored: [], alreadyStored: [] });
      const record = recordOf();
      await storage.storeBatch([record]);
      expect((await storage.readFeed(undefined, 10)).records.map((r) => r.id)).toEqual([record.id]);
    });

    it('feeds nothing of a refused batch, and reads on past the gap it may leave', async () => {
      const stored = recordOf();
      await storage.storeBatch([stored]);
      const innocent = recordOf();
      await expect(storage.storeBatch([innocent, { ...stored, fingerprint: 'other' }])).rejects.toBeInstanceOf(ConflictError);
      const later = recordOf();
      await storage.storeBatch([later]);
      const page = await storage.readFeed(undefined, 100);
      expect(page.records.map((r) => r.id)).toEqual([stored.id, later.id]);
      expect(page.through).toBe(await storage.feedHead());

      // Refused among batches stored at the same time (on SQLite: a rolled-back savepoint of one group commit).
      const [before, after] = [recordOf(), recordOf()];
      const outcomes = await Promise.allSettled([
        storage.storeBatch([before]),
        storage.storeBatch([recordOf(), { ...stored, fingerprint: 'other' }]),
        storage.storeBatch([after]),
      ]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const rest = await storage.readFeed(page.through, 100);
      expect(rest.records.map((r) => r.id).sort()).toEqual([before.id, after.id].sort());
      expectIncreasing(rest.records);
      expect(rest.through).toBe(await storage.feedHead());
    });

    it('feeds each statement of concurrent batches exactly once, in increasing positions, to a reader following it meanwhile', async () => {
      const batches = Array.from({ length: 12 }, () => [recordOf(), recordOf(), recordOf()]);
      const stored = new Set(batches.flat().map((r) => r.id));
      const seen: FeedRecord[] = [];
      let through = 0;
      let writing = true;
      const reader = (async () => {
        while (writing || through < (await storage.feedHead())) {
          const page = await storage.readFeed(through, 5);
          seen.push(...page.records);
          through = page.through;
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      await Promise.all(batches.map((records) => storage.storeBatch(records)));
      writing = false;
      await reader;
      expectIncreasing(seen);
      expect(seen.map((r) => r.id).sort()).toEqual([...stored].sort());
    });

    async function followFeed(limit: number): Promise<FeedRecord[]> {
      const seen: FeedRecord[] = [];
      let after: number | undefined;
      for (;;) {
        const page = await storage.readFeed(after, limit);
        seen.push(...page.records);
        if (page.through === after) return seen;
        after = page.through;
      }
    }

    it('is consistent through a time no later than now, before which every stored statement is visible', async () => {
      const [stored] = await storeEach([recordOf()]);
      const through = await storage.consistentThrough(new Date());
      expect(through.getTime()).toBeLessThanOrEqual(Date.now());
      expect(through.getTime()).toBeGreaterThanOrEqual(stored!.getTime());
    });
  });
}

function expectIncreasing(records: FeedRecord[]): void {
  records.slice(1).forEach((record, index) => expect(record.position).toBeGreaterThan(records[index]!.position));
}

function voiding(targetId: string): NewStatementRecord {
  return recordOf({ targetId, voidsId: targetId });
}

const EMPTY_VIEW: FilterView = { a: [], r: [], vb: [], ac: [], ra: [], rg: [] };

export function recordOf(overrides: Partial<Omit<NewStatementRecord, 'views'>> & { views?: Partial<FilterView> } = {}): NewStatementRecord {
  const id = overrides.id ?? randomUUID();
  const statement: UnstampedStatement = {
    id,
    actor: { mbox: 'mailto:a@example.org' },
    verb: { id: 'http://example.org/verb' },
    object: { id: 'http://example.org/activity' },
    authority: { objectType: 'Agent', mbox: 'mailto:lrs@example.org' },
    version: '1.0.0',
  };
  return {
    id,
    statement,
    fingerprint: randomUUID(),
    credentialKey: 'key',
    attachmentHashes: [],
    ...overrides,
    views: { ...EMPTY_VIEW, ...overrides.views },
  };
}

function query(overrides: Partial<Parameters<StatementStorage['query']>[0]>): Parameters<StatementStorage['query']>[0] {
  return { relatedAgents: false, relatedActivities: false, ascending: false, limit: 100, ...overrides };
}
