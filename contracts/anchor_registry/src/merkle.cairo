use core::poseidon::poseidon_hash_span;

/// The inner node of a Keiko anchoring tree: Poseidon over the two children in ascending order
/// (the OpenZeppelin commutative convention), so proofs need no left/right flags. Must agree
/// with src/anchoring/core/merkle.ts; contracts/test-vectors/merkle.json holds shared vectors.
pub fn hash_pair(a: felt252, b: felt252) -> felt252 {
    let a_value: u256 = a.into();
    let b_value: u256 = b.into();
    if a_value < b_value {
        poseidon_hash_span(array![a, b].span())
    } else {
        poseidon_hash_span(array![b, a].span())
    }
}

/// The root a leaf and its proof (siblings from the bottom up) lead to.
pub fn root_from_proof(leaf: felt252, proof: Span<felt252>) -> felt252 {
    let mut node = leaf;
    for sibling in proof {
        node = hash_pair(node, *sibling);
    }
    node
}
