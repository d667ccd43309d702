import { createHash } from 'node:crypto';
import type { StoredStatement } from '../../../plugin-api';
import { canonicalize } from './canonical-json';
import { AnchoringError } from './errors';

export const DIGEST_ALGORITHM = 'sha-256';
export const CANONICALIZATION = 'jcs-rfc8785';

export interface StatementDigest {
  algorithm: typeof DIGEST_ALGORITHM;
  canonicalization: typeof CANONICALIZATION;
  /** 64 lower-case hex digits. */
  hex: string;
}

/**
 * The digest a receipt commits to: SHA-256 of the RFC 8785 canonical JSON (UTF-8) of the
 * statement as stored — the whole statement the LRS returns for
 * `GET /statements?statementId=…&format=exact`: every property the client sent, and those the
 * LRS set (`id`, `stored`, `authority`, `version`, `timestamp` when it was missing), attachment
 * metadata (usageType, display, contentType, length, sha2, fileUrl) included. Attachment content
 * is not included: each attachment's `sha2` already commits to it, and for a signed statement
 * that covers the JWS signature. Voiding does not change a statement, so neither its digest.
 */
export function statementDigest(statement: StoredStatement): StatementDigest {
  return { algorithm: DIGEST_ALGORITHM, canonicalization: CANONICALIZATION, hex: digestBytes(statement).toString('hex') };
}

/**
 * SHA-256 of the canonical JSON of any JSON value: the 32 bytes (what MerkleTree.fromDigests
 * takes, without a round trip through hex).
 */
export function digestBytes(value: unknown): Buffer {
  return createHash('sha256').update(canonicalize(value), 'utf8').digest();
}

const DIGEST_HEX = /^[0-9a-f]{64}$/;

/**
 * The digest as two u128 halves, big-endian: high = the first 16 bytes, low = the last 16
 * (value = high·2^128 + low), the order of Cairo's `u256 { low, high }` members aside.
 */
export function digestHalves(hex: string): { high: bigint; low: bigint } {
  if (!DIGEST_HEX.test(hex)) throw new AnchoringError('INVALID_DIGEST', 'a digest is 64 lower-case hex digits');
  return { high: BigInt(`0x${hex.slice(0, 32)}`), low: BigInt(`0x${hex.slice(32)}`) };
}
