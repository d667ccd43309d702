import { hash } from 'node:crypto';

/**
 * A Merkle tree of the shape of RFC 6962 §2.1 (Certificate Transparency; RFC 9162 §2.1): leaf hash
 * SHA-256(0x00 ‖ bytes), node hash SHA-256(0x01 ‖ left ‖ right), the left subtree of n leaves
 * holding the largest power of two smaller than n. A level with an odd number of nodes carries its
 * last node up unchanged (never paired with a copy of itself), which gives the recursive
 * definition's root and audit paths.
 */
export function leafHash(bytes: Uint8Array): Buffer {
  return sha256(0x00, bytes);
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(0x01, left, right);
}

/** SHA-256 of the prefix byte and the parts, in one call (a tree of 100,000 leaves makes 200,000 of them). */
function sha256(prefix: number, ...parts: Uint8Array[]): Buffer {
  const bytes = Buffer.allocUnsafe(1 + parts.reduce((length, part) => length + part.length, 0));
  bytes[0] = prefix;
  let offset = 1;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return hash('sha256', bytes, 'buffer');
}

const HASH_BYTES = 32;

/** The hashes of one level of the tree, end to end in one buffer (a tree of 100,000 leaves keeps 200,000). */
class Level {
  constructor(
    readonly hashes: Buffer,
    readonly count: number,
  ) {}

  at(index: number): Buffer | undefined {
    return index < this.count ? this.hashes.subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES) : undefined;
  }

  static of(count: number, hashAt: (index: number) => Buffer): Level {
    const hashes = Buffer.allocUnsafe(count * HASH_BYTES);
    for (let index = 0; index < count; index++) hashAt(index).copy(hashes, index * HASH_BYTES);
    return new Level(hashes, count);
  }
}

export class MerkleTree {
  /** levels[0]: the leaf hashes; the last level: the root alone. */
  private readonly levels: Level[];

  constructor(leaves: readonly Uint8Array[]) {
    if (leaves.length === 0) throw new RangeError('A Merkle tree needs at least one leaf');
    this.levels = [Level.of(leaves.length, (index) => leafHash(leaves[index]))];
    for (let level = this.levels[0]; level.count > 1; ) {
      level = parentsOf(level);
      this.levels.push(level);
    }
  }

  get size(): number {
    return this.levels[0].count;
  }

  get root(): Buffer {
    return Buffer.from(this.levels[this.levels.length - 1].hashes);
  }

  /** RFC 6962 §2.1.1's audit path of leaf `index`, from the leaf's sibling up to the root's children. */
  auditPath(index: number): Buffer[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) throw new RangeError(`No leaf ${index} in a tree of ${this.size}`);
    const path: Buffer[] = [];
    for (let level = 0, position = index; level < this.levels.length - 1; level++, position >>>= 1) {
      const sibling = this.levels[level].at(position ^ 1);
      if (sibling !== undefined) path.push(Buffer.from(sibling));
    }
    return path;
  }
}

/** The level above: pairs hashed as nodes, an odd last node carried up unchanged. */
function parentsOf(level: Level): Level {
  return Level.of(Math.ceil(level.count / 2), (index) => {
    const right = level.at(2 * index + 1);
    return right === undefined ? level.at(2 * index)! : nodeHash(level.at(2 * index)!, right);
  });
}

/**
 * The root that leaf `leaf` (its hash) at `index` of a tree of `size` leaves and its audit path
 * lead to: RFC 9162 §2.1.3.2's verification, undefined when the path cannot belong to such a leaf
 * (too long, too short, index outside the tree).
 */
export function rootFromAuditPath(leaf: Buffer, index: number, size: number, path: readonly Buffer[]): Buffer | undefined {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return undefined;
  // Numbers up to 2^53 index the tree: BigInt-free halving with Math.floor instead of 32-bit shifts.
  let position = index;
  let last = size - 1;
  let hash = leaf;
  for (const sibling of path) {
    if (last === 0) return undefined;
    if (position % 2 === 1 || position === last) {
      hash = nodeHash(sibling, hash);
      while (position % 2 === 0 && position !== 0) {
        position = Math.floor(position / 2);
        last = Math.floor(last / 2);
      }
    } else {
      hash = nodeHash(hash, sibling);
    }
    position = Math.floor(position / 2);
    last = Math.floor(last / 2);
  }
  return last === 0 ? hash : undefined;
}
