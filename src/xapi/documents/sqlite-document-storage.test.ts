import { useTestSqliteDatabase } from '../../../test-support/sqlite';
import { describeDocumentStorageContract } from './document-storage.contract';
import { SqliteDocumentStorage } from './sqlite-document-storage';

const database = useTestSqliteDatabase();

describeDocumentStorageContract('SqliteDocumentStorage', async () => {
  database().exec('DELETE FROM documents');
  return new SqliteDocumentStorage(database());
});
