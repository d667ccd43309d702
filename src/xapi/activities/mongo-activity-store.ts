import type { Collection, Db } from 'mongodb';
import { isDuplicateKeyError } from '../../db/mongo';
import { KeyedSerializer } from '../../storage/keyed-serializer';
import type { Activity, ActivityDefinition } from '../types';
import type { ActivityStore } from './activity-store';
import { mergeDefinitions } from './definitions';
import { canonicalActivity, incomingDefinitions, KnownDefinitions } from './known-definitions';

/** The definition is kept as JSON text: extension keys are IRIs, which FerretDB refuses as keys. */
interface ActivityDocument {
  _id: string;
  d: string;
  rev: number;
}

const MAX_ATTEMPTS = 5;

/**
 * Definitions are merged with optimistic concurrency (a revision number) so concurrent batches
 * never lose each other's languages: atomic on MongoDB across processes. FerretDB v1 evaluates a
 * conditional update's filter and writes in separate steps, so merges of one activity are also
 * serialized within this process, which makes them safe there as long as one LRS process uses
 * the database. A cache of the latest canonical definitions (KnownDefinitions) lets a batch that
 * brings nothing new skip the database.
 */
export class MongoActivityStore implements ActivityStore {
  private readonly collection: Collection<ActivityDocument>;
  private readonly known = new KnownDefinitions();
  private readonly merges = new KeyedSerializer();

  constructor(db: Db) {
    this.collection = db.collection('activities');
  }

  async mergeDefinitions(activities: Activity[]): Promise<void> {
    const changed = this.known.changing(incomingDefinitions(activities));
    await Promise.all(changed.map(([id, definition]) => this.merges.run(id, () => this.mergeOne(id, definition))));
  }

  async getMany(ids: string[]): Promise<Map<string, Activity>> {
    const found = await Promise.all([...new Set(ids)].map((id) => this.collection.findOne({ _id: id })));
    return new Map(
      found.filter((doc): doc is ActivityDocument => doc !== null).map((doc) => [doc._id, canonicalActivity(doc._id, doc.d)]),
    );
  }

  private async mergeOne(id: string, definition: ActivityDefinition): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const existing = await this.collection.findOne({ _id: id });
      const merged = mergeDefinitions(existing === null ? undefined : (JSON.parse(existing.d) as ActivityDefinition), definition);
      const text = JSON.stringify(merged);
      if (existing !== null && existing.d === text) return this.known.remember(id, text);
      if (await this.write(id, text, existing?.rev)) return this.known.remember(id, text);
    }
    throw new Error(`Activity ${id} kept changing under concurrent updates`);
  }

  /** Writes revision rev+1 if the stored revision is still `rev`; false when another writer won. */
  private async write(id: string, text: string, rev: number | undefined): Promise<boolean> {
    if (rev === undefined) {
      try {
        await this.collection.insertOne({ _id: id, d: text, rev: 1 });
        return true;
      } catch (error) {
        // Only a duplicate key means that another writer created it first; anything else is a failure.
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    }
    const result = await this.collection.updateOne({ _id: id, rev }, { $set: { d: text, rev: rev + 1 } });
    return result.modifiedCount === 1;
  }
}
