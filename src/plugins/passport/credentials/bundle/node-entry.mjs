// The CommonJS bundle for Node (the LRS, the CLI, jest): signing primitives plus the shared verifier.
// credentials.ts gives it types; nothing else requires this bundle.
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as base58btc from 'base58-universal';
import { createCredential, createList, decodeList } from '@digitalbazaar/vc-bitstring-status-list';
import { documentLoader, suite, vc } from './verify.mjs';

export { bundledContexts, KEIKO_PASSPORT_V1, OPEN_BADGES_V3, VC_V2 } from './contexts.mjs';
export { checkStatus, didDocumentUrl, didOf, documentLoader, statusListPrefix, suite, verifyShare, vc } from './verify.mjs';

const SECRET_KEY_HEADER = [0x80, 0x26];
const SEED_BYTES = 32;

/** A new Ed25519 Multikey with `id` (the DID's key) and `controller` (the DID). */
export function generateKey({ id, controller }) {
  return Ed25519Multikey.generate({ id, controller });
}

/** The key of a secret key multibase (`z…`, multicodec ed25519-priv): derived again from its seed. */
export async function keyFromSecret({ id, controller, secretKeyMultibase }) {
  if (typeof secretKeyMultibase !== 'string' || !secretKeyMultibase.startsWith('z')) throw new Error('the secret key must be a base58btc multibase string (z…)');
  const bytes = base58btc.decode(secretKeyMultibase.slice(1));
  if (bytes.length < SECRET_KEY_HEADER.length + SEED_BYTES || bytes[0] !== SECRET_KEY_HEADER[0] || bytes[1] !== SECRET_KEY_HEADER[1]) {
    throw new Error('the secret key is not an Ed25519 secret key multibase');
  }
  return Ed25519Multikey.generate({ id, controller, seed: bytes.slice(SECRET_KEY_HEADER.length, SECRET_KEY_HEADER.length + SEED_BYTES) });
}

/** Signs a credential (Data Integrity, eddsa-rdfc-2022) with a key from generateKey/keyFromSecret. */
export function signCredential({ credential, key, loader }) {
  return vc.issue({ credential, suite: suite(key.signer()), documentLoader: loader });
}

/** A VC 2.0 presentation of `credentials` held by `holder`, signed for authentication with challenge and domain. */
export function signPresentation({ id, holder, credentials, challenge, domain, key, loader }) {
  const presentation = vc.createPresentation({ verifiableCredential: credentials, id, holder, version: 2.0 });
  return vc.signPresentation({ presentation, suite: suite(key.signer()), challenge, domain, documentLoader: loader });
}

/** An empty bitstring of `length` entries. */
export function createStatusList(length) {
  return createList({ length });
}

/** A bitstring from its encodedList (multibase base64url of the gzipped bits). */
export function decodeStatusList(encodedList) {
  return decodeList({ encodedList });
}

/** The unsigned BitstringStatusListCredential of `list`, for statusPurpose revocation. */
export function statusListCredential({ id, list }) {
  return createCredential({ id, list, statusPurpose: 'revocation' });
}
