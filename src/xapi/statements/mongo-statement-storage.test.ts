import { MongoClient } from 'mongodb';
import { testDatabase } from '../../../test-support/database';
import { MongoStatementStorage } from './mongo-statement-storage';
import { describeStatementStorageContract } from './statement-storage.contract';

const { uri, dbName } = testDatabase();
let client: MongoClient;
let counter = 0;

beforeAll(async () => {
  client = await MongoClient.connect(uri);
});
afterAll(async () => {
  for (let n = 0; n <= counter; n++) await client.db(`${dbName}_${n}`).dropDatabase().catch(() => undefined);
  await client.close();
});

describeStatementStorageContract('MongoStatementStorage', async () => new MongoStatementStorage(client.db(`${dbName}_${++counter}`)));
