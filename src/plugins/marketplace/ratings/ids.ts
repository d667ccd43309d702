import { createHash } from 'node:crypto';

/** The namespace of the marketplace's name-based statement ids (a fixed, random UUID). */
const NAMESPACE = Buffer.from('3f0c2a8e5b7d4c19a6e1d2b3c4f5a697', 'hex');

/**
 * A name-based UUID (RFC 9562 version 5, SHA-1) of `name` in the marketplace's namespace: the same
 * name always gives the same id, so a step recorded again after a crash is the same statement.
 */
export function nameBasedUuid(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
