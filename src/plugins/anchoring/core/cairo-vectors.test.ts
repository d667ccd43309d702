import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * contracts/anchor_registry/src/vectors.cairo is generated from the shared vectors
 * (contracts/test-vectors/merkle.json), because Cairo tests cannot read JSON. This test fails
 * when the two differ; regenerate with
 *
 *   UPDATE_VECTORS=1 npx jest src/anchoring/core/cairo-vectors.test.ts
 */
const ROOT = path.resolve(__dirname, '../../../..');
const VECTORS = path.join(ROOT, 'contracts/test-vectors/merkle.json');
const CAIRO = path.join(ROOT, 'contracts/anchor_registry/src/vectors.cairo');

interface Vectors {
  poseidonHashSpan: { input: string[]; output: string }[];
  trees: { size: number; leaves: string[]; root: string; proofs: string[][] }[];
}

function felts(values: string[]): string {
  return `array![${values.join(', ')}]`;
}

function cairoVectors(vectors: Vectors): string {
  const hashes = vectors.poseidonHashSpan.map((v) => `        (${felts(v.input)}, ${v.output}),`);
  const trees = vectors.trees.map((tree) => {
    const proofs = tree.proofs.map((proof) => `${felts(proof)}.span()`).join(', ');
    return `        MerkleVector { root: ${tree.root}, leaves: ${felts(tree.leaves)}, proofs: array![${proofs}] },`;
  });
  return [
    '// Generated from contracts/test-vectors/merkle.json by src/anchoring/core/cairo-vectors.test.ts. Do not edit.',
    '',
    '#[derive(Drop)]',
    'pub struct MerkleVector {',
    '    pub root: felt252,',
    '    pub leaves: Array<felt252>,',
    '    pub proofs: Array<Span<felt252>>,',
    '}',
    '',
    '/// (input, poseidon_hash_span(input)) pairs.',
    'pub fn poseidon_vectors() -> Array<(Array<felt252>, felt252)> {',
    '    array![',
    ...hashes,
    '    ]',
    '}',
    '',
    '/// Trees of 1, 2, 3, 5, 8 and 33 leaves with every proof.',
    'pub fn merkle_vectors() -> Array<MerkleVector> {',
    '    array![',
    ...trees,
    '    ]',
    '}',
    '',
  ].join('\n');
}

it('contracts/anchor_registry/src/vectors.cairo matches the shared vectors', () => {
  const expected = cairoVectors(JSON.parse(readFileSync(VECTORS, 'utf8')) as Vectors);
  if (process.env.UPDATE_VECTORS === '1') writeFileSync(CAIRO, expected);
  expect(readFileSync(CAIRO, 'utf8')).toBe(expected);
});
