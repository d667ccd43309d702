import type { Router } from 'express';
import type { PluginContext } from '../../../plugin-api';
import { PassportIssuer } from './issuer';
import type { StoredSigningKey } from './keys';
import { credentialRoutes } from './routes';
import type { CredentialSettings } from './settings';
import type { StatusListDocument } from './status-list';

export interface PassportCredentials {
  issuer: PassportIssuer;
  /** The public routes (DID document, status list, browser verifier), to mount at /plugins/passport. */
  routes: Router;
}

/**
 * Opens the issuer in the plugin's stores (CREDENTIAL_STORES) and starts its warm-up in the
 * background: the first share then signs in its usual time, and the LRS does not wait to start.
 */
export async function setUpCredentials(context: PluginContext, settings: CredentialSettings): Promise<PassportCredentials> {
  const issuer = await PassportIssuer.open({
    keys: context.store<StoredSigningKey>('credential-keys'),
    statusLists: context.store<StatusListDocument>('status-lists'),
    publicUrl: context.publicUrl,
    ...(settings.signingKey !== undefined && { signingKey: settings.signingKey }),
  });
  issuer.warmUp().catch((error: unknown) => context.logger.warn({ err: error }, 'Passport credentials: the warm-up signature failed'));
  return { issuer, routes: credentialRoutes(issuer) };
}
