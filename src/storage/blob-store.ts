/**
 * Content-addressed binary storage for attachment content (and, later, large documents).
 * Content is split into chunks so no single database document approaches the 16 MB limit.
 */
export interface BlobStore {
  /** Stores content under its hash; storing the same hash again is a no-op. */
  put(hash: string, contentType: string, content: Buffer): Promise<void>;
  get(hash: string): Promise<Blob | undefined>;
  /** Hashes of blobs stored before the given time (oldest first, at most `limit`). */
  storedBefore(time: Date, limit: number): Promise<string[]>;
  delete(hash: string): Promise<void>;
}

export interface Blob {
  contentType: string;
  content: Buffer;
}
