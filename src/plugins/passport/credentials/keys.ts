import type { Collection } from '../../../plugin-api';
import { vcBundle, type Ed25519Key } from './vc-bundle';

/** The stored signing key: one document, inserted once by whichever instance comes first. */
export interface StoredSigningKey {
  publicKeyMultibase: string;
  secretKeyMultibase: string;
  created: string;
}

const SIGNING_KEY_ID = 'signing-key';
const KEY_FRAGMENT = '#key-1';

/** The id of the LRS's key in its DID document. */
export function keyIdOf(did: string): string {
  return `${did}${KEY_FRAGMENT}`;
}

/**
 * The LRS's Ed25519 key for `did`: from `secretKeyMultibase` when given (PASSPORT_SIGNING_KEY),
 * else the stored one, generated and stored on first use. Instances starting together each try
 * to insert their own; the insert is unique by id, so all of them end up with the one that won.
 */
export async function openSigningKey(keys: Collection<StoredSigningKey>, did: string, secretKeyMultibase?: string): Promise<Ed25519Key> {
  const bundle = vcBundle();
  const names = { id: keyIdOf(did), controller: did };
  if (secretKeyMultibase !== undefined) {
    return bundle.keyFromSecret({ ...names, secretKeyMultibase }).catch((error: unknown) => {
      throw new Error(`PASSPORT_SIGNING_KEY cannot be used: ${(error as Error).message}`);
    });
  }
  const stored = await keys.get(SIGNING_KEY_ID);
  if (stored !== undefined) return fromStored(stored.value, names);
  const generated = await bundle.generateKey(names);
  const inserted = await keys.insert(SIGNING_KEY_ID, {
    publicKeyMultibase: generated.publicKeyMultibase,
    secretKeyMultibase: generated.secretKeyMultibase,
    created: new Date().toISOString(),
  });
  if (inserted) return generated;
  const winner = await keys.get(SIGNING_KEY_ID);
  if (winner === undefined) throw new Error('the passport signing key was inserted by another instance, then disappeared');
  return fromStored(winner.value, names);
}

async function fromStored(stored: StoredSigningKey, names: { id: string; controller: string }): Promise<Ed25519Key> {
  const key = await vcBundle().keyFromSecret({ ...names, secretKeyMultibase: stored.secretKeyMultibase });
  if (key.publicKeyMultibase !== stored.publicKeyMultibase) throw new Error('the stored passport signing key does not match its public key');
  return key;
}

/** The DID document of `did` with `key` for assertions (credentials) and authentication (presentations). */
export function didDocument(did: string, key: Ed25519Key): Record<string, unknown> {
  const id = keyIdOf(did);
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did,
    verificationMethod: [{ id, type: 'Multikey', controller: did, publicKeyMultibase: key.publicKeyMultibase }],
    assertionMethod: [id],
    authentication: [id],
  };
}
