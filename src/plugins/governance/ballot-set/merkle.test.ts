import { createHash } from 'node:crypto';
import { leafHash, MerkleTree, rootFromAuditPath } from './merkle';

/**
 * The tree against RFC 6962 §2.1 written out as its recursive definition (MTH and PATH), here
 * independently of merkle.ts's level-by-level construction, and against the RFC 6962 test vectors
 * of Certificate Transparency's reference implementation.
 */
const sha256 = (...parts: Uint8Array[]) => parts.reduce((hash, part) => hash.update(part), createHash('sha256')).digest();
const largestPowerOfTwoBelow = (n: number) => 2 ** Math.floor(Math.log2(n - 1));

/** MTH(D[n]) of RFC 6962 §2.1. */
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return sha256(Buffer.from([0]), leaves[0]);
  const k = largestPowerOfTwoBelow(leaves.length);
  return sha256(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

/** PATH(m, D[n]) of RFC 6962 §2.1.1. */
function referencePath(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length === 1) return [];
  const k = largestPowerOfTwoBelow(leaves.length);
  return m < k ? [...referencePath(m, leaves.slice(0, k)), mth(leaves.slice(k))] : [...referencePath(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`leaf ${i}`));
const hex = (hashes: Buffer[]) => hashes.map((hash) => hash.toString('hex'));

describe('the decision tree (RFC 6962 §2.1 shape)', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9])('has the root of the recursive definition for %i leaves (leaf 0x00, node 0x01, no duplicated last node)', (n) => {
    const leaves = leavesOf(n);
    expect(new MerkleTree(leaves).root.toString('hex')).toBe(mth(leaves).toString('hex'));
  });

  it('gives the roots of the RFC 6962 test vectors (certificate-transparency reference data)', () => {
    const inputs = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((bytes) => Buffer.from(bytes, 'hex'));
    const roots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    expect(roots.map((_, i) => new MerkleTree(inputs.slice(0, i + 1)).root.toString('hex'))).toEqual(roots);
  });

  it('gives every leaf of trees of 1 to 33 leaves the audit path of RFC 6962 §2.1.1, which leads back to the root', () => {
    for (let n = 1; n <= 33; n++) {
      const leaves = leavesOf(n);
      const tree = new MerkleTree(leaves);
      for (let m = 0; m < n; m++) {
        expect(hex(tree.auditPath(m))).toEqual(hex(referencePath(m, leaves)));
        expect(rootFromAuditPath(leafHash(leaves[m]), m, n, tree.auditPath(m))?.toString('hex')).toBe(tree.root.toString('hex'));
      }
    }
  });

  // A size with the same path shape (4 of 9 and 4 of 10 both climb 5, 6-7, 0-3, then one right hash)
  // gives the same root: RFC 6962 paths authenticate the size only through their shape.
  it('refuses a tampered proof: wrong index, a size of another path shape, wrong sibling, wrong leaf, a sibling missing or added', () => {
    const leaves = leavesOf(9);
    const tree = new MerkleTree(leaves);
    const root = tree.root.toString('hex');
    const path = tree.auditPath(4);
    const rootOf = (leaf: Buffer, index: number, size: number, audit: Buffer[]) => rootFromAuditPath(leafHash(leaf), index, size, audit)?.toString('hex');
    expect(rootOf(leaves[4], 4, 9, path)).toBe(root);
    expect(rootOf(leaves[4], 5, 9, path)).not.toBe(root);
    expect(rootOf(leaves[4], 3, 9, path)).not.toBe(root);
    expect(rootOf(leaves[4], 4, 8, path)).toBeUndefined();
    expect(rootOf(leaves[4], 4, 17, path)).toBeUndefined();
    expect(rootOf(leaves[8], 8, 10, tree.auditPath(8))).toBeUndefined();
    expect(rootOf(leaves[4], 4, 9, [path[0], leafHash(leaves[0]), ...path.slice(2)])).not.toBe(root);
    expect(rootOf(leaves[5], 4, 9, path)).not.toBe(root);
    expect(rootOf(leaves[4], 4, 9, path.slice(1))).not.toBe(root);
    expect(rootOf(leaves[4], 4, 9, [...path, path[0]])).toBeUndefined();
    expect(rootOf(leaves[4], 9, 9, path)).toBeUndefined();
    expect(rootOf(leaves[4], -1, 9, path)).toBeUndefined();
  });

  it('proves leaves of a tree of 100,000 with paths of at most 17 hashes', () => {
    const leaves = leavesOf(100_000);
    const tree = new MerkleTree(leaves);
    /** The depth of leaf m in RFC 6962's tree of n leaves: the length of its audit path. */
    const depth = (m: number, n: number): number => (n === 1 ? 0 : 1 + (m < largestPowerOfTwoBelow(n) ? depth(m, largestPowerOfTwoBelow(n)) : depth(m - largestPowerOfTwoBelow(n), n - largestPowerOfTwoBelow(n))));
    for (const m of [0, 1, 65_535, 65_536, 99_998, 99_999]) {
      const path = tree.auditPath(m);
      expect(path).toHaveLength(depth(m, 100_000));
      expect(path.length).toBeLessThanOrEqual(17);
      expect(rootFromAuditPath(leafHash(leaves[m]), m, 100_000, path)?.equals(tree.root)).toBe(true);
      expect(rootFromAuditPath(leafHash(leaves[m]), m, 131_073, path)).toBeUndefined();
    }
  });

  it('has no tree of no leaves and no path for a leaf outside the tree', () => {
    expect(() => new MerkleTree([])).toThrow(RangeError);
    expect(() => new MerkleTree(leavesOf(3)).auditPath(3)).toThrow(RangeError);
  });
});
