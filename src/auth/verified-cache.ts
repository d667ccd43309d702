import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Credential } from './credential-store';

export interface VerifiedCacheOptions {
  /** How long a verification is trusted: the longest a revoked credential or replaced secret keeps working. */
  ttlMs: number;
  /** Least recently used entries are dropped beyond this. */
  maxEntries: number;
  /** Clock, in milliseconds. */
  now?: () => number;
}

interface Entry {
  digest: Buffer;
  credential: Credential;
  expiresAt: number;
}

/**
 * Credentials whose secret was recently verified with scrypt, keyed by key, so that steady-state
 * requests cost one HMAC instead of one scrypt and one database read.
 *
 * Only a keyed digest of the secret is kept (HMAC-SHA-256 under a random per-process key, so a
 * memory dump does not give offline-guessable hashes) and it is compared in constant time.
 * Consequence: revoking a credential, rotating its secret or changing its scopes takes effect
 * within `ttlMs` (the cached credential, scopes included, is served until then), unless done
 * through this process, which calls `invalidate` (other instances keep their cache until then).
 */
export class VerifiedCredentialCache {
  private readonly entries = new Map<string, Entry>();
  private readonly digestKey = randomBytes(32);
  private readonly now: () => number;

  constructor(private readonly options: VerifiedCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The credential, if this key was verified with this very secret less than `ttlMs` ago. */
  get(key: string, secret: string): Credential | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    if (!timingSafeEqual(entry.digest, this.digest(secret))) return undefined;
    this.markRecentlyUsed(key, entry);
    return entry.credential;
  }

  set(key: string, secret: string, credential: Credential): void {
    this.entries.delete(key);
    this.entries.set(key, { digest: this.digest(secret), credential, expiresAt: this.now() + this.options.ttlMs });
    this.evictBeyondCapacity();
  }

  /** Forgets the key, so its next request is checked against the store again. */
  invalidate(key: string): void {
    this.entries.delete(key);
  }

  private digest(secret: string): Buffer {
    return createHmac('sha256', this.digestKey).update(secret, 'utf8').digest();
  }

  /** Map iteration follows insertion order, so re-inserting moves the entry to the young end. */
  private markRecentlyUsed(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
  }

  private evictBeyondCapacity(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.options.maxEntries) return;
      this.entries.delete(key);
    }
  }
}
