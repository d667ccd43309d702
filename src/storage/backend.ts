import type { CredentialStore } from '../auth/credential-store';
import type { LeaseStore } from '../jobs/lease-store';
import type { ActivityStore } from '../xapi/activities/activity-store';
import type { AgentStore } from '../xapi/agents/agent-store';
import type { DocumentStorage } from '../xapi/documents/document-storage';
import type { StatementStorage } from '../xapi/statements/statement-storage';
import type { BlobStore } from './blob-store';
import type { CollectionStore } from './collections/collection-store';

export type StorageEngine = 'sqlite' | 'mongodb';

/**
 * Everything the LRS persists, on one engine: its stores (one port per resource), the job leases,
 * schema set-up and the connection's life. The domain and the HTTP layer only see this object;
 * database drivers stay inside the adapters. Backends: SqliteBackend (the embedded default, one
 * file under DATA_DIR) and MongoBackend (MONGODB_URI: production and scale-out).
 */
export interface StorageBackend {
  readonly engine: StorageEngine;
  /** Where the data lives, for logs: a file path, or a MongoDB URI without credentials. */
  readonly location: string;
  readonly statements: StatementStorage;
  readonly attachments: BlobStore;
  readonly documents: DocumentStorage;
  readonly credentials: CredentialStore;
  readonly activities: ActivityStore;
  readonly agents: AgentStore;
  readonly leases: LeaseStore;
  /** The documents of core features (people, sessions, profiles, events) and of plugins. */
  readonly collections: CollectionStore;
  /**
   * Creates or upgrades the schema (tables, indexes) and completes whatever a process that died
   * left unfinished, so that the LRS serves only once its data is whole. Idempotent.
   */
  prepare(): Promise<void>;
  /** Resolves when the database answers; rejects otherwise (/ready). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface BackendOptions {
  /** The IRL recorded as `account.homePage` in each new credential's authority. */
  authorityHomePage: string;
}
