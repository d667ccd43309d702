import type { SqliteDatabase } from '../db/sqlite/database';
import type { LeaseStore } from './lease-store';

/**
 * Leases in the `leases` table (name, holder, expires_at in ms since the epoch). Acquiring is one
 * statement: insert the lease, or take it over when it is ours (a renewal) or has expired. SQLite
 * runs each statement atomically, so of concurrent contenders exactly one changes the row.
 */
export class SqliteLeaseStore implements LeaseStore {
  private readonly acquireStatement;
  private readonly releaseStatement;

  constructor(db: SqliteDatabase) {
    this.acquireStatement = db.prepare<[{ name: string; holder: string; expiresAt: number; now: number }]>(
      `INSERT INTO leases (name, holder, expires_at) VALUES (@name, @holder, @expiresAt)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.holder = excluded.holder OR leases.expires_at <= @now`,
    );
    this.releaseStatement = db.prepare<[string, string]>('DELETE FROM leases WHERE name = ? AND holder = ?');
  }

  async acquire(name: string, holder: string, expiresAt: Date, now: Date): Promise<boolean> {
    return this.acquireStatement.run({ name, holder, expiresAt: expiresAt.getTime(), now: now.getTime() }).changes === 1;
  }

  async release(name: string, holder: string): Promise<void> {
    this.releaseStatement.run(name, holder);
  }
}
