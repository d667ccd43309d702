import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hash } from 'starknet';
import { FIXED_STORED_STATEMENT } from '../../../../test-support/statements';
import type { StoredStatement } from '../../../xapi/types';
import { canonicalize } from './canonical-json';
import { digestHalves, statementDigest } from './digest';
import { FIELD_PRIME, feltToHex } from './felt';
import { LEAF_DOMAIN_TAG, LEAF_DOMAIN_TAG_TEXT, MerkleTree, leafOfDigest, verifyProof } from './merkle';

/**
 * The shared test vectors of contracts/test-vectors/merkle.json: the Cairo tests of the
 * AnchorRegistry contract check its `verify` against the same file, so that the TypeScript
 * and Cairo sides agree byte for byte. This test fails when the code no longer regenerates the
 * file exactly; after an intended change, regenerate it with
 *
 *   UPDATE_VECTORS=1 npx jest src/anchoring/core/merkle-vectors.test.ts
 */
const VECTORS_FILE = path.resolve(__dirname, '../../../../contracts/test-vectors/merkle.json');
const TREE_SIZES = [1, 2, 3, 5, 8, 33];

/** Leaf digest i of every tree: SHA-256 of the UTF-8 text `leaf <i>`. */
function leafDigest(index: number): Buffer {
  return createHash('sha256').update(`leaf ${index}`, 'utf8').digest();
}

const STATEMENTS: Record<string, StoredStatement> = {
  minimal: FIXED_STORED_STATEMENT,
  rich: {
    id: 'b9d6c8a4-5f0e-4c1b-9a7d-2e3f4a5b6c7d',
    actor: { objectType: 'Agent', name: 'José Ñúñez 😀', account: { homePage: 'https://sso.example.org', name: 'jn-7' } },
    verb: { id: 'http://adlnet.gov/expapi/verbs/answered', display: { 'es-ES': 'respondió', 'en-US': 'answered' } },
    object: {
      objectType: 'Activity',
      id: 'http://example.org/quiz/1/q/3',
      definition: {
        interactionType: 'choice',
        correctResponsesPattern: ['b'],
        choices: [
          { id: 'b', description: { 'en-US': 'B' } },
          { id: 'a', description: { 'en-US': 'A "quoted" \\ back\nslash' } },
        ],
        extensions: { 'http://example.org/ext/weights.v2': [[0.1, 1e21], [1e-7, -0]], 'http://example.org/x': { $gt: 1 } },
      },
    },
    result: { score: { scaled: 0.85, raw: 85, min: 0, max: 100 }, success: true, response: 'b', duration: 'PT1M2.5S' },
    context: { registration: '0b9a3e42-93f4-4a8e-b2b8-7d6c3b1a0f9e', language: 'es-ES', extensions: { '\u20ac': 1, '\r': 2, '1': 3 } },
    timestamp: '2024-05-01T09:59:58.500+02:00',
    stored: '2024-05-01T08:00:00.001Z',
    authority: { objectType: 'Agent', name: 'Quiz app', mbox: 'mailto:quiz@example.org' },
    version: '1.0.3',
    attachments: [
      {
        usageType: 'http://adlnet.gov/expapi/attachments/signature',
        display: { 'en-US': 'Signature' },
        contentType: 'application/octet-stream',
        length: 4235,
        sha2: '672fa5fa658017f1b72d65036f13379c6ab05d4ab3b6664908d8acf0b6a0c634',
      },
    ],
  },
};

function poseidonVector(input: bigint[]) {
  return { input: input.map(feltToHex), output: feltToHex(BigInt(hash.computePoseidonHashOnElements(input))) };
}

function digestVector(name: string, statement: StoredStatement) {
  const hex = statementDigest(statement).hex;
  const { high, low } = digestHalves(hex);
  return {
    name,
    statement,
    canonicalJson: canonicalize(statement),
    sha256: hex,
    high: feltToHex(high),
    low: feltToHex(low),
    leaf: leafOfDigest(hex),
  };
}

function treeVector(size: number) {
  const digests = Array.from({ length: size }, (_, i) => leafDigest(i));
  const tree = MerkleTree.fromDigests(digests);
  const indexes = Array.from({ length: size }, (_, i) => i);
  return {
    size,
    digests: digests.map((digest) => digest.toString('hex')),
    leaves: indexes.map((i) => tree.leaf(i)),
    root: tree.root,
    proofs: indexes.map((i) => tree.proof(i)),
  };
}

function generateVectors() {
  return {
    format: 'keiko-anchoring-merkle-vectors/v1',
    description:
      'Statement digests, leaves, Merkle roots and proofs of Keiko LRS anchoring (docs/anchoring.md). Felts are ' +
      'lower-case 0x hex without leading zeros; digests are SHA-256 hex; proofs list sibling hashes bottom-up.',
    regenerate: 'UPDATE_VECTORS=1 npx jest src/anchoring/core/merkle-vectors.test.ts',
    hashing: {
      poseidon: 'core::poseidon::poseidon_hash_span (starknet.js hash.computePoseidonHashOnElements)',
      leaf: 'poseidon_hash_span([leafDomainTag, high, low]); high, low = first and last 16 bytes of the digest',
      node: 'poseidon_hash_span([min(a, b), max(a, b)]), felts compared as integers (OpenZeppelin PoseidonCHasher)',
      oddNode: 'carried up to the next level unchanged',
      leafDomainTagText: LEAF_DOMAIN_TAG_TEXT,
      leafDomainTag: feltToHex(LEAF_DOMAIN_TAG),
      treeLeafDigests: 'digest i = SHA-256 of the UTF-8 text "leaf <i>"',
    },
    poseidonHashSpan: [
      poseidonVector([1n, 2n, 3n]),
      poseidonVector([1n, 2n]),
      poseidonVector([FIELD_PRIME - 1n, 2n ** 128n - 1n]),
      poseidonVector([LEAF_DOMAIN_TAG, 0n, 0n]),
    ],
    digests: Object.entries(STATEMENTS).map(([name, statement]) => digestVector(name, statement)),
    trees: TREE_SIZES.map(treeVector),
  };
}

describe('contracts/test-vectors/merkle.json', () => {
  const text = `${JSON.stringify(generateVectors(), null, 2)}\n`;
  if (process.env.UPDATE_VECTORS === '1') writeFileSync(VECTORS_FILE, text);

  it('is exactly what the code generates (UPDATE_VECTORS=1 regenerates it)', () => {
    expect(readFileSync(VECTORS_FILE, 'utf8')).toBe(text);
  });

  it('holds proofs that verify, leaves of the documented digests, and digests of the canonical JSON', () => {
    const vectors = JSON.parse(text) as ReturnType<typeof generateVectors>;
    for (const tree of vectors.trees) {
      tree.digests.forEach((digest, i) => {
        expect(digest).toBe(leafDigest(i).toString('hex'));
        expect(tree.leaves[i]).toBe(leafOfDigest(digest));
        expect(verifyProof(tree.leaves[i], tree.proofs[i], tree.root)).toBe(true);
      });
    }
    for (const vector of vectors.digests) {
      expect(createHash('sha256').update(vector.canonicalJson, 'utf8').digest('hex')).toBe(vector.sha256);
    }
  });
});
