import { ConflictError } from '../../errors';
import type { DocumentKey, DocumentStorage, StoredDocument } from './document-storage';
import { DocumentService } from './service';

const KEY: DocumentKey = { kind: 'state', activityId: 'http://example.org/a', agentKey: 'mbox:mailto:a@example.org', id: 's' };
const BODY = { contentType: 'application/json', content: Buffer.from('{"a":1}') };

/** A storage whose conditional writes lose to another writer as often as `losses` says. */
function storageLosing(losses: number): DocumentStorage & { puts: StoredDocument[] } {
  const puts: StoredDocument[] = [];
  let remaining = losses;
  const stub: Partial<DocumentStorage> = {
    getMeta: async () => undefined,
    get: async () => undefined,
    put: async (_key, document) => {
      puts.push(document);
      return remaining-- <= 0;
    },
  };
  return Object.assign(stub as DocumentStorage, { puts });
}

/** An in-memory storage with an atomic compare-and-swap, answering after a turn of the event loop like a database. */
function compareAndSwapStorage(): DocumentStorage {
  let stored: StoredDocument | undefined;
  const later = <T>(value: () => T) => new Promise<T>((resolve) => setImmediate(() => resolve(value())));
  const stub: Partial<DocumentStorage> = {
    get: () => later(() => stored),
    getMeta: () => later(() => stored),
    put: (_key, document, expected) =>
      later(() => {
        const matches = expected === 'any' || (expected === 'absent' ? stored === undefined : stored?.etag === expected.etag);
        if (matches) stored = document;
        return matches;
      }),
  };
  return stub as DocumentStorage;
}

describe('DocumentService', () => {
  it('stamps what it stores with the SHA-1 of the content and the current time', async () => {
    const storage = storageLosing(0);
    const now = new Date('2024-01-02T03:04:05.678Z');
    await new DocumentService(storage, { now: () => now }).put(KEY, BODY, {}, 'preconditions-optional');
    expect(storage.puts).toEqual([{ ...BODY, etag: '9f89c740ceb46d7418c924a78ac57941d5e96520', updated: now }]);
  });

  it('checks the preconditions again and retries when another writer came in between', async () => {
    const storage = storageLosing(2);
    await new DocumentService(storage).post(KEY, BODY, { ifNoneMatch: '*' });
    expect(storage.puts).toHaveLength(3);
  });

  it('gives up with 409 CONCURRENT_UPDATE when the document keeps changing', async () => {
    const storage = storageLosing(Number.POSITIVE_INFINITY);
    const error = await new DocumentService(storage, { maxAttempts: 3 }).post(KEY, BODY, {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).code).toBe('CONCURRENT_UPDATE');
    expect(storage.puts).toHaveLength(3);
  });

  it('applies every one of many concurrent merges into one document, without serializing them', async () => {
    const storage = compareAndSwapStorage();
    const service = new DocumentService(storage);
    const keys = Array.from({ length: 16 }, (_, index) => `k${index}`);
    await Promise.all(
      keys.map((key) => service.post(KEY, { contentType: 'application/json', content: Buffer.from(JSON.stringify({ [key]: 1 })) }, {})),
    );
    const merged = JSON.parse((await storage.get(KEY))!.content.toString()) as Record<string, number>;
    expect(Object.keys(merged).sort()).toEqual([...keys].sort());
  });
});
