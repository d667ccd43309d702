/**
 * Signed deliveries between Keiko instances (issue 15: "the sender can sign its deliveries so the
 * receiver can tell which peer sent them"). The sender signs, with its Ed25519 key, a string
 * covering the method, the path it addressed, the time it signed, its key id and the SHA-256 of
 * the body (RFC 9530 Content-Digest); the receiver checks it with the key it pinned for the peer.
 *
 *   Content-Digest:  sha-256=:<base64 of the body's SHA-256>:
 *   Keiko-Signature: keyId="<key id>", created=<unix seconds>, signature="<base64url>"
 *
 * A signature is accepted within 5 minutes either side of `created`. A delivery replayed inside
 * that window stores nothing new (the receiver is idempotent by statement id); outside it, 401.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { HttpError } from '../../../plugin-api';

export const SIGNATURE_HEADER = 'keiko-signature';
export const DIGEST_HEADER = 'content-digest';
/** How far `created` may be from the receiver's clock, either way. */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

export const DeliverySignatureCode = {
  Missing: 'DELIVERY_SIGNATURE_MISSING',
  Invalid: 'DELIVERY_SIGNATURE_INVALID',
  Expired: 'DELIVERY_SIGNATURE_EXPIRED',
} as const;

const SIGNED_STRING_VERSION = 'keiko-delivery-v1';

export interface SignDeliveryInput {
  method: string;
  /** The full URL the delivery is sent to: its path and query are signed. */
  url: string;
  body: Buffer | string;
  keyId: string;
  privateKey: KeyObject;
  now?: Date;
}

/** The headers to add to a delivery: Content-Digest and Keiko-Signature. */
export function signDelivery({ method, url, body, keyId, privateKey, now = new Date() }: SignDeliveryInput): Record<string, string> {
  const { pathname, search } = new URL(url);
  const created = Math.floor(now.getTime() / 1000);
  const digest = contentDigest(body);
  const signature = sign(null, signedString({ method, path: pathname + search, created, keyId, digest }), privateKey).toString('base64url');
  return {
    'Content-Digest': digest,
    'Keiko-Signature': `keyId="${keyId}", created=${created}, signature="${signature}"`,
  };
}

export interface VerifyDeliveryInput {
  method: string;
  /** The path (and query) the sender addressed: see signedPathOf. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body's bytes exactly as received. */
  body: Buffer | string;
  /** The peer's pinned Ed25519 public key (base64url of its 32 bytes). */
  publicKey: string;
  /** The peer's pinned key id: a signature naming another is refused. */
  keyId?: string;
  now?: Date;
}

/**
 * Checks a delivery's signature with the peer's pinned key; returns its key id and signing time,
 * or throws 401 DELIVERY_SIGNATURE_MISSING (a header missing or repeated), DELIVERY_SIGNATURE_INVALID
 * (unreadable, or another body, path, method or key) or DELIVERY_SIGNATURE_EXPIRED (signed more than 5 min away).
 */
export function verifyDelivery({ method, path, headers, body, publicKey, keyId, now = new Date() }: VerifyDeliveryInput): { keyId: string; created: Date } {
  const digestHeader = single(headers[DIGEST_HEADER]);
  const signatureHeader = single(headers[SIGNATURE_HEADER]);
  if (digestHeader === undefined || signatureHeader === undefined) {
    throw refusal(DeliverySignatureCode.Missing, 'A delivery from a Keiko peer must carry one Keiko-Signature and one Content-Digest header');
  }
  const parsed = parseSignatureHeader(signatureHeader);
  if (parsed === undefined) throw refusal(DeliverySignatureCode.Invalid, 'Keiko-Signature must read keyId="…", created=<unix seconds>, signature="<base64url>"');
  if (digestHeader !== contentDigest(body)) throw refusal(DeliverySignatureCode.Invalid, 'Content-Digest is not the SHA-256 of the body received');
  if (keyId !== undefined && parsed.keyId !== keyId) throw refusal(DeliverySignatureCode.Invalid, `The delivery is signed with the key ${parsed.keyId.slice(0, 64)}, not the key pinned for this peer`);
  const ok = verify(null, signedString({ method, path, created: parsed.created, keyId: parsed.keyId, digest: digestHeader }), ed25519PublicKey(publicKey), Buffer.from(parsed.signature, 'base64url'));
  if (!ok) throw refusal(DeliverySignatureCode.Invalid, "The signature does not verify with the peer's pinned key for this method, path and body");
  const skewMs = Math.abs(now.getTime() - parsed.created * 1000);
  if (skewMs > SIGNATURE_WINDOW_MS) throw refusal(DeliverySignatureCode.Expired, `The delivery was signed ${Math.round(skewMs / 1000)} s away from this LRS's clock; at most ${SIGNATURE_WINDOW_MS / 1000} s are accepted`);
  return { keyId: parsed.keyId, created: new Date(parsed.created * 1000) };
}

/**
 * The path a sender addressed, as the receiver verifies it: the receiver's public base path (a
 * proxy may mount the LRS under one) followed by the request's own path and query.
 */
export function signedPathOf(publicUrl: string, originalUrl: string): string {
  return new URL(publicUrl).pathname.replace(/\/$/, '') + originalUrl;
}

/** RFC 9530 Content-Digest of a body with SHA-256. */
export function contentDigest(body: Buffer | string): string {
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
}

/** A new Ed25519 key pair: the public key as base64url of its 32 bytes, the private one as PKCS#8 DER (base64). */
export function generateSigningKeyPair(): { publicKey: string; privateKeyPkcs8: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: publicKey.export({ format: 'jwk' }).x!,
    privateKeyPkcs8: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
  };
}

export function privateKeyOf(pkcs8Base64: string): KeyObject {
  return createPrivateKey({ key: Buffer.from(pkcs8Base64, 'base64'), format: 'der', type: 'pkcs8' });
}

/** A public key's id: the first 16 bytes of its SHA-256, base64url (stable, short, names the key). */
export function keyIdOf(publicKey: string): string {
  return createHash('sha256').update(Buffer.from(publicKey, 'base64url')).digest().subarray(0, 16).toString('base64url');
}

/** Whether `value` is an Ed25519 public key as pinned: base64url of exactly 32 bytes. */
export function isEd25519PublicKey(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value) && Buffer.from(value, 'base64url').length === 32;
}

function ed25519PublicKey(publicKey: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
}

function signedString({ method, path, created, keyId, digest }: { method: string; path: string; created: number; keyId: string; digest: string }): Buffer {
  return Buffer.from([SIGNED_STRING_VERSION, method.toUpperCase(), path, String(created), keyId, digest].join('\n'));
}

function parseSignatureHeader(value: string | undefined): { keyId: string; created: number; signature: string } | undefined {
  const match = value?.match(/^keyId="([A-Za-z0-9_-]{1,128})", created=(\d{1,12}), signature="([A-Za-z0-9_-]{1,200})"$/);
  if (!match) return undefined;
  return { keyId: match[1]!, created: Number(match[2]), signature: match[3]! };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
}

function refusal(code: string, message: string): HttpError {
  return new HttpError(401, code, message);
}
