import { MongoClient } from 'mongodb';

/** Connects and checks the server answers, failing within the timeout when it does not. */
export async function connectMongo(uri: string, timeoutMs = 10_000): Promise<MongoClient> {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    maxPoolSize: 50,
    // Acknowledged means journaled: a 200 for stored statements survives a crash (DEVELOPERS.md).
    writeConcern: { w: 'majority', j: true },
  });
  await client.connect();
  await client.db('admin').command({ ping: 1 });
  return client;
}
