import path from 'node:path';
import { databasePath } from '../db/sqlite/database';
import { DEFAULT_PAGE_LIMITS, type DumpReader, type DumpWriter, type PageLimits } from './dump';
import { MongoDumpDatabase, MongoDumpReader, MongoDumpWriter } from './mongo-dump';
import { SqliteDumpDatabase, SqliteDumpReader, SqliteDumpWriter } from './sqlite-dump';

/** One side of a migration: the SQLite database of a data directory, or a MongoDB database. */
export type Endpoint = { engine: 'sqlite'; dataDir: string } | { engine: 'mongodb'; uri: string; dbName: string };

export const DEFAULT_MONGODB_DB = 'keiko';

/** The argument is not a usable endpoint (a usage error). */
export class EndpointError extends Error {}

const MONGODB_URI = /^mongodb(\+srv)?:\/\//i;

/**
 * `mongodb://…` or `mongodb+srv://…`: that MongoDB, database `db` if given, else the URI's path,
 * else "keiko"; anything else is a data directory.
 */
export function parseEndpoint(value: string, db: string | undefined, option: string): Endpoint {
  if (value.trim() === '') throw new EndpointError(`${option} must not be empty`);
  if (MONGODB_URI.test(value)) {
    const dbName = db ?? databaseOfUri(value) ?? DEFAULT_MONGODB_DB;
    if (!/^[^/\\. "$\0]{1,63}$/.test(dbName)) throw new EndpointError(`${option}: "${dbName}" is not a valid MongoDB database name`);
    return { engine: 'mongodb', uri: value, dbName };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new EndpointError(`${option}: "${value}" is neither a data directory nor a mongodb:// URI`);
  }
  if (db !== undefined) throw new EndpointError(`${option}-db applies only to a mongodb:// ${option.slice(2)}`);
  return { engine: 'sqlite', dataDir: path.resolve(value) };
}

/** The database in a MongoDB URI's path (`mongodb://host/keiko?…`), if any. */
export function databaseOfUri(uri: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/?#]*\/([^?#]*)/i.exec(uri);
  const name = match?.[1] === undefined ? '' : decodeURIComponent(match[1]);
  return name === '' ? undefined : name;
}

/**
 * What identifies an endpoint, without credentials: recorded in the target as the source of its
 * migration, so that only the same migration resumes there.
 */
export function endpointIdentity(endpoint: Endpoint): string {
  if (endpoint.engine === 'sqlite') return `sqlite:${databasePath(endpoint.dataDir)}`;
  const hosts = endpoint.uri.replace(/^(mongodb(?:\+srv)?:\/\/)(?:[^@/?#]*@)?([^/?#]*).*$/i, '$1$2');
  return `${hosts.toLowerCase()}/${endpoint.dbName}`;
}

export async function openSource(endpoint: Endpoint, limits: PageLimits = DEFAULT_PAGE_LIMITS): Promise<DumpReader> {
  if (endpoint.engine === 'sqlite') return new SqliteDumpReader(SqliteDumpDatabase.open(endpoint.dataDir, 'source'), limits);
  return new MongoDumpReader(await MongoDumpDatabase.open(endpoint.uri, endpoint.dbName, 'source'), limits);
}

export async function openTarget(endpoint: Endpoint, limits: PageLimits = DEFAULT_PAGE_LIMITS): Promise<DumpWriter> {
  if (endpoint.engine === 'sqlite') {
    const database = SqliteDumpDatabase.open(endpoint.dataDir, 'target');
    try {
      return new SqliteDumpWriter(database, limits);
    } catch (error) {
      database.close();
      throw error;
    }
  }
  const database = await MongoDumpDatabase.open(endpoint.uri, endpoint.dbName, 'target');
  try {
    return await MongoDumpWriter.open(database, limits);
  } catch (error) {
    await database.close();
    throw error;
  }
}
