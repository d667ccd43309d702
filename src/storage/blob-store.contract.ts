import { createHash, randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { BlobStore } from './blob-store';

/**
 * The behaviour every BlobStore adapter must have. An adapter's test calls this with a factory
 * returning a store over empty storage whose stored times come from the given clock.
 */
export function describeBlobStoreContract(adapterName: string, createStore: (now: () => Date) => Promise<BlobStore>): void {
  const START = Date.parse('2024-03-01T00:00:00.000Z');
  const hashOf = (content: Buffer) => createHash('sha256').update(content).digest('hex');

  describe(`${adapterName} (BlobStore contract)`, () => {
    let store: BlobStore;
    let clock: number;
    const at = (offsetMs: number) => new Date(START + offsetMs);
    /** Stores the content at the given time on the store's clock; returns its hash. */
    const putAt = async (offsetMs: number, content: Buffer, contentType = 'application/octet-stream') => {
      clock = START + offsetMs;
      const hash = hashOf(content);
      await store.put(hash, contentType, content);
      return hash;
    };

    beforeEach(async () => {
      clock = START;
      store = await createStore(() => new Date(clock));
    });

    describe('put and get', () => {
      it('finds nothing under a hash never stored', async () => {
        expect(await store.get(hashOf(Buffer.from('never')))).toBeUndefined();
      });

      it('returns the content byte for byte with its content type', async () => {
        const content = Buffer.from(Array.from({ length: 256 }, (_, index) => index));
        const hash = await putAt(0, content, 'image/png');
        const blob = await store.get(hash);
        expect(blob).toEqual({ contentType: 'image/png', content });
        expect(blob!.content.equals(content)).toBe(true);
      });

      it('keeps empty and large content (several MB) intact', async () => {
        const large = randomBytes(5 * 1024 * 1024 + 17);
        const empty = await putAt(0, Buffer.alloc(0));
        const big = await putAt(0, large);
        expect((await store.get(empty))!.content.length).toBe(0);
        expect((await store.get(big))!.content.equals(large)).toBe(true);
      });

      it('keeps blobs apart by hash', async () => {
        const hashes = await Promise.all(
          Array.from({ length: 5 }, (_, index) => putAt(0, Buffer.from(`blob ${index}`), `text/plain; n=${index}`)),
        );
        for (const [index, hash] of hashes.entries()) {
          expect(await store.get(hash)).toEqual({ contentType: `text/plain; n=${index}`, content: Buffer.from(`blob ${index}`) });
        }
      });

      it('keeps the stored blob when the same hash is stored again', async () => {
        const content = Buffer.from('same content');
        const hash = await putAt(0, content, 'text/plain');
        await putAt(1_000, content, 'application/octet-stream');
        expect(await store.get(hash)).toEqual({ contentType: 'text/plain', content });
      });

      it('stores the same content from concurrent writers once, intact', async () => {
        const content = randomBytes(64 * 1024);
        const hash = hashOf(content);
        await Promise.all(Array.from({ length: 8 }, () => store.put(hash, 'application/octet-stream', content)));
        expect((await store.get(hash))!.content.equals(content)).toBe(true);
        expect(await store.storedBefore(at(1), 10)).toEqual([hash]);
      });
    });

    describe('stored times', () => {
      it('lists blobs stored strictly before a time, oldest first, at most the limit', async () => {
        const third = await putAt(3_000, Buffer.from('third'));
        const first = await putAt(1_000, Buffer.from('first'));
        const second = await putAt(2_000, Buffer.from('second'));
        expect(await store.storedBefore(at(0), 10)).toEqual([]);
        expect(await store.storedBefore(at(2_000), 10)).toEqual([first]);
        expect(await store.storedBefore(at(3_001), 10)).toEqual([first, second, third]);
        expect(await store.storedBefore(at(3_001), 2)).toEqual([first, second]);
      });

      it('counts a blob stored again as stored at that later time', async () => {
        const content = Buffer.from('stored twice');
        const hash = await putAt(1_000, content);
        const other = await putAt(2_000, Buffer.from('other'));
        await putAt(5_000, content);
        expect(await store.storedBefore(at(3_000), 10)).toEqual([other]);
        expect(await store.storedBefore(at(6_000), 10)).toEqual([other, hash]);
      });
    });

    describe('delete', () => {
      it('deletes a blob once and reports whether it did', async () => {
        const hash = await putAt(0, Buffer.from('to delete'));
        const kept = await putAt(0, Buffer.from('to keep'));
        expect(await store.delete(hash)).toBe(true);
        expect(await store.delete(hash)).toBe(false);
        expect(await store.delete(hashOf(Buffer.from('never')))).toBe(false);
        expect(await store.get(hash)).toBeUndefined();
        expect(await store.storedBefore(at(1), 10)).toEqual([kept]);
        expect((await store.get(kept))!.content.toString()).toBe('to keep');
      });

      it('stores content again after it was deleted', async () => {
        const content = randomBytes(32 * 1024);
        const hash = await putAt(0, content);
        await store.delete(hash);
        await putAt(1_000, content, 'text/plain');
        const blob = await store.get(hash);
        expect(blob?.contentType).toBe('text/plain');
        expect(blob?.content.equals(content)).toBe(true);
      });

      it('with a cut-off, deletes only a blob not stored again since', async () => {
        const old = await putAt(1_000, Buffer.from('old'));
        const content = Buffer.from('refreshed');
        const refreshed = await putAt(1_000, content);
        await putAt(5_000, content);
        expect(await store.delete(refreshed, at(3_000))).toBe(false);
        expect(await store.delete(old, at(3_000))).toBe(true);
        expect((await store.get(refreshed))!.content.equals(content)).toBe(true);
        expect(await store.get(old)).toBeUndefined();
      });

      it('keeps content stored again while a sweep deletes it, whichever comes first', async () => {
        const contents = Array.from({ length: 12 }, () => randomBytes(8 * 1024));
        for (const content of contents) await putAt(1_000, content);
        clock = START + 5_000;
        await Promise.all(
          contents.flatMap((content, index) => {
            const hash = hashOf(content);
            const sweep = () => store.delete(hash, at(3_000));
            const write = () => store.put(hash, 'application/octet-stream', content);
            return index % 2 === 0 ? [sweep(), write()] : [write(), sweep()];
          }),
        );
        for (const content of contents) expect((await store.get(hashOf(content)))?.content.equals(content)).toBe(true);
      });
    });
  });
}
