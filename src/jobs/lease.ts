import type { Collection, Db } from 'mongodb';

interface LeaseDocument {
  _id: string;
  holder: string;
  expiresAt: Date;
}

const DUPLICATE_KEY = 11000;

/**
 * A named lease in the database, so that one instance of the LRS at a time runs a job.
 * Acquiring relies only on the uniqueness of `_id` (conditional updates are not atomic on
 * FerretDB v1): an expired lease is deleted, then whoever inserts the lease document first holds it.
 */
export class Lease {
  private readonly collection: Collection<LeaseDocument>;

  constructor(
    db: Db,
    private readonly name: string,
    private readonly holder: string,
    private readonly durationMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.collection = db.collection('leases');
  }

  /** True when this holder now holds the lease (newly acquired or renewed). */
  async acquire(): Promise<boolean> {
    const now = this.now();
    const current = await this.collection.findOne({ _id: this.name });
    if (current?.holder === this.holder) return this.renew(now);
    if (current !== null && current.expiresAt > now) return false;
    if (current !== null) await this.collection.deleteOne({ _id: this.name, holder: current.holder });
    try {
      await this.collection.insertOne({ _id: this.name, holder: this.holder, expiresAt: this.expiry(now) });
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  async release(): Promise<void> {
    await this.collection.deleteOne({ _id: this.name, holder: this.holder });
  }

  private async renew(now: Date): Promise<boolean> {
    const result = await this.collection.updateOne({ _id: this.name, holder: this.holder }, { $set: { expiresAt: this.expiry(now) } });
    return result.matchedCount === 1;
  }

  private expiry(now: Date): Date {
    return new Date(now.getTime() + this.durationMs);
  }
}
