import { SettingsReader, type Env } from '../../../plugin-api';

export interface CredentialSettings {
  /** PASSPORT_SIGNING_KEY: an Ed25519 secret key multibase replacing the stored key. */
  signingKey?: string;
}

const SIGNING_KEY = 'PASSPORT_SIGNING_KEY';
const BASE58BTC_MULTIBASE = /^z[1-9A-HJ-NP-Za-km-z]{40,120}$/;

/** Reads the credentials' settings: PASSPORT_SIGNING_KEY (optional). */
export function readCredentialSettings(env: Env): { settings: CredentialSettings; problems: string[] } {
  const problems: string[] = [];
  const signingKey = new SettingsReader(env, problems).string(SIGNING_KEY);
  if (signingKey === undefined) return { settings: {}, problems };
  if (!BASE58BTC_MULTIBASE.test(signingKey)) problems.push(`${SIGNING_KEY} must be an Ed25519 secret key multibase (z… in base58btc, as Multikey secretKeyMultibase)`);
  return { settings: { signingKey }, problems };
}
