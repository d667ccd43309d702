import { useTestSqliteDatabase } from '../../../test-support/sqlite';
import { describeActivityStoreContract } from './activity-store.contract';
import { SqliteActivityStore } from './sqlite-activity-store';

const database = useTestSqliteDatabase();

describeActivityStoreContract(
  'SqliteActivityStore',
  async () => {
    database().exec('DELETE FROM activities');
    return new SqliteActivityStore(database());
  },
  () => new SqliteActivityStore(database()),
);
