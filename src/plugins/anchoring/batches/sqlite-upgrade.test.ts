import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteDatabase } from '../../../db/sqlite/database';
import { MIGRATIONS } from '../../../db/sqlite/schema';
import { SqliteCollectionStore } from '../../../storage/collections/sqlite-collection-store';
import { openAnchorBatchStore } from '../../../../test-support/anchoring';
import type { AnchorBatch, AnchorLeaf } from './anchor-batch-store';

/**
 * A SQLite data directory from before anchoring was a plugin (schema 2, batches and leaves in
 * anchor_batches and anchor_leaves, as SqliteAnchorBatchStore wrote them): the upgrade moves
 * them into the plugin's collections, where CollectionAnchorBatchStore reads them whole, their
 * first and last statements named by feed position.
 */
describe('upgrading a SQLite database with anchoring batches', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'keiko-anchoring-upgrade-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const anchored = { onChainBatchId: '0', transactionHash: '0xt0', blockNumber: 100, blockHash: '0xb0', finality: 'ACCEPTED_ON_L2' as const };

  it('moves them into the collection store and drops the old tables', async () => {
    const file = path.join(dir, 'keiko-lrs.db');
    const before = openSqliteDatabase(file, { migrations: MIGRATIONS.filter((migration) => migration.version <= 2) });
    const statement = before.prepare(
      "INSERT INTO statements (seq, id, stored, body, fingerprint, views, credential, attachments) VALUES (?, ?, ?, '{}', 'f', '[]', 'k', '[]')",
    );
    const ids = ['a0', 'a1', 'a2', 'b0'];
    ids.forEach((id, index) => statement.run(index + 7, id, Date.parse('2024-04-01T10:00:00Z') + index));
    const batchRow = before.prepare('INSERT INTO anchor_batches (seq, state, finality, batch) VALUES (?, ?, ?, ?)');
    batchRow.run(0, 'anchored', 'ACCEPTED_ON_L2', JSON.stringify({
      state: 'anchored',
      first: { stored: '2024-04-01T10:00:00.000Z', id: 'a0' },
      last: { stored: '2024-04-01T10:00:00.002Z', id: 'a2' },
      count: 3,
      root: '0xroot0',
      transactionHash: '0xt0',
      anchor: anchored,
      recordedAt: '2024-04-01T10:01:00.000Z',
      attempts: 1,
      nextAttemptAt: '2024-04-01T10:01:05.000Z',
    }));
    batchRow.run(1, 'recorded', null, JSON.stringify({
      state: 'recorded',
      first: { stored: '2024-04-01T10:00:00.003Z', id: 'b0' },
      last: { stored: '2024-04-01T10:00:00.003Z', id: 'b0' },
      count: 1,
      root: '0xroot1',
      recordedAt: '2024-04-01T10:11:00.000Z',
      attempts: 2,
      nextAttemptAt: '2024-04-01T10:11:20.000Z',
      lastError: 'RPC unreachable',
    }));
    const leafRow = before.prepare('INSERT INTO anchor_leaves (statement_id, seq, leaf_index, digest, leaf, proof) VALUES (?, ?, ?, ?, ?, ?)');
    ids.slice(0, 3).forEach((id, index) => leafRow.run(id, 0, index, `d${index}`, `0xl${index}`, JSON.stringify([`0xp${index}`, '0xq'])));
    leafRow.run('b0', 1, 0, 'd3', '0xl3', '[]');
    before.close();

    const after = openSqliteDatabase(file);
    try {
      const tables = after.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE 'anchor%'").all();
      expect(tables).toEqual([]);
      const store = await openAnchorBatchStore(new SqliteCollectionStore(after));
      const first: AnchorBatch = {
        seq: 0,
        state: 'anchored',
        first: { id: 'a0', position: 7 },
        last: { id: 'a2', position: 9 },
        count: 3,
        root: '0xroot0',
        transactionHash: '0xt0',
        anchor: anchored,
        recordedAt: new Date('2024-04-01T10:01:00.000Z'),
        attempts: 1,
        nextAttemptAt: new Date('2024-04-01T10:01:05.000Z'),
      };
      const second: AnchorBatch = {
        seq: 1,
        state: 'recorded',
        first: { id: 'b0', position: 10 },
        last: { id: 'b0', position: 10 },
        count: 1,
        root: '0xroot1',
        recordedAt: new Date('2024-04-01T10:11:00.000Z'),
        attempts: 2,
        nextAttemptAt: new Date('2024-04-01T10:11:20.000Z'),
        lastError: 'RPC unreachable',
      };
      expect(await store.list(10)).toEqual([second, first]);
      expect(await store.latest()).toEqual(second);
      expect(await store.unfinished()).toEqual([second]);
      expect(await store.awaitingL1(10)).toEqual([first]);
      const leaf: AnchorLeaf = { statementId: 'a1', seq: 0, leafIndex: 1, digest: 'd1', leaf: '0xl1', proof: ['0xp1', '0xq'] };
      expect(await store.leafOf('a1')).toEqual(leaf);
      expect(await store.leafOf('b0')).toEqual({ statementId: 'b0', seq: 1, leafIndex: 0, digest: 'd3', leaf: '0xl3', proof: [] });
      await store.update(1, { state: 'anchored', anchor: { ...anchored, onChainBatchId: '1' }, lastError: undefined });
      expect(await store.awaitingL1(10)).toHaveLength(2);
    } finally {
      after.close();
    }
  });
});
