import pino from 'pino';
import { useTestDatabase } from '../../../test-support/database';
import { MongoStatementStorage } from './mongo-statement-storage';
import { describeStatementStorageContract } from './statement-storage.contract';

const database = useTestDatabase();

describeStatementStorageContract('MongoStatementStorage', async () => {
  const db = database();
  await Promise.all(['statements', 'statement_batches', 'statement_waiting_references'].map((name) => db.collection(name).deleteMany({})));
  const storage = new MongoStatementStorage(db, pino({ level: 'silent' }));
  await storage.ensureIndexes();
  return storage;
});
