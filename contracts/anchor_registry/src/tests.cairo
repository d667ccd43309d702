use core::poseidon::poseidon_hash_span;
use starknet::ContractAddress;
use starknet::syscalls::deploy_syscall;
use starknet::testing::set_contract_address;
use crate::merkle::{hash_pair, root_from_proof};
use crate::registry::{AnchorRegistry, IAnchorRegistryDispatcher, IAnchorRegistryDispatcherTrait};
use crate::vectors::{merkle_vectors, poseidon_vectors};

fn owner() -> ContractAddress {
    'owner'.try_into().unwrap()
}

fn stranger() -> ContractAddress {
    'stranger'.try_into().unwrap()
}

/// Deploys a registry owned by `owner()`; later calls come from `owner()` unless changed.
fn deploy() -> IAnchorRegistryDispatcher {
    set_contract_address(owner());
    let (address, _) = deploy_syscall(
        AnchorRegistry::TEST_CLASS_HASH.try_into().unwrap(), 0, array![owner().into()].span(), false,
    )
        .unwrap();
    IAnchorRegistryDispatcher { contract_address: address }
}

#[test]
fn anchors_batches_with_ids_from_zero() {
    let registry = deploy();
    assert_eq!(registry.anchor(0x111, 3), 0);
    assert_eq!(registry.anchor(0x222, 1), 1);
    assert_eq!(registry.batch_count(), 2);
    assert_eq!(registry.root_of(1), 0x222);
    assert_eq!(registry.batch_of(0x111), Option::Some(0));
    assert_eq!(registry.batch_of(0x333), Option::None);
}

#[test]
#[should_panic(expected: ('root already anchored', 'ENTRYPOINT_FAILED'))]
fn rejects_a_root_anchored_before() {
    let registry = deploy();
    registry.anchor(0x111, 3);
    registry.anchor(0x111, 3);
}

#[test]
#[should_panic(expected: ('caller is not the owner', 'ENTRYPOINT_FAILED'))]
fn only_the_owner_anchors() {
    let registry = deploy();
    set_contract_address(stranger());
    registry.anchor(0x111, 1);
}

#[test]
#[should_panic(expected: ('batch is empty', 'ENTRYPOINT_FAILED'))]
fn rejects_an_empty_batch() {
    deploy().anchor(0x111, 0);
}

#[test]
fn transfers_ownership() {
    let registry = deploy();
    registry.transfer_ownership(stranger());
    assert_eq!(registry.owner(), stranger());
    set_contract_address(stranger());
    assert_eq!(registry.anchor(0x111, 1), 0);
}

#[test]
#[should_panic(expected: ('caller is not the owner', 'ENTRYPOINT_FAILED'))]
fn a_former_owner_cannot_anchor() {
    let registry = deploy();
    registry.transfer_ownership(stranger());
    registry.anchor(0x111, 1);
}

#[test]
fn poseidon_agrees_with_the_typescript_vectors() {
    for vector in poseidon_vectors() {
        let (input, output) = vector;
        assert_eq!(poseidon_hash_span(input.span()), output);
    }
}

#[test]
fn verify_accepts_every_proof_of_the_shared_vectors() {
    let registry = deploy();
    let mut batch_id = 0;
    for vector in merkle_vectors() {
        registry.anchor(vector.root, vector.leaves.len());
        let mut index = 0;
        while index < vector.leaves.len() {
            let leaf = *vector.leaves.at(index);
            let proof = *vector.proofs.at(index);
            assert_eq!(root_from_proof(leaf, proof), vector.root);
            assert!(registry.verify(batch_id, leaf, proof));
            index += 1;
        }
        batch_id += 1;
    }
}

#[test]
fn verify_rejects_a_tampered_leaf_proof_or_batch() {
    let registry = deploy();
    let vectors = merkle_vectors();
    let tree = vectors.at(4); // 8 leaves
    registry.anchor(*tree.root, tree.leaves.len());
    let leaf = *tree.leaves.at(2);
    let proof = *tree.proofs.at(2);
    assert!(!registry.verify(0, leaf + 1, proof));
    let mut tampered = array![*proof.at(0) + 1];
    let mut index = 1;
    while index < proof.len() {
        tampered.append(*proof.at(index));
        index += 1;
    }
    assert!(!registry.verify(0, leaf, tampered.span()));
    assert!(!registry.verify(1, leaf, proof));
}

#[test]
fn hash_pair_is_commutative() {
    assert_eq!(hash_pair(1, 2), hash_pair(2, 1));
    assert_eq!(hash_pair(1, 2), poseidon_hash_span(array![1, 2].span()));
}
