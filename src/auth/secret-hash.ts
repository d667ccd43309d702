import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Secrets are stored as scrypt hashes. The cost parameters are stored with each hash, so
 * they can be raised for new secrets without invalidating existing ones.
 */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelization. */
  p: number;
  /** Length of the derived key, in bytes. */
  keyLength: number;
}

export interface SecretHash extends ScryptParams {
  algorithm: 'scrypt';
  /** Random 16-byte salt, base64. */
  salt: string;
  /** Derived key, base64. */
  hash: string;
}

/** About 32 MiB and tens of milliseconds per hash; verified credentials are cached (see verified-cache.ts). */
export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = { N: 2 ** 15, r: 8, p: 1, keyLength: 32 };

const SALT_BYTES = 16;

export async function hashSecret(secret: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<SecretHash> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await deriveKey(secret, salt, params);
  return { algorithm: 'scrypt', ...params, salt: salt.toString('base64'), hash: hash.toString('base64') };
}

/** Derives the key with the stored parameters and compares it in constant time. */
export async function verifySecret(secret: string, stored: SecretHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const actual = await deriveKey(secret, Buffer.from(stored.salt, 'base64'), { ...stored, keyLength: expected.length });
  return timingSafeEqual(actual, expected);
}

function deriveKey(secret: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: scryptMemoryLimit(params) };
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, params.keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** scrypt needs about 128·N·r bytes (+ 128·r·p); Node's default limit (32 MiB) is too tight for N = 2^15, r = 8. */
function scryptMemoryLimit({ N, r, p }: ScryptParams): number {
  return 2 * 128 * r * (N + p);
}
