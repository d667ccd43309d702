import { ifiKey } from '../actors';
import type { Agent } from '../types';

/** A Person (Communication 2.4): what the LRS knows of the individual behind an Agent. */
export interface Person {
  objectType: 'Person';
  name?: string[];
  mbox?: string[];
  mbox_sha1sum?: string[];
  openid?: string[];
  account?: { homePage: string; name: string }[];
}

/**
 * Agents the LRS has seen in statements, with the names they were given. Adapters:
 * MongoAgentStore, SqliteAgentStore; each must pass describeAgentStoreContract (agent-store.contract.ts).
 */
export interface AgentStore {
  recordSeen(agents: Agent[]): Promise<void>;
  /** Names seen with the agent of this IFI key (see ifiKey), each once, in the order first seen; empty when none. */
  namesOf(ifiKey: string): Promise<string[]>;
}

/** An agent's IFI key with the name it was seen with, if any. */
export interface AgentSighting {
  key: string;
  name?: string;
}

const DEFAULT_CAPACITY = 50_000;

/**
 * The (IFI key, name) pairs this process has recorded, the oldest dropped first, so that ingest
 * writes only what is new: the adapters' cache.
 */
export class RecordedSightings {
  private readonly recorded = new Set<string>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** The sightings among these agents not recorded yet, each once, in order; agents without an IFI are left out. */
  fresh(agents: Agent[]): AgentSighting[] {
    const fresh = new Map<string, AgentSighting>();
    for (const agent of agents) {
      const key = ifiKey(agent);
      if (key === undefined) continue;
      const pair = pairOf({ key, name: agent.name });
      if (!this.recorded.has(pair) && !fresh.has(pair)) fresh.set(pair, { key, name: agent.name });
    }
    return [...fresh.values()];
  }

  remember(sightings: AgentSighting[]): void {
    for (const sighting of sightings) {
      const pair = pairOf(sighting);
      this.recorded.delete(pair);
      this.recorded.add(pair);
      if (this.recorded.size > this.capacity) this.recorded.delete(this.recorded.values().next().value!);
    }
  }
}

function pairOf({ key, name }: AgentSighting): string {
  return JSON.stringify([key, name ?? null]);
}
