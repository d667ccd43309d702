import { Router } from 'express';
import type { CredentialStore } from '../auth/credential-store';
import type { VerifiedCredentialCache } from '../auth/verified-cache';
import type { Logger } from '../logger';
import type { EventDelivery } from '../platform/events/delivery';
import type { RunningPlugin } from '../platform/plugins/platform';
import type { ProfileService } from '../profiles';
import type { StorageBackend } from '../storage/backend';
import type { StatementReader } from '../xapi/statements/reader';
import { credentialPages } from './credentials';
import { eventPages } from './events';
import { overviewPages } from './overview';
import { profilePages } from './profiles';
import type { ConsoleShell } from './shell';
import { signInPages } from './sign-in';
import { statementPages } from './statements';

/** What the console's pages read and change. */
export interface ConsoleServices {
  credentials: CredentialStore;
  /** The cache `authenticate` trusts: revoking in the console invalidates the key at once. */
  cache: VerifiedCredentialCache;
  reader: StatementReader;
  events: EventDelivery;
  profiles: ProfileService;
  /** The storage engine and the statement feed's head (the overview). */
  storage: Pick<StorageBackend, 'engine' | 'statements'>;
  /** The plugins set up: the overview lists them, the credential form offers their scopes. */
  plugins: Array<Pick<RunningPlugin, 'name' | 'version' | 'scopes' | 'profileIds'>>;
  logger: Logger;
}

/** Every console page: sign-in and sign-out, then the sections. Mount before webNotFound. */
export function consoleRoutes(shell: ConsoleShell, services: ConsoleServices): Router {
  const router = Router();
  router.use(signInPages(shell, { credentials: services.credentials, cache: services.cache, logger: services.logger }));
  router.use(overviewPages(shell, { storage: services.storage, plugins: services.plugins }));
  router.use(credentialPages(shell, { store: services.credentials, cache: services.cache, pluginScopes: pluginScopes(services.plugins) }));
  router.use(statementPages(shell, { reader: services.reader }));
  router.use(eventPages(shell, { events: services.events }));
  router.use(profilePages(shell, { profiles: services.profiles, pluginProfiles: pluginProfiles(services.plugins) }));
  return router;
}

/** Each plugin's profiles, by profile id: the plugin's name. */
function pluginProfiles(plugins: ConsoleServices['plugins']): Map<string, string> {
  return new Map(plugins.flatMap((plugin) => plugin.profileIds.map((id) => [id, plugin.name] as const)));
}

function pluginScopes(plugins: ConsoleServices['plugins']): Record<string, string> {
  return Object.assign({}, ...plugins.map((plugin) => plugin.scopes)) as Record<string, string>;
}
