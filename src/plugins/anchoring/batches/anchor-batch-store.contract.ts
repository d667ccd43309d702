import { beforeEach, describe, expect, it } from '@jest/globals';
import type { AnchorBatch, AnchorBatchStore, AnchorLeaf, OnChainAnchor } from './anchor-batch-store';

/**
 * The behaviour every AnchorBatchStore must have. A test calls this with a factory returning a
 * store over empty storage.
 */
export function describeAnchorBatchStoreContract(
  adapterName: string,
  createStore: () => Promise<AnchorBatchStore>,
): void {
  const T0 = Date.parse('2024-04-01T10:00:00.000Z');
  const at = (offsetMs: number) => new Date(T0 + offsetMs);

  /** Batch `seq` of `count` statements s<seq>-<i> at feed positions seq * 1000 + i + 1, recorded at T0 + seq seconds. */
  function batchOf(seq: number, fields: Partial<AnchorBatch> = {}, count = 3): AnchorBatch {
    return {
      seq,
      state: 'recorded',
      first: { position: seq * 1000 + 1, id: `s${seq}-0` },
      last: { position: seq * 1000 + count, id: `s${seq}-${count - 1}` },
      count,
      root: `0x${seq.toString(16).padStart(64, 'a')}`,
      recordedAt: at(seq * 1000 + 1000),
      attempts: 0,
      nextAttemptAt: at(seq * 1000 + 1000),
      ...fields,
    };
  }

  function leavesOf(batch: AnchorBatch, variant = ''): AnchorLeaf[] {
    return Array.from({ length: batch.count }, (_, index) => ({
      statementId: `s${batch.seq}-${index}`,
      seq: batch.seq,
      leafIndex: index,
      digest: `${variant}digest-${batch.seq}-${index}`,
      leaf: `${variant}leaf-${batch.seq}-${index}`,
      proof: [`${variant}p0-${index}`, `p1-${index}`, `p2-${index}`],
    }));
  }

  function anchorOf(seq: number, finality: OnChainAnchor['finality']): OnChainAnchor {
    return { onChainBatchId: `0x${seq + 1}`, transactionHash: `0xt${seq}`, blockNumber: 100 + seq, blockHash: `0xb${seq}`, finality };
  }

  describe(`${adapterName} (AnchorBatchStore contract)`, () => {
    let store: AnchorBatchStore;
    const record = (batch: AnchorBatch) => store.record(batch, leavesOf(batch));
    const seqs = (batches: AnchorBatch[]) => batches.map((batch) => batch.seq);

    beforeEach(async () => {
      store = await createStore();
    });

    it('has nothing before the first batch', async () => {
      expect(await store.latest()).toBeUndefined();
      expect(await store.latestAnchored()).toBeUndefined();
      expect(await store.countByState()).toEqual({ recorded: 0, sent: 0, anchored: 0 });
      expect(await store.unfinished()).toEqual([]);
      expect(await store.awaitingL1(10)).toEqual([]);
      expect(await store.list(10)).toEqual([]);
      expect(await store.get(0)).toBeUndefined();
      expect(await store.leafOf('s0-0')).toBeUndefined();
    });

    describe('record', () => {
      it('keeps the batch as given, times and positions included', async () => {
        const batch = batchOf(0, { lastError: 'an earlier failure' });
        expect(await record(batch)).toBe(true);
        expect(await store.get(0)).toEqual(batch);
        expect(await store.latest()).toEqual(batch);
      });

      it("keeps each statement's leaf and proof, in order", async () => {
        const batch = batchOf(4, {}, 50);
        await record(batch);
        for (const leaf of leavesOf(batch)) expect(await store.leafOf(leaf.statementId)).toEqual(leaf);
      });

      it('refuses a batch whose sequence number is taken, keeping the first and its leaves', async () => {
        const first = batchOf(0);
        await record(first);
        const second = batchOf(0, { root: '0xother', count: 3 });
        expect(await store.record(second, leavesOf(second, 'other-'))).toBe(false);
        expect(await store.get(0)).toEqual(first);
        expect(await store.leafOf('s0-0')).toEqual(leavesOf(first)[0]);
      });

      it('records a batch once when two instances record it at the same time', async () => {
        const batch = batchOf(0);
        const results = await Promise.all([record(batch), record(batch), record(batch)]);
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.get(0)).toEqual(batch);
      });

      it('records a batch without statements', async () => {
        const batch = batchOf(0, {}, 0);
        expect(await store.record(batch, [])).toBe(true);
        expect(await store.get(0)).toEqual(batch);
      });
    });

    describe('queries', () => {
      beforeEach(async () => {
        // Recorded out of order: the store orders by sequence number.
        for (const seq of [2, 0, 4, 1, 3, 5]) await record(batchOf(seq));
        await store.update(1, { state: 'anchored', anchor: anchorOf(1, 'ACCEPTED_ON_L1') });
        await store.update(2, { state: 'sent', transactionHash: '0xt2' });
        await store.update(3, { state: 'anchored', anchor: anchorOf(3, 'ACCEPTED_ON_L2') });
        await store.update(5, { state: 'anchored', anchor: anchorOf(5, 'ACCEPTED_ON_L2') });
      });

      it('gives the batch with the highest sequence number as the latest', async () => {
        expect((await store.latest())?.seq).toBe(5);
      });

      it('lists the batches not yet anchored, oldest first', async () => {
        const unfinished = await store.unfinished();
        expect(seqs(unfinished)).toEqual([0, 2, 4]);
        expect(unfinished.map((batch) => batch.state)).toEqual(['recorded', 'sent', 'recorded']);
      });

      it('lists the anchored batches still only accepted on L2, oldest first, at most the limit', async () => {
        expect(seqs(await store.awaitingL1(10))).toEqual([3, 5]);
        expect(seqs(await store.awaitingL1(1))).toEqual([3]);
      });

      it('gives the anchored batch with the highest sequence number, whatever came after', async () => {
        expect((await store.latestAnchored())?.seq).toBe(5);
        await store.update(5, { state: 'sent' });
        expect((await store.latestAnchored())?.seq).toBe(3);
      });

      it('counts the batches in each state', async () => {
        expect(await store.countByState()).toEqual({ recorded: 2, sent: 1, anchored: 3 });
      });

      it('keeps the time a batch was found anchored', async () => {
        await store.update(3, { anchoredAt: at(90_000) });
        expect((await store.get(3))?.anchoredAt).toEqual(at(90_000));
      });

      it('lists batches newest first, before a sequence number, at most the limit', async () => {
        expect(seqs(await store.list(10))).toEqual([5, 4, 3, 2, 1, 0]);
        expect(seqs(await store.list(2))).toEqual([5, 4]);
        expect(seqs(await store.list(2, 4))).toEqual([3, 2]);
        expect(seqs(await store.list(10, 1))).toEqual([0]);
        expect(await store.list(10, 0)).toEqual([]);
      });
    });

    describe('update', () => {
      it('changes the given fields only', async () => {
        await record(batchOf(0));
        await store.update(0, { attempts: 2, nextAttemptAt: at(60_000), lastError: 'chain unreachable' });
        expect(await store.get(0)).toEqual(batchOf(0, { attempts: 2, nextAttemptAt: at(60_000), lastError: 'chain unreachable' }));
      });

      it('removes fields changed to undefined', async () => {
        await record(batchOf(0, { lastError: 'chain unreachable' }));
        await store.update(0, { state: 'sent', transactionHash: '0xt0', lastError: undefined });
        const updated = await store.get(0);
        expect(updated).toEqual(batchOf(0, { state: 'sent', transactionHash: '0xt0' }));
        expect(updated).not.toHaveProperty('lastError');
      });

      it('moves a batch between the lists as its state and finality change', async () => {
        await record(batchOf(0));
        await store.update(0, { state: 'anchored', anchor: anchorOf(0, 'ACCEPTED_ON_L2'), transactionHash: '0xt0' });
        expect(await store.unfinished()).toEqual([]);
        const anchored = batchOf(0, { state: 'anchored', anchor: anchorOf(0, 'ACCEPTED_ON_L2'), transactionHash: '0xt0' });
        expect(await store.awaitingL1(10)).toEqual([anchored]);
        await store.update(0, { anchor: anchorOf(0, 'ACCEPTED_ON_L1') });
        expect(await store.awaitingL1(10)).toEqual([]);
        expect((await store.get(0))?.anchor).toEqual(anchorOf(0, 'ACCEPTED_ON_L1'));
        await store.update(0, { state: 'recorded', anchor: undefined });
        expect(seqs(await store.unfinished())).toEqual([0]);
      });

      it('changes nothing for an unknown sequence number', async () => {
        await store.update(7, { state: 'sent' });
        expect(await store.get(7)).toBeUndefined();
        expect(await store.list(10)).toEqual([]);
      });
    });
  });
}
