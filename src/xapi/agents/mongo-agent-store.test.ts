import { isFerretDbUnderTest, useTestDatabase } from '../../../test-support/database';
import { describeAgentStoreContract } from './agent-store.contract';
import { MongoAgentStore } from './mongo-agent-store';

const database = useTestDatabase();

describeAgentStoreContract(
  'MongoAgentStore',
  async () => {
    await database().collection('agents').deleteMany({});
    return new MongoAgentStore(database());
  },
  () => new MongoAgentStore(database()),
  // FerretDB v1 applies $addToSet as a read and a write: MongoAgentStore serializes its writes
  // within one store, which is safe only while one LRS process (one store) uses the database.
  { atomicAcrossStores: !isFerretDbUnderTest() },
);
