import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { DocumentKey, DocumentQuery, DocumentStorage, NewDocument } from './document-storage';

/**
 * The behaviour every DocumentStorage adapter must have. An adapter's test calls this with a
 * factory returning a storage over empty collections.
 */
export function describeDocumentStorageContract(adapterName: string, createStorage: () => Promise<DocumentStorage>): void {
  const ACTIVITY = 'http://example.org/activities/algebra';
  const AGENT = 'mbox:mailto:learner@example.org';

  const state = (id: string, registration?: string): DocumentKey => ({
    kind: 'state',
    activityId: ACTIVITY,
    agentKey: AGENT,
    registration,
    id,
  });
  const states: DocumentQuery = { kind: 'state', activityId: ACTIVITY, agentKey: AGENT };

  function documentOf(content: Buffer | string, contentType = 'application/octet-stream', updated = new Date()): NewDocument {
    const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
    return { content: bytes, contentType, etag: createHash('sha1').update(bytes).digest('hex'), updated };
  }

  describe(`${adapterName} (DocumentStorage contract)`, () => {
    let storage: DocumentStorage;

    beforeEach(async () => {
      storage = await createStorage();
    });

    describe('content no document refers to', () => {
      const large = (fill: number) => documentOf(Buffer.alloc(300 * 1024, fill));

      it('is never content a document still refers to', async () => {
        await storage.put(state('replaced'), large(1), 'any');
        await storage.put(state('replaced'), large(2), 'any');
        await storage.put(state('deleted'), large(3), 'any');
        await storage.delete(state('deleted'), 'any');
        await storage.put(state('shared-a'), large(4), 'any');
        await storage.put(state('shared-b'), large(4), 'any');
        await storage.delete(state('shared-a'), 'any');
        expect(await storage.sweepUnreferencedContent(new Date(Date.now() - 60_000))).toBe(0);
        await storage.sweepUnreferencedContent(new Date(Date.now() + 60_000));
        expect((await storage.get(state('replaced')))?.content.equals(Buffer.alloc(300 * 1024, 2))).toBe(true);
        expect((await storage.get(state('shared-b')))?.content.equals(Buffer.alloc(300 * 1024, 4))).toBe(true);
        expect(await storage.sweepUnreferencedContent(new Date(Date.now() + 60_000))).toBe(0);
      });

      it('can be stored again after a sweep', async () => {
        await storage.put(state('a'), large(5), 'any');
        await storage.delete(state('a'), 'any');
        await storage.sweepUnreferencedContent(new Date(Date.now() + 60_000));
        await storage.put(state('b'), large(5), 'any');
        expect((await storage.get(state('b')))?.content.equals(Buffer.alloc(300 * 1024, 5))).toBe(true);
      });
    });

    describe('concurrent conditional writes of one document', () => {
      const contents = Array.from({ length: 8 }, (_, index) => documentOf(`version ${index}`));

      it('creates it once when each expects it absent', async () => {
        const results = await Promise.all(contents.map((document) => storage.put(state('s'), document, 'absent')));
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = contents[results.indexOf(true)]!;
        expect((await storage.get(state('s')))!.content.toString()).toBe(winner.content.toString());
      });

      it('replaces it once when each expects the same version', async () => {
        const first = documentOf('first');
        await storage.put(state('s'), first, 'any');
        const results = await Promise.all(contents.map((document) => storage.put(state('s'), document, { etag: first.etag })));
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = contents[results.indexOf(true)]!;
        expect((await storage.get(state('s')))!.etag).toBe(winner.etag);
      });

      it('deletes it once when each expects the same version', async () => {
        const first = documentOf('first');
        await storage.put(state('s'), first, 'any');
        const results = await Promise.all(contents.map(() => storage.delete(state('s'), { etag: first.etag })));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await storage.get(state('s'))).toBeUndefined();
      });
    });

    describe('single documents', () => {
      it('finds nothing under a key never written', async () => {
        expect(await storage.get(state('missing'))).toBeUndefined();
        expect(await storage.getMeta(state('missing'))).toBeUndefined();
      });

      it('returns what was stored: content byte for byte, content type, ETag and update time', async () => {
        const bytes = Buffer.from(Array.from({ length: 256 }, (_, index) => index));
        const document = documentOf(bytes, 'image/png', new Date('2024-05-06T07:08:09.123Z'));
        expect(await storage.put(state('binary'), document, 'any')).toBe(true);
        const stored = await storage.get(state('binary'));
        expect(stored).toEqual(document);
        expect(stored!.content.equals(bytes)).toBe(true);
        expect(await storage.getMeta(state('binary'))).toEqual({
          contentType: 'image/png',
          etag: document.etag,
          updated: document.updated,
        });
      });

      it('keeps empty and large content (several MB) intact', async () => {
        const large = randomBytes(5 * 1024 * 1024 + 17);
        await storage.put(state('empty'), documentOf(''), 'any');
        await storage.put(state('large'), documentOf(large), 'any');
        expect((await storage.get(state('empty')))!.content.length).toBe(0);
        expect((await storage.get(state('large')))!.content.equals(large)).toBe(true);
      });

      it('replaces a document with "any" and keeps only the new version', async () => {
        await storage.put(state('s'), documentOf('first', 'text/plain'), 'any');
        await storage.put(state('s'), documentOf('{"second":true}', 'application/json'), 'any');
        const stored = await storage.get(state('s'));
        expect(stored!.content.toString()).toBe('{"second":true}');
        expect(stored!.contentType).toBe('application/json');
      });

      it('creates with "absent" only when there is no document', async () => {
        expect(await storage.put(state('s'), documentOf('first'), 'absent')).toBe(true);
        expect(await storage.put(state('s'), documentOf('second'), 'absent')).toBe(false);
        expect((await storage.get(state('s')))!.content.toString()).toBe('first');
      });

      it('replaces with an expected ETag only that version', async () => {
        const first = documentOf('first');
        expect(await storage.put(state('s'), first, { etag: first.etag })).toBe(false);
        expect(await storage.get(state('s'))).toBeUndefined();
        await storage.put(state('s'), first, 'any');
        expect(await storage.put(state('s'), documentOf('second'), { etag: documentOf('other').etag })).toBe(false);
        expect(await storage.put(state('s'), documentOf('third'), { etag: first.etag })).toBe(true);
        expect((await storage.get(state('s')))!.content.toString()).toBe('third');
      });

      it('deletes a document, and with an expected ETag only that version', async () => {
        const document = documentOf('content');
        await storage.put(state('a'), document, 'any');
        await storage.put(state('b'), document, 'any');
        expect(await storage.delete(state('a'), { etag: documentOf('other').etag })).toBe(false);
        expect(await storage.get(state('a'))).toBeDefined();
        expect(await storage.delete(state('a'), { etag: document.etag })).toBe(true);
        expect(await storage.delete(state('b'), 'any')).toBe(true);
        expect(await storage.delete(state('b'), 'any')).toBe(false);
        expect(await storage.get(state('a'))).toBeUndefined();
        expect(await storage.get(state('b'))).toBeUndefined();
      });

      it('keeps documents apart by resource, activity, agent, registration and id', async () => {
        const registration = randomUUID();
        const keys: DocumentKey[] = [
          state('x'),
          state('y'),
          state('x', registration),
          { ...state('x'), activityId: `${ACTIVITY}/other` },
          { ...state('x'), agentKey: 'mbox:mailto:other@example.org' },
          { kind: 'activity-profile', activityId: ACTIVITY, id: 'x' },
          { kind: 'agent-profile', agentKey: AGENT, id: 'x' },
        ];
        for (const [index, key] of keys.entries()) await storage.put(key, documentOf(`document ${index}`), 'any');
        for (const [index, key] of keys.entries()) {
          expect((await storage.get(key))!.content.toString()).toBe(`document ${index}`);
        }
      });

      it('does not confuse key parts that would run together as text', async () => {
        await storage.put({ kind: 'activity-profile', activityId: 'http://a.example/b', id: 'c' }, documentOf('1'), 'any');
        expect(await storage.get({ kind: 'activity-profile', activityId: 'http://a.example/', id: 'bc' })).toBeUndefined();
        expect(await storage.get({ kind: 'agent-profile', agentKey: 'http://a.example/b', id: 'c' })).toBeUndefined();
      });
    });

    describe('id lists', () => {
      it('lists the ids of a context, each once, with the latest update time', async () => {
        const registration = randomUUID();
        const early = new Date('2024-01-01T00:00:00.000Z');
        const late = new Date('2024-06-01T00:00:00.000Z');
        await storage.put(state('a'), documentOf('1', 'text/plain', early), 'any');
        await storage.put(state('a', registration), documentOf('2', 'text/plain', late), 'any');
        await storage.put(state('b', registration), documentOf('3', 'text/plain', early), 'any');
        await storage.put({ ...state('c'), activityId: `${ACTIVITY}/other` }, documentOf('4'), 'any');
        await storage.put({ kind: 'activity-profile', activityId: ACTIVITY, id: 'd' }, documentOf('5'), 'any');

        const all = await storage.listIds(states);
        expect(all.ids.sort()).toEqual(['a', 'b']);
        expect(all.lastModified).toEqual(late);
        expect((await storage.listIds({ ...states, registration })).ids.sort()).toEqual(['a', 'b']);
        expect((await storage.listIds({ ...states, registration: randomUUID() })).ids).toEqual([]);
        expect(await storage.listIds({ kind: 'activity-profile', activityId: ACTIVITY })).toMatchObject({ ids: ['d'] });
      });

      it('lists nothing, without a last-modified time, for an empty context', async () => {
        expect(await storage.listIds(states)).toEqual({ ids: [], lastModified: undefined });
      });

      it('lists only documents updated strictly after "since"', async () => {
        const at = (iso: string) => new Date(iso);
        await storage.put(state('old'), documentOf('1', 'text/plain', at('2024-01-01T00:00:00.000Z')), 'any');
        await storage.put(state('edge'), documentOf('2', 'text/plain', at('2024-02-01T00:00:00.000Z')), 'any');
        await storage.put(state('new'), documentOf('3', 'text/plain', at('2024-03-01T00:00:00.000Z')), 'any');
        const listed = await storage.listIds({ ...states, since: at('2024-02-01T00:00:00.000Z') });
        expect(listed).toEqual({ ids: ['new'], lastModified: at('2024-03-01T00:00:00.000Z') });
      });
    });

    describe('deleting a context', () => {
      it('deletes every document of the context and nothing else', async () => {
        const registration = randomUUID();
        const other = { ...state('a'), agentKey: 'mbox:mailto:other@example.org' };
        await storage.put(state('a'), documentOf('1'), 'any');
        await storage.put(state('b', registration), documentOf('2'), 'any');
        await storage.put(other, documentOf('3'), 'any');
        expect(await storage.deleteAll(states)).toBe(2);
        expect((await storage.listIds(states)).ids).toEqual([]);
        expect(await storage.get(other)).toBeDefined();
      });

      it('deletes only the given registration when one is named', async () => {
        const registration = randomUUID();
        await storage.put(state('a'), documentOf('1'), 'any');
        await storage.put(state('a', registration), documentOf('2'), 'any');
        expect(await storage.deleteAll({ ...states, registration })).toBe(1);
        expect(await storage.get(state('a', registration))).toBeUndefined();
        expect(await storage.get(state('a'))).toBeDefined();
      });
    });
  });
}
