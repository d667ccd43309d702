import type { Db } from 'mongodb';
import { openAnchorBatchStore } from '../../test-support/anchoring';
import { openTestBackend, type TestBackend } from '../../test-support/backends';
import type { AnchorBatch } from '../plugins/anchoring/batches/anchor-batch-store';
import type { MongoBackend } from './mongo-backend';
import { moveLegacyAnchoring } from './mongo-legacy-anchoring';

/**
 * A MongoDB database from before anchoring was a plugin, its batches and leaves in anchor_batches
 * and anchor_leaves as MongoAnchorBatchStore wrote them (BSON dates, nulls for removed fields):
 * the upgrade moves them where the anchoring plugin's CollectionAnchorBatchStore reads them whole.
 */
describe('moving MongoDB anchoring batches into the anchoring plugin', () => {
  let opened: TestBackend;
  let db: Db;
  beforeEach(async () => {
    opened = await openTestBackend('mongodb');
    db = (opened.backend as unknown as { db: Db }).db;
  });
  afterEach(async () => {
    await opened.dispose();
  });

  const anchored = { onChainBatchId: '0', transactionHash: '0xt0', blockNumber: 100, blockHash: '0xb0', finality: 'ACCEPTED_ON_L2' as const };

  async function writeLegacy(): Promise<void> {
    await db.collection('statements').insertMany(['a0', 'a1', 'b0'].map((id, index) => ({ _id: id, p: index + 7 }) as never));
    await db.collection('anchor_batches').insertMany([
      {
        _id: 0,
        state: 'anchored',
        first: { stored: new Date('2024-04-01T10:00:00.000Z'), id: 'a0' },
        last: { stored: new Date('2024-04-01T10:00:00.001Z'), id: 'a1' },
        count: 2,
        root: '0xroot0',
        transactionHash: '0xt0',
        anchor: anchored,
        recordedAt: new Date('2024-04-01T10:01:00.000Z'),
        attempts: 0,
        nextAttemptAt: new Date('2024-04-01T10:01:00.000Z'),
        lastError: null,
      },
      {
        _id: 1,
        state: 'recorded',
        first: { stored: new Date('2024-04-01T10:00:00.002Z'), id: 'b0' },
        last: { stored: new Date('2024-04-01T10:00:00.002Z'), id: 'b0' },
        count: 1,
        root: '0xroot1',
        recordedAt: new Date('2024-04-01T10:11:00.000Z'),
        attempts: 2,
        nextAttemptAt: new Date('2024-04-01T10:11:20.000Z'),
        lastError: 'RPC unreachable',
      },
    ] as never[]);
    await db.collection('anchor_leaves').insertMany([
      { _id: 'a0', seq: 0, leafIndex: 0, digest: 'd0', leaf: '0xl0', proof: ['0xl1'] },
      { _id: 'a1', seq: 0, leafIndex: 1, digest: 'd1', leaf: '0xl1', proof: ['0xl0'] },
      { _id: 'b0', seq: 1, leafIndex: 0, digest: 'd2', leaf: '0xl2', proof: [] },
    ] as never[]);
  }

  it('moves every batch and leaf, with feed positions, and drops the old collections', async () => {
    await writeLegacy();
    const { collections } = opened.backend as MongoBackend;
    expect(await moveLegacyAnchoring(db, collections)).toEqual({ batches: 2, leaves: 3 });
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((collection) => collection.name);
    expect(names.filter((name) => name.startsWith('anchor_'))).toEqual([]);

    const store = await openAnchorBatchStore(collections);
    const first: AnchorBatch = {
      seq: 0,
      state: 'anchored',
      first: { id: 'a0', position: 7 },
      last: { id: 'a1', position: 8 },
      count: 2,
      root: '0xroot0',
      transactionHash: '0xt0',
      anchor: anchored,
      recordedAt: new Date('2024-04-01T10:01:00.000Z'),
      attempts: 0,
      nextAttemptAt: new Date('2024-04-01T10:01:00.000Z'),
    };
    const second: AnchorBatch = {
      seq: 1,
      state: 'recorded',
      first: { id: 'b0', position: 9 },
      last: { id: 'b0', position: 9 },
      count: 1,
      root: '0xroot1',
      recordedAt: new Date('2024-04-01T10:11:00.000Z'),
      attempts: 2,
      nextAttemptAt: new Date('2024-04-01T10:11:20.000Z'),
      lastError: 'RPC unreachable',
    };
    expect(await store.list(10)).toEqual([second, first]);
    expect(await store.unfinished()).toEqual([second]);
    expect(await store.awaitingL1(10)).toEqual([first]);
    expect(await store.leafOf('a1')).toEqual({ statementId: 'a1', seq: 0, leafIndex: 1, digest: 'd1', leaf: '0xl1', proof: ['0xl0'] });
    expect(await store.leafOf('b0')).toEqual({ statementId: 'b0', seq: 1, leafIndex: 0, digest: 'd2', leaf: '0xl2', proof: [] });
  });

  it('does nothing when there is nothing to move, and moves again what a stopped start left', async () => {
    const { collections } = opened.backend as MongoBackend;
    expect(await moveLegacyAnchoring(db, collections)).toEqual({ batches: 0, leaves: 0 });
    await writeLegacy();
    const leaves = await collections.open('anchoring', 'leaves', {});
    await leaves.put('a0', { seq: 0, leafIndex: 0, digest: 'partly moved', leaf: '0xl0', proof: [] });
    expect(await moveLegacyAnchoring(db, collections)).toEqual({ batches: 2, leaves: 3 });
    expect((await leaves.get('a0'))?.value).toEqual({ seq: 0, leafIndex: 0, digest: 'd0', leaf: '0xl0', proof: ['0xl1'] });
    expect(await moveLegacyAnchoring(db, collections)).toEqual({ batches: 0, leaves: 0 });
  });
});
