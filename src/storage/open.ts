import type { Config } from '../config';
import type { Logger } from '../logger';
import type { StorageBackend } from './backend';
import { MongoBackend } from './mongo-backend';
import { SqliteBackend } from './sqlite-backend';

export interface OpenStorageOptions {
  authorityHomePage: string;
  logger: Logger;
  /** Hold DATA_DIR's lock (the LRS); tools beside a running LRS open without it. */
  exclusive: boolean;
}

/** MONGODB_URI set → MongoDB; unset → the SQLite database under DATA_DIR. Prepared, ready to serve. */
export async function openStorage(
  config: Pick<Config, 'mongodbUri' | 'dbName' | 'dataDir'>,
  options: OpenStorageOptions,
): Promise<StorageBackend> {
  const backend: StorageBackend = config.mongodbUri
    ? await MongoBackend.open({ uri: config.mongodbUri, dbName: config.dbName, ...options })
    : SqliteBackend.open({ dataDir: config.dataDir, ...options });
  try {
    await backend.prepare();
  } catch (error) {
    await backend.close();
    throw error;
  }
  return backend;
}
