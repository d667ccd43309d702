import type { Statement, Transaction } from 'better-sqlite3';
import type { SqliteDatabase } from '../../db/sqlite/database';
import type { Agent } from '../types';
import { RecordedSightings, type AgentSighting, type AgentStore } from './agent-store';

/**
 * One row per (IFI key, name) in `agent_names`, numbered in the order first seen; an agent seen
 * without a name has nothing to record. A batch's names are inserted in one transaction. A cache
 * of the pairs already recorded (RecordedSightings) keeps ingest cheap.
 */
export class SqliteAgentStore implements AgentStore {
  private readonly sightings = new RecordedSightings();
  private readonly insertAll: Transaction<(sightings: AgentSighting[]) => void>;
  private readonly selectNames: Statement<[string], { name: string }>;

  constructor(db: SqliteDatabase) {
    const insert: Statement<[string, string]> = db.prepare(
      'INSERT INTO agent_names (ifi, name) VALUES (?, ?) ON CONFLICT (ifi, name) DO NOTHING',
    );
    this.insertAll = db.transaction((sightings: AgentSighting[]) => {
      for (const { key, name } of sightings) if (name !== undefined) insert.run(key, name);
    });
    this.selectNames = db.prepare('SELECT name FROM agent_names WHERE ifi = ? ORDER BY seq');
  }

  async recordSeen(agents: Agent[]): Promise<void> {
    const fresh = this.sightings.fresh(agents);
    if (fresh.length === 0) return;
    this.insertAll.immediate(fresh);
    this.sightings.remember(fresh);
  }

  async namesOf(key: string): Promise<string[]> {
    return this.selectNames.all(key).map((row) => row.name);
  }
}
