import { openSqliteDatabase, type SqliteDatabase } from '../db/sqlite/database';
import { useTestSqliteDatabase } from '../../test-support/sqlite';
import { describeLeaseStoreContract } from './lease-store.contract';
import { SqliteLeaseStore } from './sqlite-lease-store';

const database = useTestSqliteDatabase();
/** A second connection to the same file, as another process would have; stores alternate between the two. */
let second: SqliteDatabase | undefined;
let calls = 0;
afterAll(() => second?.close());

describeLeaseStoreContract('sqlite', () => {
  second ??= openSqliteDatabase(database().name);
  return new SqliteLeaseStore(++calls % 2 === 0 ? database() : second);
});
