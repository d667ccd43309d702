import type { Activity } from '../types';

/**
 * Canonical Activity definitions, gathered from the statements the LRS stores (merge rules:
 * mergeDefinitions in definitions.ts). Adapters: MongoActivityStore, SqliteActivityStore; each
 * must pass describeActivityStoreContract (activity-store.contract.ts).
 */
export interface ActivityStore {
  /**
   * Merges the definitions these activities carry, in order, into the canonical ones. Concurrent
   * merges never lose each other's languages.
   */
  mergeDefinitions(activities: Activity[]): Promise<void>;
  /** Canonical activities by id; ids the LRS knows no definition for are absent. */
  getMany(ids: string[]): Promise<Map<string, Activity>>;
}
