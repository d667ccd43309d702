/**
 * The xAPI Profiles service: the registry (upload, versions, modes, retire), enforcement on
 * ingest (a BatchCheck that StatementIngest runs before writing a batch), pattern tracking per
 * registration (a subscriber of the durable post-store event feed) and their routes. The engine
 * (src/profiles/engine) does the checking; this module keeps everything in the collection store
 * under the owner `profiles`.
 */
import type { RequestHandler, Router } from 'express';
import type { CredentialStore } from '../auth/credential-store';
import type { Logger } from '../logger';
import type { FeedEvent } from '../plugin-api';
import type { CollectionStore } from '../storage/collections/collection-store';
import type { StatementStorage } from '../xapi/statements/statement-storage';
import { ProfileEnforcement } from './enforcement';
import { PATTERNS_OWNER, PatternTracker } from './pattern-tracker';
import { ProfileRegistryStore } from './profile-store';
import { ProfileRegistry } from './registry';
import { profileRoutes } from './routes';
import { StatementReportStore } from './statement-reports';

export { ProfileErrorCode } from './errors';
export type { ProfileMode } from './profile-store';
export { PROFILE_MODES } from './profile-store';
export { DEFAULT_REGISTRY_REFRESH_MS, ProfileRegistry } from './registry';
export { ProfileEnforcement } from './enforcement';
export { PatternTracker } from './pattern-tracker';

export interface ProfileServiceOptions {
  collections: CollectionStore;
  statements: StatementStorage;
  logger: Logger;
  /** How often another instance's registry changes are looked for (DEFAULT_REGISTRY_REFRESH_MS). */
  refreshMs?: number;
  now?: () => number;
}

export interface ProfileService {
  registry: ProfileRegistry;
  /** Give to StatementIngest as `batchCheck`. */
  enforcement: ProfileEnforcement;
  patterns: PatternTracker;
  reports: StatementReportStore;
}

/** Assembles the service; nothing is read from the store until it is first used. */
export function createProfileService(options: ProfileServiceOptions): ProfileService {
  const registry = new ProfileRegistry({ store: new ProfileRegistryStore(options.collections), refreshMs: options.refreshMs, now: options.now });
  const reports = new StatementReportStore(options.collections);
  return {
    registry,
    reports,
    enforcement: new ProfileEnforcement({ registry, reports, statements: options.statements, logger: options.logger, now: options.now }),
    patterns: new PatternTracker(options.collections, { registry, statements: options.statements }),
  };
}

/** A subscriber of the durable post-store event feed (src/platform/events EventSubscriber): what moves pattern states. */
export interface FeedSubscriber {
  name: string;
  onEvents(events: FeedEvent[]): Promise<void>;
}

/** Its name is also the collection-store owner of the pattern states, which a rebuild of the subscriber clears. */
export function profilePatternSubscriber(service: Pick<ProfileService, 'patterns'>): FeedSubscriber {
  return { name: PATTERNS_OWNER, onEvents: (events) => service.patterns.onEvents(events) };
}

export interface ProfileRouterOptions {
  credentials: Pick<CredentialStore, 'findActive'>;
  statements: Pick<StatementStorage, 'getById'>;
  authenticate: RequestHandler;
  bodyLimitBytes: number;
}

export function profileRouter(service: ProfileService, options: ProfileRouterOptions): Router {
  return profileRoutes({ ...options, registry: service.registry, patterns: service.patterns, reports: service.reports });
}
