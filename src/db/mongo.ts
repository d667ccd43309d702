import { MongoBulkWriteError, MongoClient, MongoServerError, MongoServerSelectionError } from 'mongodb';

/** MongoDB did not answer; the message says what failed and what to check. */
export class MongoUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MongoUnreachableError';
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;
const AUTHENTICATION_FAILED = 18;

/**
 * Connects and checks the server answers, failing within the timeout when it does not: the
 * URI's own `serverSelectionTimeoutMS`, if it sets one, or `timeoutMs`.
 *
 * Every write through this client uses the write concern `w: majority, j: true`: it is
 * acknowledged once a majority of the replica set has it in its on-disk journal, so an
 * acknowledged write (a 200 for stored statements, a stored document) survives a crash of the
 * server (docs/storage.md). On a standalone server the majority is that server.
 */
export async function connectMongo(uri: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<MongoClient> {
  const client = new MongoClient(uri, {
    // Options given here override the URI's, so the URI's timeout is left to apply when it has one.
    ...(/[?&]serverSelectionTimeoutMS=/i.test(uri) ? {} : { serverSelectionTimeoutMS: timeoutMs }),
    connectTimeoutMS: timeoutMs,
    maxPoolSize: 50,
    writeConcern: { w: 'majority', j: true },
  });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return client;
  } catch (error) {
    await client.close();
    if (error instanceof MongoServerSelectionError) {
      const waited = client.options.serverSelectionTimeoutMS / 1000;
      throw new MongoUnreachableError(
        `MongoDB did not answer within ${waited} s (${error.message}). Check MONGODB_URI and that the server is running and reachable from here.`,
      );
    }
    if (error instanceof MongoServerError && error.code === AUTHENTICATION_FAILED) {
      throw new MongoUnreachableError(`MongoDB refused the user and password in MONGODB_URI (${error.message}). Check them.`);
    }
    throw error;
  }
}

const DUPLICATE_KEY = 11000;

/** Whether a write failed because a document with the same unique key (e.g. `_id`) exists. */
export function isDuplicateKeyError(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

/** A bulk write whose every failure is a duplicate key. */
export function isDuplicateKeyBulkError(error: unknown): error is MongoBulkWriteError {
  if (!(error instanceof MongoBulkWriteError)) return false;
  const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  return writeErrors.length > 0 && writeErrors.every((writeError) => writeError.code === DUPLICATE_KEY);
}

/** The documents an unordered insertMany refused as duplicates; any other failure is rethrown. */
export function refusedDuplicates<T>(error: unknown, documents: T[]): T[] {
  if (!isDuplicateKeyBulkError(error)) throw error;
  const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  return writeErrors.map((writeError) => documents[writeError.index]!);
}
