import { randomBytes } from 'node:crypto';
import type { Credential, CredentialStore } from './credential-store';
import { hashSecret, verifySecret, type SecretHash } from './secret-hash';
import { VerifiedCredentialCache } from './verified-cache';

/**
 * Checks a key and secret against the store. Unknown and revoked keys are checked against a
 * dummy hash, so the response time does not reveal which keys exist.
 */
export class CredentialVerifier {
  private dummyHash?: Promise<SecretHash>;

  constructor(
    private readonly store: CredentialStore,
    private readonly cache: VerifiedCredentialCache,
  ) {}

  /** The active credential with this key and secret, or null. */
  async verify(key: string, secret: string): Promise<Credential | null> {
    const cached = this.cache.get(key, secret);
    if (cached) return cached;
    const stored = await this.store.findActive(key);
    const matches = await verifySecret(secret, stored?.secretHash ?? (await this.getDummyHash()));
    if (!stored || !matches) return null;
    this.cache.set(key, secret, stored.credential);
    return stored.credential;
  }

  /** Hashed once, on first use, with the default parameters real secrets are hashed with. */
  private getDummyHash(): Promise<SecretHash> {
    this.dummyHash ??= hashSecret(randomBytes(32).toString('base64url'));
    return this.dummyHash;
  }
}
