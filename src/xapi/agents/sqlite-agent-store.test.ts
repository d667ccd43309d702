import { useTestSqliteDatabase } from '../../../test-support/sqlite';
import { describeAgentStoreContract } from './agent-store.contract';
import { SqliteAgentStore } from './sqlite-agent-store';

const database = useTestSqliteDatabase();

describeAgentStoreContract(
  'SqliteAgentStore',
  async () => {
    database().exec('DELETE FROM agent_names');
    return new SqliteAgentStore(database());
  },
  () => new SqliteAgentStore(database()),
);
