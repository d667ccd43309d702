import { createHash } from 'node:crypto';
import { FIELD_PRIME } from '../felt';
import { FELT_BYTES, INTERNAL, IO_CAPACITY, LAYOUT, ROUNDS, STATE_WIDTH, hadesModuleBytes } from './hades-wasm';

/** 32-bit words per field element in a `FeltArray`. */
export const FELT_WORDS = FELT_BYTES / 4;
const MONTGOMERY_R = 1n << BigInt(INTERNAL.MONTGOMERY_BITS);
const RADIX = BigInt(INTERNAL.RADIX_BITS);
const LIMB_MASK = (1n << RADIX) - 1n;

/**
 * Field elements packed as FELT_WORDS little-endian 32-bit words each: the compact form the
 * Merkle tree keeps its nodes in (element i is words [8i, 8i + 8)).
 */
export type FeltArray = Uint32Array;

/** The WebAssembly JS API, as far as it is used here (the project's TypeScript `lib` has no WebAssembly types). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: object };
}
const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: WebAssemblyApi };

interface HadesExports {
  memory: { buffer: ArrayBuffer };
  hash_span(input: number, count: number, output: number): void;
  permute(state: number): void;
}

/**
 * Starknet Poseidon (`poseidon_hash_span`, as Cairo's core library and starknet.js's
 * `hash.computePoseidonHashOnElements` compute it) over the WebAssembly module of
 * hades-wasm.ts. One instance per process (`fastPoseidon()`); not re-entrant, which JavaScript's
 * single thread guarantees.
 */
export class FastPoseidon {
  private readonly words: Uint32Array;
  private readonly limbs: BigInt64Array;

  constructor(private readonly exports: HadesExports) {
    this.words = new Uint32Array(exports.memory.buffer);
    this.limbs = new BigInt64Array(exports.memory.buffer);
    writeConstants(this.limbs);
  }

  /** poseidon_hash_span(elements); each element must be a field element (< p). */
  hash(elements: readonly bigint[]): bigint {
    if (elements.length >= IO_CAPACITY) throw new RangeError('too many elements for one hash');
    elements.forEach((element, index) => writeFelt(this.words, ioWord(index), element));
    this.exports.hash_span(LAYOUT.io, elements.length, LAYOUT.io);
    return readFelt(this.words, ioWord(0));
  }

  /**
   * poseidon_hash_span of `count` consecutive elements of `source` from element `from`, written
   * as element `to` of `target`. No range check: FeltArrays hold field elements only.
   */
  hashInto(source: FeltArray, from: number, count: number, target: FeltArray, to: number): void {
    this.words.set(source.subarray(from * FELT_WORDS, (from + count) * FELT_WORDS), ioWord(0));
    this.hashIo(count, target, to);
  }

  /** poseidon_hash_span([source[first], source[second]]) written as element `to` of `target`. */
  hashPairInto(source: FeltArray, first: number, second: number, target: FeltArray, to: number): void {
    this.words.set(source.subarray(first * FELT_WORDS, (first + 1) * FELT_WORDS), ioWord(0));
    this.words.set(source.subarray(second * FELT_WORDS, (second + 1) * FELT_WORDS), ioWord(1));
    this.hashIo(2, target, to);
  }

  private hashIo(count: number, target: FeltArray, to: number): void {
    this.exports.hash_span(LAYOUT.io, count, LAYOUT.io);
    target.set(this.words.subarray(ioWord(0), ioWord(1)), to * FELT_WORDS);
  }

  /** The Hades permutation of three field elements (for tests against reference vectors). */
  permute(state: readonly [bigint, bigint, bigint]): [bigint, bigint, bigint] {
    const at = (i: number) => LAYOUT.state + i * INTERNAL.ELEMENT_BYTES;
    state.forEach((x, i) => writeInternal(this.limbs, at(i), toMontgomery(x)));
    this.exports.permute(LAYOUT.state);
    const out = [0, 1, 2].map((i) => fromMontgomery(readInternal(this.limbs, at(i))));
    return [out[0], out[1], out[2]];
  }
}

let instance: FastPoseidon | undefined;

/** The process-wide instance, compiled on first use (a few milliseconds). */
export function fastPoseidon(): FastPoseidon {
  if (!instance) {
    const module = new wasm.Module(hadesModuleBytes());
    const exports = new wasm.Instance(module).exports as HadesExports;
    instance = new FastPoseidon(exports);
  }
  return instance;
}

/**
 * Round constant i of Starknet's Poseidon: SHA-256 of the ASCII text `Hades<i>` as a
 * big-endian integer, mod p (as starknet.js's @scure/starknet and Starkware's generator).
 */
export function roundConstant(index: number): bigint {
  const digest = createHash('sha256').update(`Hades${index}`).digest('hex');
  return BigInt(`0x${digest}`) % FIELD_PRIME;
}

/** Round constants (the round after the last stays zero) and conversion constants. */
function writeConstants(limbs: BigInt64Array): void {
  for (let i = 0; i < ROUNDS * STATE_WIDTH; i++) {
    const at = LAYOUT.roundConstants + i * INTERNAL.ELEMENT_BYTES;
    writeInternal(limbs, at, toMontgomery(roundConstant(i)));
  }
  writeInternal(limbs, LAYOUT.montgomerySquare, (MONTGOMERY_R * MONTGOMERY_R) % FIELD_PRIME);
  writeInternal(limbs, LAYOUT.montgomeryOne, MONTGOMERY_R % FIELD_PRIME);
  writeInternal(limbs, LAYOUT.plainOne, 1n);
}

/** Writes x as the module's internal element at byte offset `at`: normalised radix-2^29 limbs. */
function writeInternal(limbs: BigInt64Array, at: number, x: bigint): void {
  let rest = x;
  for (let k = 0; k < INTERNAL.LIMBS; k++) {
    limbs[at / 8 + k] = rest & LIMB_MASK;
    rest >>= RADIX;
  }
}

/** The value of the internal element at byte offset `at` (limbs may be signed). */
function readInternal(limbs: BigInt64Array, at: number): bigint {
  let x = 0n;
  for (let k = INTERNAL.LIMBS - 1; k >= 0; k--) x = (x << RADIX) + limbs[at / 8 + k];
  return x;
}

function toMontgomery(x: bigint): bigint {
  return (x * MONTGOMERY_R) % FIELD_PRIME;
}

function fromMontgomery(x: bigint): bigint {
  const value = (x * modularInverse(MONTGOMERY_R % FIELD_PRIME)) % FIELD_PRIME;
  return value < 0n ? value + FIELD_PRIME : value;
}

function modularInverse(x: bigint): bigint {
  let [result, base, exponent] = [1n, x, FIELD_PRIME - 2n];
  while (exponent > 0n) {
    if (exponent & 1n) result = (result * base) % FIELD_PRIME;
    base = (base * base) % FIELD_PRIME;
    exponent >>= 1n;
  }
  return result;
}

function ioWord(index: number): number {
  return LAYOUT.io / 4 + index * FELT_WORDS;
}

/** Writes x (< p) as element words [at, at + 8). */
export function writeFelt(words: Uint32Array, at: number, x: bigint): void {
  if (x < 0n || x >= FIELD_PRIME) throw new RangeError(`not a field element: ${x}`);
  let rest = x;
  for (let k = 0; k < FELT_WORDS; k++) {
    words[at + k] = Number(rest & 0xffffffffn);
    rest >>= 32n;
  }
}

export function readFelt(words: Uint32Array, at: number): bigint {
  let x = 0n;
  for (let k = FELT_WORDS - 1; k >= 0; k--) x = (x << 32n) | BigInt(words[at + k]);
  return x;
}
