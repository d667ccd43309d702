import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase } from '../db/sqlite/database';
import type { Blob, BlobStore, BlobStoreOptions } from './blob-store';

/** A row of `attachment_blobs`. */
export interface BlobRow {
  hash: string;
  content_type: string;
  content: Buffer;
  /** Milliseconds since the epoch. */
  stored_at: number;
}

/**
 * One row per blob in `attachment_blobs`, content inline. Every method is one statement, so a
 * put racing a conditional delete of the same hash is either seen by it (the delete keeps the
 * row) or comes after it (and stores the row again).
 */
export class SqliteBlobStore implements BlobStore {
  private readonly now: () => Date;
  private readonly insert: Statement<[string, string, Buffer, number]>;
  private readonly select: Statement<[string], Pick<BlobRow, 'content_type' | 'content'>>;
  private readonly selectStoredBefore: Statement<[number, number], { hash: string }>;
  private readonly deleteAny: Statement<[string]>;
  private readonly deleteStoredBefore: Statement<[string, number]>;

  constructor(db: SqliteDatabase, options: BlobStoreOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.insert = db.prepare(
      `INSERT INTO attachment_blobs (hash, content_type, content, stored_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (hash) DO UPDATE SET stored_at = excluded.stored_at`,
    );
    this.select = db.prepare('SELECT content_type, content FROM attachment_blobs WHERE hash = ?');
    this.selectStoredBefore = db.prepare(
      'SELECT hash FROM attachment_blobs WHERE stored_at < ? ORDER BY stored_at, hash LIMIT ?',
    );
    this.deleteAny = db.prepare('DELETE FROM attachment_blobs WHERE hash = ?');
    this.deleteStoredBefore = db.prepare('DELETE FROM attachment_blobs WHERE hash = ? AND stored_at < ?');
  }

  async put(hash: string, contentType: string, content: Buffer): Promise<void> {
    this.insert.run(hash, contentType, content, this.now().getTime());
  }

  async get(hash: string): Promise<Blob | undefined> {
    const row = this.select.get(hash);
    return row === undefined ? undefined : { contentType: row.content_type, content: row.content };
  }

  async storedBefore(time: Date, limit: number): Promise<string[]> {
    return this.selectStoredBefore.all(time.getTime(), limit).map((row) => row.hash);
  }

  async delete(hash: string, storedBefore?: Date): Promise<boolean> {
    const result =
      storedBefore === undefined ? this.deleteAny.run(hash) : this.deleteStoredBefore.run(hash, storedBefore.getTime());
    return result.changes === 1;
  }
}
