import type { CollectionDump, CollectionStore, ListedCollection } from '../storage/collections/collection-store';
import type { PageFetcher, PageLimits } from './dump';
import type { CollectionDocumentRecord, CollectionKind, CollectionPosition, CollectionRecord, RecordOf } from './records';

/**
 * An engine's collection store as a migration uses it. On a source only the listing and the
 * documents are read: opening a collection there could change its indexes.
 */
export type CollectionDumpStore = Pick<CollectionStore, 'open'> & CollectionDump;

/**
 * The collection kinds of one collection store: their page fetchers, counts and presence, and
 * their writer. The store's collections are listed once (a source does not change during a
 * migration; a reader of the target is made after the copy), in (owner, name) order.
 */
export class CollectionPages {
  private listing?: Promise<ListedCollection[]>;

  constructor(private readonly store: CollectionDumpStore) {}

  readonly fetchers: { [K in CollectionKind]: PageFetcher<K> } = {
    collections: async (after, { records }) =>
      (await this.declared())
        .filter((listed) => after === undefined || orderFrom(listed, after as CollectionPosition) > 0)
        .slice(0, records)
        .map((listed): CollectionRecord => ({ owner: listed.owner, collection: listed.name, indexes: listed.indexes })),
    collectionDocuments: (after, limits) => this.documentsAfter(after as CollectionPosition | undefined, limits),
  };

  async count(kind: CollectionKind): Promise<number> {
    if (kind === 'collections') return (await this.declared()).length;
    return (await this.listed()).reduce((sum, listed) => sum + listed.documents, 0);
  }

  async holdsAny(kind: CollectionKind): Promise<boolean> {
    return (await this.count(kind)) > 0;
  }

  /**
   * Stores a page: a collection record opens the collection with its indexes (idempotent), and
   * documents are restored as they were, revisions included, replacing any with the same ids.
   */
  async write(kind: CollectionKind, records: RecordOf[CollectionKind][]): Promise<void> {
    this.listing = undefined;
    if (kind === 'collections') {
      for (const { owner, collection, indexes } of records as CollectionRecord[]) await this.store.open(owner, collection, { indexes });
      return;
    }
    const documents = records as CollectionDocumentRecord[];
    for (let start = 0; start < documents.length; ) {
      const { owner, collection } = documents[start]!;
      let end = start + 1;
      while (end < documents.length && documents[end]!.owner === owner && documents[end]!.collection === collection) end++;
      const stored = documents.slice(start, end).map(({ id, revision, value }) => ({ id, revision, value }));
      await this.store.restore(owner, collection, stored);
      start = end;
    }
  }

  /** The next documents after the position: the rest of its collection, else the next collection holding any. */
  private async documentsAfter(after: CollectionPosition | undefined, limits: PageLimits): Promise<CollectionDocumentRecord[]> {
    for (const listed of await this.listed()) {
      const order = after === undefined ? 1 : orderFrom(listed, after);
      if (order < 0 || listed.documents === 0) continue;
      const afterId = order === 0 ? after?.id : undefined;
      const documents = await this.store.documentsAfter(listed.owner, listed.name, afterId, limits.records, limits.bytes);
      if (documents.length > 0) return documents.map(({ id, revision, value }) => ({ owner: listed.owner, collection: listed.name, id, revision, value }));
    }
    return [];
  }

  private listed(): Promise<ListedCollection[]> {
    this.listing ??= this.store.listCollections().then((listed) =>
      listed
        .map((collection) => ({ ...collection, indexes: [...collection.indexes].sort((a, b) => compareNames(a.name, b.name)) }))
        .sort((a, b) => compareNames(a.owner, b.owner) || compareNames(a.name, b.name)),
    );
    return this.listing;
  }

  /** Collections with declared indexes (what the `collections` kind holds). */
  private async declared(): Promise<ListedCollection[]> {
    return (await this.listed()).filter((listed) => listed.indexes.length > 0);
  }
}

/** Where a collection is from the position's: before (< 0), the same (0) or after (> 0). */
function orderFrom(listed: ListedCollection, position: CollectionPosition): number {
  return compareNames(listed.owner, position.owner) || compareNames(listed.name, position.collection);
}

/** Owner, collection and index names are ASCII, so code-unit order is the byte order the engines use. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
