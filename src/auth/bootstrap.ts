import type { Config } from '../config';
import type { Logger } from '../logger';
import type { CredentialStore } from './credential-store';

export const ADMIN_CREDENTIAL_NAME = 'admin';

/**
 * Makes the configured admin key an active credential with scopes `all` and `admin` named "admin" whose secret is
 * the configured one: created if absent, otherwise renamed, rescoped, reactivated and given the
 * configured secret. The configuration is the source of truth: to disable the admin
 * credential, unset LRS_ADMIN_KEY/LRS_ADMIN_SECRET and revoke the key.
 */
export async function ensureAdminCredential(
  store: CredentialStore,
  admin: Config['admin'],
  logger: Logger,
): Promise<void> {
  if (!admin) {
    logger.info('No admin credential configured (LRS_ADMIN_KEY/LRS_ADMIN_SECRET unset)');
    return;
  }
  const { created } = await store.upsert(admin.key, admin.secret, ADMIN_CREDENTIAL_NAME, ['all', 'admin']);
  logger.info({ key: admin.key }, created ? 'Admin credential created' : 'Admin credential updated');
}
