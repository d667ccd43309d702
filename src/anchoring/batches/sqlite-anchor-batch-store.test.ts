import { useTestSqliteDatabase } from '../../../test-support/sqlite';
import { describeAnchorBatchStoreContract } from './anchor-batch-store.contract';
import { SqliteAnchorBatchStore } from './sqlite-anchor-batch-store';

const database = useTestSqliteDatabase();

describeAnchorBatchStoreContract('SqliteAnchorBatchStore', async () => {
  database().exec('DELETE FROM anchor_batches; DELETE FROM anchor_leaves');
  return new SqliteAnchorBatchStore(database());
});
