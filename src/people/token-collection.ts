import { createHash, randomBytes } from 'node:crypto';
import type { Collection, CollectionStore } from '../storage/collections/collection-store';
import { PEOPLE_OWNER } from './people-service';

/** 256 bits of randomness, base64url: what every token is. */
const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

type Stored<T> = T & { expiresAt: number };

export interface IssuedToken {
  /** Given once, to whoever holds it; never stored. */
  token: string;
  expiresAt: Date;
}

/**
 * Short-lived secrets (session ids, login links, sign-in transactions) with the value each stands
 * for. Only a SHA-256 digest of a token is stored, as the document id, so the data gives no usable
 * token away; lookups by digest need no constant-time comparison. Taking a token deletes it, and a
 * delete succeeds once, so a token is taken at most once however many requests race for it.
 */
export class TokenCollection<T extends object> {
  private constructor(
    private readonly documents: Collection<Stored<T>>,
    private readonly now: () => Date,
  ) {}

  static async open<T extends object>(store: CollectionStore, name: string, now: () => Date): Promise<TokenCollection<T>> {
    const documents = await store.open<Stored<T>>(PEOPLE_OWNER, name, { indexes: [{ name: 'expiry', fields: ['expiresAt'] }] });
    return new TokenCollection(documents, now);
  }

  async issue(value: T, lifetimeMs: number): Promise<IssuedToken> {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const expiresAt = this.now().getTime() + lifetimeMs;
    await this.documents.insert(digest(token), { ...value, expiresAt });
    return { token, expiresAt: new Date(expiresAt) };
  }

  /** The token's value while it has not expired, leaving it in place. */
  async peek(token: string): Promise<(T & { expiresAt: Date }) | undefined> {
    if (!TOKEN_PATTERN.test(token)) return undefined;
    const stored = await this.documents.get(digest(token));
    if (stored === undefined) return undefined;
    if (this.expired(stored.value)) {
      await this.documents.delete(stored.id);
      return undefined;
    }
    return { ...stored.value, expiresAt: new Date(stored.value.expiresAt) };
  }

  /** The token's value, deleting the token: only the first of concurrent takers gets it, and only before it expires. */
  async take(token: string): Promise<T | undefined> {
    if (!TOKEN_PATTERN.test(token)) return undefined;
    const id = digest(token);
    const stored = await this.documents.get(id);
    if (stored === undefined || !(await this.documents.delete(id)) || this.expired(stored.value)) return undefined;
    return stored.value;
  }

  async revoke(token: string): Promise<void> {
    if (TOKEN_PATTERN.test(token)) await this.documents.delete(digest(token));
  }

  async purgeExpired(): Promise<number> {
    return this.documents.deleteMany({ expiresAt: { lte: this.now().getTime() } });
  }

  private expired(value: Stored<T>): boolean {
    return value.expiresAt <= this.now().getTime();
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
