import { MongoClient, type Db } from 'mongodb';
import { MongoCredentialStore } from '../auth/mongo-credential-store';
import { connectMongo } from '../db/mongo';
import { moveLegacyAnchoring } from './mongo-legacy-anchoring';
import { MongoLeaseStore } from '../jobs/mongo-lease-store';
import type { Logger } from '../logger';
import { MongoActivityStore } from '../xapi/activities/mongo-activity-store';
import { MongoAgentStore } from '../xapi/agents/mongo-agent-store';
import { MongoDocumentStorage } from '../xapi/documents/mongo-document-storage';
import { MongoStatementStorage } from '../xapi/statements/mongo-statement-storage';
import type { BackendOptions, StorageBackend } from './backend';
import { MongoCollectionStore } from './collections/mongo-collection-store';
import { MongoBlobStore } from './mongo-blob-store';

export interface MongoBackendOptions extends BackendOptions {
  uri: string;
  dbName: string;
  logger: Logger;
}

/** How often batches left by instances that died are looked for while running. */
const RECOVERY_INTERVAL_MS = 30_000;

/**
 * MongoDB (MONGODB_URI): production, replica sets and sharded clusters. Also runs on FerretDB v1,
 * which the tests use, so nothing here relies on multi-document transactions.
 */
export class MongoBackend implements StorageBackend {
  readonly engine = 'mongodb';
  readonly location: string;
  readonly statements: MongoStatementStorage;
  readonly attachments: MongoBlobStore;
  readonly documents: MongoDocumentStorage;
  readonly credentials: MongoCredentialStore;
  readonly activities: MongoActivityStore;
  readonly agents: MongoAgentStore;
  readonly leases: MongoLeaseStore;
  readonly collections: MongoCollectionStore;
  private recovery?: NodeJS.Timeout;

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    private readonly options: MongoBackendOptions,
  ) {
    this.location = `${redactedUri(options.uri)} (database ${options.dbName})`;
    this.statements = new MongoStatementStorage(db, options.logger);
    this.attachments = new MongoBlobStore(db, 'attachment');
    this.documents = new MongoDocumentStorage(db, new MongoBlobStore(db, 'document'));
    this.credentials = new MongoCredentialStore(db, { authorityHomePage: options.authorityHomePage });
    this.activities = new MongoActivityStore(db);
    this.agents = new MongoAgentStore(db);
    this.leases = new MongoLeaseStore(db);
    this.collections = new MongoCollectionStore(db);
  }

  static async open(options: MongoBackendOptions): Promise<MongoBackend> {
    const client = await connectMongo(options.uri);
    return new MongoBackend(client, client.db(options.dbName), options);
  }

  /** Indexes, then the batches of instances that died; then recovery keeps running while this one does. */
  async prepare(): Promise<void> {
    await this.statements.ensureIndexes();
    await this.documents.ensureIndexes();
    const moved = await moveLegacyAnchoring(this.db, this.collections);
    if (moved.batches + moved.leaves > 0) this.options.logger.info(moved, "anchoring batches moved into the anchoring plugin's collections");
    await this.recoverAbandoned();
    this.recovery ??= setInterval(() => void this.recoverAbandoned(), RECOVERY_INTERVAL_MS).unref();
  }

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    clearInterval(this.recovery);
    await this.client.close();
  }

  private async recoverAbandoned(): Promise<void> {
    try {
      const recovered = await this.statements.recover();
      if (recovered > 0) this.options.logger.info({ recovered }, 'recovered statement batches of instances that stopped');
    } catch (error) {
      this.options.logger.warn({ err: error }, 'statement batch recovery failed; will retry');
    }
  }
}

/** The URI without its user and password, for logs. */
export function redactedUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}
