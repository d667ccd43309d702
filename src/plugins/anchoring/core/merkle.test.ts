import { createHash } from 'node:crypto';
import { hash, shortString } from 'starknet';
import { sampleStoredStatement } from '../../../../test-support/statements';
import type { StoredStatement } from '../../../xapi/types';
import { digestBytes, digestHalves, statementDigest } from './digest';
import { AnchoringError } from './errors';
import { feltToHex } from './felt';
import {
  LEAF_DOMAIN_TAG,
  MerkleTree,
  expectedProofLength,
  leafOfDigest,
  nodeHash,
  verifyProof,
  type FeltHex,
} from './merkle';

/** An independent implementation with starknet.js only, level by level, for comparison. */
function referenceRoot(digests: Buffer[]): FeltHex {
  const poseidon = (elements: bigint[]) => BigInt(hash.computePoseidonHashOnElements(elements));
  let level = digests.map((digest) => {
    const { high, low } = digestHalves(digest.toString('hex'));
    return poseidon([BigInt(shortString.encodeShortString('keiko.xapi.leaf.v1')), high, low]);
  });
  while (level.length > 1) {
    const next: bigint[] = [];
    for (let i = 0; i < level.length; i += 2) {
      if (i + 1 === level.length) next.push(level[i]);
      else next.push(poseidon(level[i] < level[i + 1] ? [level[i], level[i + 1]] : [level[i + 1], level[i]]));
    }
    level = next;
  }
  return feltToHex(level[0]);
}

function fixedDigests(count: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => createHash('sha256').update(`digest ${i}`).digest());
}


function expectEveryProofVerifies(tree: MerkleTree): void {
  for (let index = 0; index < tree.size; index++) {
    const proof = tree.proof(index);
    expect(proof).toHaveLength(expectedProofLength(index, tree.size));
    expect(verifyProof(tree.leaf(index), proof, tree.root)).toBe(true);
  }
}

/** Flips one hex digit of a felt, keeping it a canonical felt below the prime. */
function tamper(felt: FeltHex): FeltHex {
  const last = felt[felt.length - 1];
  return felt.slice(0, -1) + (last === '0' ? '1' : '0');
}

describe('leaf and node hashes', () => {
  it('tags leaves with the short string keiko.xapi.leaf.v1', () => {
    expect(feltToHex(LEAF_DOMAIN_TAG)).toBe('0x6b65696b6f2e786170692e6c6561662e7631');
  });

  it('hashes a leaf as poseidon_hash_span([tag, high, low])', () => {
    const digest = fixedDigests(1)[0].toString('hex');
    const { high, low } = digestHalves(digest);
    expect(leafOfDigest(digest)).toBe(feltToHex(BigInt(hash.computePoseidonHashOnElements([LEAF_DOMAIN_TAG, high, low]))));
  });

  it('hashes a node as OpenZeppelin PoseidonCHasher: poseidon_hash_span of the sorted pair', () => {
    const [a, b] = [5n, 0x7a3b2cn];
    const sorted = BigInt(hash.computePoseidonHashOnElements([a, b]));
    expect(nodeHash(a, b)).toBe(sorted);
    expect(nodeHash(b, a)).toBe(sorted);
    // not the two-input `poseidon_hash` (hades of [a, b, 2]): that is another function
    expect(sorted).not.toBe(BigInt(hash.computePoseidonHash(a, b)));
  });
});

describe('MerkleTree', () => {
  it.each([1, 2, 3, 4, 5, 7, 8, 9, 33, 100])('builds the root of %i leaves as the reference does, and every proof verifies', (size) => {
    const digests = fixedDigests(size);
    const tree = MerkleTree.fromDigests(digests);
    expect(tree.size).toBe(size);
    expect(tree.root).toBe(referenceRoot(digests));
    expectEveryProofVerifies(tree);
  });

  it('makes a one-leaf tree whose root is the leaf, with an empty proof', () => {
    const tree = MerkleTree.fromDigests(fixedDigests(1));
    expect(tree.root).toBe(tree.leaf(0));
    expect(tree.proof(0)).toEqual([]);
  });

  it('carries an odd node up unchanged', () => {
    const tree = MerkleTree.fromDigests(fixedDigests(3));
    const [a, b, c] = [0, 1, 2].map((i) => BigInt(tree.leaf(i)));
    expect(tree.root).toBe(feltToHex(nodeHash(nodeHash(a, b), c)));
    expect(tree.proof(2)).toEqual([feltToHex(nodeHash(a, b))]);
  });

  it('builds the same tree from the leaves', () => {
    const tree = MerkleTree.fromDigests(fixedDigests(6));
    const leaves = Array.from({ length: 6 }, (_, i) => tree.leaf(i));
    expect(MerkleTree.fromLeaves(leaves).root).toBe(tree.root);
  });

  it('verifies every proof of large trees with odd levels', () => {
    for (const size of [1025, 2049, 3001]) expectEveryProofVerifies(MerkleTree.fromDigests(fixedDigests(size)));
  });

  it('refuses an empty tree and indexes outside the tree', () => {
    expect(() => MerkleTree.fromDigests([])).toThrow(AnchoringError);
    const tree = MerkleTree.fromDigests(fixedDigests(3));
    for (const index of [-1, 3, 1.5]) expect(() => tree.proof(index)).toThrow(AnchoringError);
  });

  it('refuses digests that are not 32 bytes and leaves that are not felts', () => {
    expect(() => MerkleTree.fromDigests([Buffer.alloc(31)])).toThrow(AnchoringError);
    expect(() => MerkleTree.fromLeaves(['0x0800000000000011000000000000000000000000000000000000000000000001'])).toThrow(
      AnchoringError,
    );
  });
});

describe('tampering', () => {
  const statements = Array.from({ length: 11 }, sampleStoredStatement);
  const tree = MerkleTree.fromDigests(statements.map((statement) => digestBytes(statement)));

  it('with any byte of a statement gives a leaf whose proof fails', () => {
    const index = 6;
    const text = JSON.stringify(statements[index]);
    for (let position = 0; position < text.length; position += 37) {
      const changed = text.slice(0, position) + (text[position] === 'a' ? 'b' : 'a') + text.slice(position + 1);
      let statement: StoredStatement;
      try {
        statement = JSON.parse(changed) as StoredStatement;
      } catch {
        continue; // the change broke the JSON itself
      }
      const leaf = leafOfDigest(statementDigest(statement).hex);
      expect(verifyProof(leaf, tree.proof(index), tree.root)).toBe(false);
    }
  });

  it('with any proof step, the root, or the proof length fails', () => {
    for (let index = 0; index < tree.size; index++) {
      const [leaf, proof, root] = [tree.leaf(index), tree.proof(index), tree.root];
      proof.forEach((_, step) => {
        const changed = proof.map((sibling, i) => (i === step ? tamper(sibling) : sibling));
        expect(verifyProof(leaf, changed, root)).toBe(false);
      });
      expect(verifyProof(leaf, proof, tamper(root))).toBe(false);
      expect(verifyProof(tamper(leaf), proof, root)).toBe(false);
      expect(verifyProof(leaf, proof.slice(0, -1), root)).toBe(false);
      expect(verifyProof(leaf, [...proof, proof[0]], root)).toBe(false);
    }
  });

  it('with a felt written in another form is refused, not verified', () => {
    const [leaf, proof, root] = [tree.leaf(0), tree.proof(0), tree.root];
    expect(() => verifyProof(leaf, proof, root.toUpperCase().replace('0X', '0x'))).toThrow(AnchoringError);
    expect(() => verifyProof(leaf, [`0x0${proof[0].slice(2)}`], root)).toThrow(AnchoringError);
  });
});
