import { useTestSqliteDatabase } from '../../test-support/sqlite';
import { describeBlobStoreContract } from './blob-store.contract';
import { SqliteBlobStore } from './sqlite-blob-store';

const database = useTestSqliteDatabase();

describeBlobStoreContract('SqliteBlobStore', async (now) => {
  database().exec('DELETE FROM attachment_blobs');
  return new SqliteBlobStore(database(), { now });
});
