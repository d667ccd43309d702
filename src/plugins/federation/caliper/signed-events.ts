/**
 * Canvas's signed Live Events: with "Signed JWT payloads" on, Canvas's HTTPS delivery sends no
 * credential; each request body is a compact JWS (RFC 7515) signed RS256 whose payload is the
 * Caliper envelope (or event), and whose header's `kid` names one of the keys Instructure
 * publishes as a JWK Set (rotated monthly). Verified with node:crypto against the peer's jwksUrl.
 */
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { HttpError, ServiceUnavailableError } from '../../../plugin-api';
import { isRemoteOutcome, RemoteLrs } from '../remote/remote-lrs';

export const SignedEventCode = {
  /** The body is no compact JWS (three base64url parts). */
  Missing: 'CALIPER_SIGNATURE_MISSING',
  /** A header or payload that is not JSON, or a signature that does not verify. */
  Invalid: 'CALIPER_SIGNATURE_INVALID',
  /** `alg` other than RS256 (`none`, HS256…). */
  Algorithm: 'CALIPER_SIGNATURE_ALGORITHM',
  /** `kid` missing, or no key of the peer's key set has it. */
  KeyUnknown: 'CALIPER_KEY_UNKNOWN',
  /** `exp` passed or `nbf` to come (beyond the clock skew). */
  Expired: 'CALIPER_SIGNATURE_EXPIRED',
  /** 503: the peer's key set could not be read; the sender retries later, nothing is lost. */
  KeysUnavailable: 'CALIPER_KEYS_UNAVAILABLE',
} as const;

export const SIGNED_EVENT_LIMITS = {
  /** The largest signed body taken (a Canvas event is a few KiB; an envelope of many events more). */
  tokenBytes: 1_048_576,
  headerChars: 4096,
  keySetBytes: 262_144,
  keysPerSet: 50,
  fetchTimeoutMs: 5_000,
  /** A key set read is used this long before it is read again. */
  cacheMs: 10 * 60_000,
  /** At most one read of a key set this often, whatever kids arrive (a forged kid cannot make us hammer it). */
  refetchIntervalMs: 60_000,
  clockSkewSeconds: 60,
  minModulusBits: 2048,
} as const;

interface KeySetEntry {
  keys: Map<string, KeyObject>;
  /** When the set was last read successfully. */
  readAt?: number;
  attemptedAt: number;
  /** Why the last read failed (cleared by a successful one). */
  failure?: string;
  pending?: Promise<void>;
}

/** The keys of JWK Sets by URL, read when needed, cached, and read again at most once a minute. */
export class JwkSets {
  private readonly entries = new Map<string, KeySetEntry>();
  /** Reads of key sets made (for tests and figures). */
  reads = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** The key `kid` of the set at `url`, or 401 CALIPER_KEY_UNKNOWN, or 503 CALIPER_KEYS_UNAVAILABLE. */
  async keyOf(url: string, kid: string): Promise<KeyObject> {
    const cached = this.entries.get(url);
    const known = cached?.keys.get(kid);
    if (known !== undefined && cached!.readAt !== undefined && this.now() - cached!.readAt < SIGNED_EVENT_LIMITS.cacheMs) return known;
    const entry = await this.refreshed(url);
    const key = entry.keys.get(kid);
    if (key !== undefined) return key;
    if (entry.failure !== undefined) {
      const retryAfter = Math.max(1, Math.ceil((entry.attemptedAt + SIGNED_EVENT_LIMITS.refetchIntervalMs - this.now()) / 1000));
      throw new ServiceUnavailableError(`The key set of this peer could not be read at ${url} (${entry.failure}): the event cannot be verified now; send it again later`, SignedEventCode.KeysUnavailable, retryAfter);
    }
    throw refusal(SignedEventCode.KeyUnknown, `No key with kid ${JSON.stringify(kid)} in the key set at ${url} (read ${new Date(entry.readAt!).toISOString()})`);
  }

  /** The entry, read again first when the last attempt is a minute old (one read at a time). */
  private async refreshed(url: string): Promise<KeySetEntry> {
    const entry: KeySetEntry = this.entries.get(url) ?? { keys: new Map(), attemptedAt: -Infinity };
    this.entries.set(url, entry);
    if (entry.pending === undefined && this.now() - entry.attemptedAt >= SIGNED_EVENT_LIMITS.refetchIntervalMs) {
      entry.attemptedAt = this.now();
      entry.pending = this.read(url, entry).finally(() => {
        entry.pending = undefined;
      });
    }
    await entry.pending;
    return entry;
  }

  /** Reads the set; on failure the keys read before stay in use (keys rotate monthly, an outage is shorter). */
  private async read(url: string, entry: KeySetEntry): Promise<void> {
    this.reads++;
    const answer = await new RemoteLrs({ endpoint: url, timeoutMs: SIGNED_EVENT_LIMITS.fetchTimeoutMs, maxResponseBytes: SIGNED_EVENT_LIMITS.keySetBytes }).getJson(url);
    if (isRemoteOutcome(answer)) {
      entry.failure = answer.kind === 'unavailable' ? answer.reason : `it answered ${answer.kind === 'refused' ? answer.status : 200}`;
      return;
    }
    const keys = rsaKeysOf(answer.json);
    if (keys === undefined) {
      entry.failure = 'it is no JWK Set {"keys": [...]}';
      return;
    }
    Object.assign(entry, { keys, readAt: this.now(), failure: undefined });
  }
}

/** The RS256 signing keys of a JWK Set by kid; keys of another kind or use, or too short, are left out. */
function rsaKeysOf(set: unknown): Map<string, KeyObject> | undefined {
  const list = (set as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) return undefined;
  const keys = new Map<string, KeyObject>();
  for (const jwk of list.slice(0, SIGNED_EVENT_LIMITS.keysPerSet)) {
    const key = rsaSigningKey(jwk);
    if (key !== undefined) keys.set((jwk as { kid: string }).kid, key);
  }
  return keys;
}

function rsaSigningKey(jwk: unknown): KeyObject | undefined {
  if (typeof jwk !== 'object' || jwk === null) return undefined;
  const { kty, kid, use, alg } = jwk as Record<string, unknown>;
  if (kty !== 'RSA' || typeof kid !== 'string' || (use !== undefined && use !== 'sig') || (alg !== undefined && alg !== 'RS256')) return undefined;
  try {
    const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    return (key.asymmetricKeyDetails?.modulusLength ?? 0) >= SIGNED_EVENT_LIMITS.minModulusBits ? key : undefined;
  } catch {
    return undefined;
  }
}

const COMPACT_JWS = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

/** Whether a body is a compact JWS (possibly as a JSON string, or with surrounding white space). */
export function compactJwsOf(body: string): string | undefined {
  const trimmed = body.trim();
  const token = trimmed.startsWith('"') ? jsonString(trimmed) : trimmed;
  return token !== undefined && COMPACT_JWS.test(token) ? token : undefined;
}

function jsonString(text: string): string | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'string' ? value.trim() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The payload of a compact JWS signed RS256 by a key of the set at `jwksUrl`, checked for `exp`
 * and `nbf` when present; throws 401 with a SignedEventCode, or 503 when the set cannot be read.
 */
export async function verifySignedEvent(token: string, jwksUrl: string, keySets: JwkSets, nowMs = Date.now()): Promise<unknown> {
  const [, headerPart, payloadPart, signaturePart] = COMPACT_JWS.exec(token) ?? [];
  if (headerPart === undefined || payloadPart === undefined || signaturePart === undefined) {
    throw refusal(SignedEventCode.Missing, 'The body is not a compact JWS (header.payload.signature): send signed events or HTTP Basic credentials');
  }
  if (headerPart.length > SIGNED_EVENT_LIMITS.headerChars) throw refusal(SignedEventCode.Invalid, `The JWS header is longer than ${SIGNED_EVENT_LIMITS.headerChars} characters`);
  const header = decodedJson(headerPart, 'header');
  if (header.alg !== 'RS256') throw refusal(SignedEventCode.Algorithm, `The JWS alg is ${JSON.stringify(header.alg ?? null)}: only RS256 is accepted`);
  if (typeof header.kid !== 'string' || header.kid === '' || header.kid.length > 256) throw refusal(SignedEventCode.KeyUnknown, 'The JWS header names no kid (a text of at most 256 characters): the key cannot be found');
  const key = await keySets.keyOf(jwksUrl, header.kid);
  if (!verify('RSA-SHA256', Buffer.from(`${headerPart}.${payloadPart}`), key, Buffer.from(signaturePart, 'base64url'))) {
    throw refusal(SignedEventCode.Invalid, `The JWS signature does not verify with the key ${header.kid}`);
  }
  const payload = decodedJson(payloadPart, 'payload');
  checkTimes(payload, nowMs / 1000);
  return payload;
}

function decodedJson(part: string, what: 'header' | 'payload'): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw refusal(SignedEventCode.Invalid, `The JWS ${what} is not base64url-encoded JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw refusal(SignedEventCode.Invalid, `The JWS ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

/** RFC 7519 §4.1.4–4.1.5, with a small clock skew. */
function checkTimes({ exp, nbf }: Record<string, unknown>, nowSeconds: number): void {
  const skew = SIGNED_EVENT_LIMITS.clockSkewSeconds;
  if (exp !== undefined && (typeof exp !== 'number' || nowSeconds > exp + skew)) throw refusal(SignedEventCode.Expired, `The JWT expired (exp ${JSON.stringify(exp)})`);
  if (nbf !== undefined && (typeof nbf !== 'number' || nowSeconds < nbf - skew)) throw refusal(SignedEventCode.Expired, `The JWT is not valid yet (nbf ${JSON.stringify(nbf)})`);
}

function refusal(code: string, message: string): HttpError {
  return new HttpError(401, code, message);
}
