import { shortString } from 'starknet';
import { digestHalves } from './digest';
import { AnchoringError } from './errors';
import { feltToHex, parseFelt, wordsToHex } from './felt';
import { FELT_WORDS, fastPoseidon, writeFelt, type FeltArray } from './poseidon/fast-poseidon';

/**
 * The Merkle tree of a batch of statements, its proofs, and their verification. Every hash is
 * Starknet Poseidon as Cairo's `core::poseidon::poseidon_hash_span` computes it (starknet.js:
 * `hash.computePoseidonHashOnElements`):
 *
 *   leaf  = poseidon_hash_span([LEAF_DOMAIN_TAG, high, low])  (high, low: the digest's u128 halves)
 *   node  = poseidon_hash_span([min(a, b), max(a, b)])         (felts compared as integers)
 *
 * The node hash is OpenZeppelin's `PoseidonCHasher::commutative_hash` (merkle_tree/hashes.cairo),
 * so a proof is just the list of sibling hashes, bottom-up, and `verify` needs no left/right
 * flags. Leaves are in batch order; at each level nodes are paired (0,1), (2,3), …; an odd
 * last node is carried up to the next level unchanged (no duplication, no padding). A tree has
 * at least one leaf; a one-leaf tree's root is the leaf and its proof is empty.
 *
 * Leaves (3 elements) and nodes (2 elements) are hashed with different input lengths, which
 * the sponge's padding keeps apart, and leaves also carry the domain tag.
 */

/** The leaf domain tag, a Cairo short string. */
export const LEAF_DOMAIN_TAG_TEXT = 'keiko.xapi.leaf.v1';
/** LEAF_DOMAIN_TAG_TEXT as a felt: 0x6b65696b6f2e786170692e6c6561662e7631. */
export const LEAF_DOMAIN_TAG = BigInt(shortString.encodeShortString(LEAF_DOMAIN_TAG_TEXT));

/** A felt in the receipt's written form (see felt.ts): `0x` + lower-case hex, no leading zeros. */
export type FeltHex = string;

/** The leaf of a statement digest (64 hex digits). */
export function leafOfDigest(digestHex: string): FeltHex {
  const { high, low } = digestHalves(digestHex);
  return feltToHex(fastPoseidon().hash([LEAF_DOMAIN_TAG, high, low]));
}

/** The commutative node hash of two felts. */
export function nodeHash(a: bigint, b: bigint): bigint {
  return fastPoseidon().hash(a < b ? [a, b] : [b, a]);
}

/** Whether hashing `leaf` with each proof element in turn gives `root`. */
export function verifyProof(leaf: FeltHex, proof: readonly FeltHex[], root: FeltHex): boolean {
  let node = parseFelt(leaf, 'leaf');
  proof.forEach((sibling, step) => {
    node = nodeHash(node, parseFelt(sibling, `proof[${step}]`));
  });
  return node === parseFelt(root, 'root');
}

/**
 * The number of siblings on the path of leaf `leafIndex` in a tree of `treeSize` leaves: one
 * per level where the node is not the odd one carried up.
 */
export function expectedProofLength(leafIndex: number, treeSize: number): number {
  let length = 0;
  let position = leafIndex;
  for (let count = treeSize; count > 1; count = Math.ceil(count / 2)) {
    if ((position ^ 1) < count) length += 1;
    position >>= 1;
  }
  return length;
}

/**
 * A built tree: every level kept as packed felts (2N felts of 32 bytes for N leaves), from
 * which the root and each leaf's proof are read; hex forms are made on first use and kept.
 */
export class MerkleTree {
  private readonly hexCache: (FeltHex | undefined)[][];

  private constructor(private readonly levels: FeltArray[]) {
    this.hexCache = levels.map((level) => new Array<FeltHex | undefined>(level.length / FELT_WORDS));
  }

  /** The tree whose leaves are those of these SHA-256 digests (32 bytes each), in order. */
  static fromDigests(digests: readonly Uint8Array[]): MerkleTree {
    return MerkleTree.fromLeafFelts(leafFelts(digests));
  }

  /** The tree over given leaves (as the test vectors give them). */
  static fromLeaves(leaves: readonly FeltHex[]): MerkleTree {
    const felts = new Uint32Array(leaves.length * FELT_WORDS);
    leaves.forEach((leaf, index) => writeFelt(felts, index * FELT_WORDS, parseFelt(leaf, `leaves[${index}]`)));
    return MerkleTree.fromLeafFelts(felts);
  }

  private static fromLeafFelts(leaves: FeltArray): MerkleTree {
    if (leaves.length === 0) throw new AnchoringError('INVALID_TREE', 'a Merkle tree needs at least one leaf');
    const levels = [leaves];
    while (countOf(levels[levels.length - 1]) > 1) levels.push(parentLevel(levels[levels.length - 1]));
    return new MerkleTree(levels);
  }

  get size(): number {
    return countOf(this.levels[0]);
  }

  get root(): FeltHex {
    return this.hexAt(this.levels.length - 1, 0);
  }

  leaf(index: number): FeltHex {
    this.checkIndex(index);
    return this.hexAt(0, index);
  }

  /** The sibling hashes from the leaf up to the root (levels where the node is carried up have none). */
  proof(index: number): FeltHex[] {
    this.checkIndex(index);
    const siblings: FeltHex[] = [];
    let position = index;
    for (let level = 0; level < this.levels.length - 1; level++) {
      const sibling = position ^ 1;
      if (sibling < countOf(this.levels[level])) siblings.push(this.hexAt(level, sibling));
      position >>= 1;
    }
    return siblings;
  }

  private hexAt(level: number, index: number): FeltHex {
    const cache = this.hexCache[level];
    return (cache[index] ??= wordsToHex(this.levels[level], index));
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new AnchoringError('INVALID_TREE', `leaf index ${index} is outside a tree of ${this.size}`);
    }
  }
}

function countOf(level: FeltArray): number {
  return level.length / FELT_WORDS;
}

/** Pairs (0,1), (2,3), … hashed in sorted order; an odd last node copied up. */
function parentLevel(level: FeltArray): FeltArray {
  const count = countOf(level);
  const parents = new Uint32Array(Math.ceil(count / 2) * FELT_WORDS);
  const poseidon = fastPoseidon();
  for (let left = 0; left + 1 < count; left += 2) {
    const leftFirst = compareFelts(level, left, left + 1) < 0;
    const [first, second] = leftFirst ? [left, left + 1] : [left + 1, left];
    poseidon.hashPairInto(level, first, second, parents, left / 2);
  }
  if (count % 2 === 1) {
    parents.set(level.subarray((count - 1) * FELT_WORDS), (countOf(parents) - 1) * FELT_WORDS);
  }
  return parents;
}

/** Compares elements a and b of packed felts as integers. */
function compareFelts(felts: FeltArray, a: number, b: number): number {
  for (let word = FELT_WORDS - 1; word >= 0; word--) {
    const difference = felts[a * FELT_WORDS + word] - felts[b * FELT_WORDS + word];
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * The leaves of SHA-256 digests, hashed three elements at a time from a scratch array holding
 * [LEAF_DOMAIN_TAG, high, low] as packed felts.
 */
function leafFelts(digests: readonly Uint8Array[]): FeltArray {
  const leaves = new Uint32Array(digests.length * FELT_WORDS);
  const input = new Uint32Array(3 * FELT_WORDS);
  writeFelt(input, 0, LEAF_DOMAIN_TAG);
  const poseidon = fastPoseidon();
  digests.forEach((digest, index) => {
    if (digest.length !== 32) throw new AnchoringError('INVALID_DIGEST', 'a SHA-256 digest is 32 bytes');
    writeHalf(input, 1, digest, 0);
    writeHalf(input, 2, digest, 16);
    poseidon.hashInto(input, 0, 3, leaves, index);
  });
  return leaves;
}

/** Element `index` = the big-endian u128 in digest[from, from + 16). */
function writeHalf(felts: FeltArray, index: number, digest: Uint8Array, from: number): void {
  const view = new DataView(digest.buffer, digest.byteOffset + from, 16);
  const base = index * FELT_WORDS;
  for (let word = 0; word < 4; word++) felts[base + word] = view.getUint32(12 - 4 * word);
}
