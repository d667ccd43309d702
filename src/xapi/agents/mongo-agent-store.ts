import type { Collection, Db } from 'mongodb';
import { ifiKey } from '../actors';
import type { Agent } from '../types';
import type { AgentStore } from './agent-store';

interface AgentDocument {
  _id: string;
  names: string[];
}

const CACHE_SIZE = 50_000;

/** One document per IFI; a cache of (IFI, name) pairs already recorded keeps ingest cheap. */
export class MongoAgentStore implements AgentStore {
  private readonly collection: Collection<AgentDocument>;
  private readonly recorded = new Set<string>();

  constructor(db: Db) {
    this.collection = db.collection('agents');
  }

  async recordSeen(agents: Agent[]): Promise<void> {
    const fresh = new Map<string, { key: string; name?: string }>();
    for (const agent of agents) {
      const key = ifiKey(agent);
      if (key === undefined) continue;
      const pair = `${key}\n${agent.name ?? ''}`;
      if (!this.recorded.has(pair)) fresh.set(pair, { key, name: agent.name });
    }
    if (fresh.size === 0) return;
    await this.collection.bulkWrite(
      [...fresh.values()].map(({ key, name }) => ({
        updateOne: {
          filter: { _id: key },
          update: name === undefined ? { $setOnInsert: { names: [] } } : { $addToSet: { names: name } },
          upsert: true,
        },
      })),
      { ordered: false },
    );
    for (const pair of fresh.keys()) this.remember(pair);
  }

  async namesOf(key: string): Promise<string[]> {
    return (await this.collection.findOne({ _id: key }))?.names ?? [];
  }

  private remember(pair: string): void {
    this.recorded.add(pair);
    if (this.recorded.size > CACHE_SIZE) this.recorded.delete(this.recorded.values().next().value!);
  }
}
