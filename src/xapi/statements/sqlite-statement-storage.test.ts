import { useTestSqliteDatabase } from '../../../test-support/sqlite';
import { SqliteStatementStorage } from './sqlite-statement-storage';
import { describeStatementStorageContract } from './statement-storage.contract';

const database = useTestSqliteDatabase();

describeStatementStorageContract('SqliteStatementStorage', async () => {
  const db = database();
  db.exec('DELETE FROM statements; DELETE FROM statement_views; DELETE FROM view_values;');
  return new SqliteStatementStorage(db);
});
