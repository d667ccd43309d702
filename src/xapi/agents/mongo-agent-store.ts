import type { Collection, Db } from 'mongodb';
import { KeyedSerializer } from '../../storage/keyed-serializer';
import type { Agent } from '../types';
import { RecordedSightings, type AgentStore } from './agent-store';

interface AgentDocument {
  _id: string;
  names: string[];
}

/**
 * One document per IFI key, its names in the order first seen (`$addToSet` appends). A cache of
 * the pairs already recorded (RecordedSightings) keeps ingest cheap, so writes are rare.
 *
 * Each update is atomic on MongoDB across processes. FerretDB v1 applies `$addToSet` as a read
 * and a write, so concurrent updates of one agent can lose names: this store's writes are
 * serialized within the process, which is safe as long as one LRS process uses the database.
 * (MongoDB 4.2 and later retry themselves an upsert of one new agent that lost to another process: SERVER-37124.)
 */
export class MongoAgentStore implements AgentStore {
  private readonly collection: Collection<AgentDocument>;
  private readonly sightings = new RecordedSightings();
  private readonly writes = new KeyedSerializer();

  constructor(db: Db) {
    this.collection = db.collection('agents');
  }

  async recordSeen(agents: Agent[]): Promise<void> {
    const fresh = this.sightings.fresh(agents);
    if (fresh.length === 0) return;
    const updates = fresh.map(({ key, name }) => ({
      updateOne: {
        filter: { _id: key },
        update: name === undefined ? { $setOnInsert: { names: [] } } : { $addToSet: { names: name } },
        upsert: true,
      },
    }));
    await this.writes.run('agents', () => this.collection.bulkWrite(updates, { ordered: false }));
    this.sightings.remember(fresh);
  }

  async namesOf(key: string): Promise<string[]> {
    return (await this.collection.findOne({ _id: key }))?.names ?? [];
  }
}
