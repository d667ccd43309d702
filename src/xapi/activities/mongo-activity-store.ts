import type { Collection, Db } from 'mongodb';
import { stableStringify } from '../statements/fingerprint';
import type { Activity, ActivityDefinition } from '../types';
import type { ActivityStore } from './activity-store';
import { mergeDefinitions } from './definitions';

/** The definition is kept as JSON text: extension keys are IRIs, which FerretDB refuses as keys. */
interface ActivityDocument {
  _id: string;
  d: string;
  rev: number;
}

const CACHE_SIZE = 10_000;
const MAX_ATTEMPTS = 5;

/**
 * Definitions are merged with optimistic concurrency (a revision number) so concurrent batches
 * never lose each other's languages. A cache of the latest canonical definitions lets a batch
 * that brings nothing new skip the database entirely, which is the common case at ingest.
 */
export class MongoActivityStore implements ActivityStore {
  private readonly collection: Collection<ActivityDocument>;
  private readonly known = new Map<string, string>();

  constructor(db: Db) {
    this.collection = db.collection('activities');
  }

  async mergeDefinitions(activities: Activity[]): Promise<void> {
    const incoming = new Map<string, ActivityDefinition>();
    for (const activity of activities) {
      if (activity.definition === undefined) continue;
      incoming.set(activity.id, mergeDefinitions(incoming.get(activity.id), activity.definition));
    }
    const changed = [...incoming].filter(([id, definition]) => this.wouldChange(id, definition));
    await Promise.all(changed.map(([id, definition]) => this.mergeOne(id, definition)));
  }

  async getMany(ids: string[]): Promise<Map<string, Activity>> {
    const found = await Promise.all([...new Set(ids)].map((id) => this.collection.findOne({ _id: id })));
    return new Map(
      found
        .filter((doc): doc is ActivityDocument => doc !== null)
        .map((doc) => [doc._id, { objectType: 'Activity', id: doc._id, definition: JSON.parse(doc.d) as ActivityDefinition }]),
    );
  }

  private wouldChange(id: string, definition: ActivityDefinition): boolean {
    const cached = this.known.get(id);
    if (cached === undefined) return true;
    const current = JSON.parse(cached) as ActivityDefinition;
    return stableStringify(mergeDefinitions(current, definition)) !== stableStringify(current);
  }

  private async mergeOne(id: string, definition: ActivityDefinition): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const existing = await this.collection.findOne({ _id: id });
      const merged = mergeDefinitions(existing === null ? undefined : (JSON.parse(existing.d) as ActivityDefinition), definition);
      const text = JSON.stringify(merged);
      if (existing !== null && existing.d === text) return this.remember(id, text);
      if (await this.write(id, text, existing?.rev)) return this.remember(id, text);
    }
    throw new Error(`Activity ${id} kept changing under concurrent updates`);
  }

  /** Writes revision rev+1 if the stored revision is still `rev`; false when another writer won. */
  private async write(id: string, text: string, rev: number | undefined): Promise<boolean> {
    if (rev === undefined) {
      try {
        await this.collection.insertOne({ _id: id, d: text, rev: 1 });
        return true;
      } catch {
        return false;
      }
    }
    const result = await this.collection.updateOne({ _id: id, rev }, { $set: { d: text, rev: rev + 1 } });
    return result.modifiedCount === 1;
  }

  private remember(id: string, text: string): void {
    this.known.delete(id);
    this.known.set(id, text);
    if (this.known.size > CACHE_SIZE) this.known.delete(this.known.keys().next().value!);
  }
}
