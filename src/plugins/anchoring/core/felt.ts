import { AnchoringError } from './errors';

/** The Stark field prime p = 2^251 + 17·2^192 + 1 (felt252 values are integers in [0, p)). */
export const FIELD_PRIME = 2n ** 251n + 17n * 2n ** 192n + 1n;

const FELT_HEX = /^0x[0-9a-f]{1,64}$/;

/**
 * A felt as receipts and test vectors write it: lower-case `0x` hex without leading zeros
 * (`0x0` for zero), as starknet.js's `num.toHex` does.
 */
export function feltToHex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

/**
 * Parses a felt written as feltToHex writes it. Strict: upper-case digits, leading zeros and
 * values ≥ p are rejected, so that each felt has exactly one written form.
 */
export function parseFelt(text: string, what = 'felt'): bigint {
  if (!FELT_HEX.test(text) || (text.length > 3 && text.startsWith('0x0'))) {
    throw new AnchoringError('INVALID_FELT', `${what} is not a canonical lower-case hex felt: ${text}`);
  }
  const value = BigInt(text);
  if (value >= FIELD_PRIME) throw new AnchoringError('INVALID_FELT', `${what} is not below the field prime`);
  return value;
}

const wordScratch = Buffer.alloc(32);
const ZERO_DIGIT = 0x30;

/** Element `index` of packed little-endian 32-bit words (8 per felt), as feltToHex writes it. */
export function wordsToHex(words: Uint32Array, index: number): string {
  const base = index * 8;
  for (let word = 0; word < 8; word++) wordScratch.writeUInt32BE(words[base + 7 - word], 4 * word);
  const hex = wordScratch.toString('hex');
  let start = 0;
  while (start < hex.length - 1 && hex.charCodeAt(start) === ZERO_DIGIT) start += 1;
  return `0x${hex.slice(start)}`;
}
