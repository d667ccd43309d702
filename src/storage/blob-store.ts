/**
 * Content-addressed binary storage: attachment content (statements), and on MongoDB the content
 * of documents too large to keep inside their record. How content is laid out is the adapter's
 * business (MongoBlobStore splits it into chunks below the 16 MB document limit; SqliteBlobStore
 * keeps one row per blob). Every adapter must pass describeBlobStoreContract (blob-store.contract.ts).
 *
 * Nothing deletes content that something refers to: a sweep lists blobs last stored before a
 * cut-off, checks that nothing refers to them, and deletes each only if it was still not stored
 * again since (`delete(hash, storedBefore)`). Because `put` of content already held refreshes its
 * stored time, a write of the same content racing the sweep keeps it, as long as the cut-off is
 * earlier than the start of any write still in progress.
 */
export interface BlobStore {
  /**
   * Stores content under its hash and records now as its stored time. Storing a hash already held
   * keeps the stored content (the same hash is the same content) and refreshes its stored time.
   */
  put(hash: string, contentType: string, content: Buffer): Promise<void>;
  get(hash: string): Promise<Blob | undefined>;
  /** Hashes of blobs last stored strictly before the given time, oldest first, at most `limit`. */
  storedBefore(time: Date, limit: number): Promise<string[]>;
  /**
   * Deletes the blob; with `storedBefore`, only if it was last stored strictly before that time.
   * Returns whether it deleted one.
   */
  delete(hash: string, storedBefore?: Date): Promise<boolean>;
}

export interface Blob {
  contentType: string;
  content: Buffer;
}

export interface BlobStoreOptions {
  /** The clock stored times are taken from (tests). */
  now?: () => Date;
}
