import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError } from '../db/mongo';
import type { LeaseStore } from './lease-store';

/** One generation of a lease: a takeover writes the next generation, never over another holder's. */
interface LeaseDocument {
  /** `name#generation`: unique, so one contender alone writes each generation. */
  _id: string;
  name: string;
  generation: number;
  holder: string;
  expiresAt: Date;
}

/**
 * Leases in the `leases` collection, relying only on the uniqueness of `_id`: conditional updates
 * and deletes are not atomic on FerretDB v1 (a delete can remove a document written after its
 * filter was evaluated), so nothing here updates or deletes another holder's document. Taking an
 * expired (or released) lease inserts its next generation, and of many contenders exactly one
 * insert succeeds. A renewal extends the holder's own generation and then checks that no newer
 * one exists, so a renewal that raced with a takeover (possible only once the lease had expired)
 * reports the loss.
 */
export class MongoLeaseStore implements LeaseStore {
  private readonly collection: Collection<LeaseDocument>;

  constructor(db: Db) {
    this.collection = db.collection<LeaseDocument>('leases');
  }

  async acquire(name: string, holder: string, expiresAt: Date, now: Date): Promise<boolean> {
    const current = await this.latest(name);
    if (current?.holder === holder) return this.renew(current, expiresAt);
    if (current !== undefined && current.expiresAt > now) return false;
    const generation = (current?.generation ?? 0) + 1;
    try {
      await this.collection.insertOne({ _id: `${name}#${generation}`, name, generation, holder, expiresAt });
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
    // Generations before the previous one are no longer read by anyone.
    await this.collection.deleteMany({ name, generation: { $lt: generation - 1 } });
    return true;
  }

  async release(name: string, holder: string): Promise<void> {
    const current = await this.latest(name);
    if (current?.holder === holder) await this.collection.updateOne({ _id: current._id }, { $set: { expiresAt: new Date(0) } });
  }

  private async renew(current: LeaseDocument, expiresAt: Date): Promise<boolean> {
    await this.collection.updateOne({ _id: current._id }, { $set: { expiresAt } });
    return (await this.latest(current.name))?._id === current._id;
  }

  private async latest(name: string): Promise<LeaseDocument | undefined> {
    return (await this.collection.find({ name }).sort({ generation: -1 }).limit(1).next()) ?? undefined;
  }
}
