import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError } from '../db/mongo';
import type { LeaseStore } from './lease-store';

interface LeaseDocument {
  _id: string;
  holder: string;
  expiresAt: Date;
}

/**
 * Leases in the `leases` collection, one document per lease: `{_id: name, holder, expiresAt}`.
 * Taking a lease relies only on the uniqueness of `_id`, since conditional updates are not atomic
 * on FerretDB v1: an expired lease is deleted, then whoever inserts the lease document first holds
 * it. A renewal updates the holder's own document and reads it back, so a renewal that raced with
 * a takeover (possible only once the lease had expired) reports the loss.
 */
export class MongoLeaseStore implements LeaseStore {
  private readonly collection: Collection<LeaseDocument>;

  constructor(db: Db) {
    this.collection = db.collection<LeaseDocument>('leases');
  }

  async acquire(name: string, holder: string, expiresAt: Date, now: Date): Promise<boolean> {
    const current = await this.collection.findOne({ _id: name });
    if (current?.holder === holder) return this.renew(name, holder, expiresAt);
    if (current !== null && current.expiresAt > now) return false;
    if (current !== null) await this.collection.deleteOne({ _id: name, holder: current.holder, expiresAt: current.expiresAt });
    try {
      await this.collection.insertOne({ _id: name, holder, expiresAt });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async release(name: string, holder: string): Promise<void> {
    await this.collection.deleteOne({ _id: name, holder });
  }

  private async renew(name: string, holder: string, expiresAt: Date): Promise<boolean> {
    const result = await this.collection.updateOne({ _id: name, holder }, { $set: { expiresAt } });
    if (result.matchedCount !== 1) return false;
    const after = await this.collection.findOne({ _id: name });
    return after?.holder === holder && after.expiresAt.getTime() === expiresAt.getTime();
  }
}
