use starknet::ContractAddress;

/// Merkle roots of batches of xAPI statements, anchored by the LRS that owns the contract.
#[starknet::interface]
pub trait IAnchorRegistry<TContractState> {
    /// Records a root for `count` statements; owner only; returns the batch id (0, 1, 2, ...).
    fn anchor(ref self: TContractState, root: felt252, count: u32) -> u64;
    fn root_of(self: @TContractState, batch_id: u64) -> felt252;
    fn batch_of(self: @TContractState, root: felt252) -> Option<u64>;
    fn batch_count(self: @TContractState) -> u64;
    /// Whether `leaf` with `proof` leads to the root of batch `batch_id`.
    fn verify(self: @TContractState, batch_id: u64, leaf: felt252, proof: Span<felt252>) -> bool;
    fn owner(self: @TContractState) -> ContractAddress;
    fn transfer_ownership(ref self: TContractState, new_owner: ContractAddress);
}

#[starknet::contract]
pub mod AnchorRegistry {
    use core::num::traits::Zero;
    use starknet::storage::{
        Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePointerReadAccess, StoragePointerWriteAccess,
    };
    use starknet::{ContractAddress, get_block_info, get_caller_address};
    use crate::merkle::root_from_proof;

    #[storage]
    struct Storage {
        owner: ContractAddress,
        batch_count: u64,
        roots: Map<u64, felt252>,
        /// batch id + 1, so that 0 means "not anchored".
        batch_plus_one_of_root: Map<felt252, u64>,
    }

    #[event]
    #[derive(Drop, starknet::Event)]
    pub enum Event {
        Anchored: Anchored,
        OwnershipTransferred: OwnershipTransferred,
    }

    #[derive(Drop, starknet::Event)]
    pub struct Anchored {
        #[key]
        pub batch_id: u64,
        #[key]
        pub root: felt252,
        pub count: u32,
        pub block_number: u64,
        pub timestamp: u64,
    }

    #[derive(Drop, starknet::Event)]
    pub struct OwnershipTransferred {
        pub previous_owner: ContractAddress,
        pub new_owner: ContractAddress,
    }

    #[constructor]
    fn constructor(ref self: ContractState, owner: ContractAddress) {
        assert(!owner.is_zero(), 'owner is the zero address');
        self.owner.write(owner);
    }

    #[abi(embed_v0)]
    impl AnchorRegistryImpl of super::IAnchorRegistry<ContractState> {
        fn anchor(ref self: ContractState, root: felt252, count: u32) -> u64 {
            self.assert_owner();
            assert(root != 0, 'root is zero');
            assert(count > 0, 'batch is empty');
            assert(self.batch_plus_one_of_root.read(root) == 0, 'root already anchored');
            let batch_id = self.batch_count.read();
            self.roots.write(batch_id, root);
            self.batch_plus_one_of_root.write(root, batch_id + 1);
            self.batch_count.write(batch_id + 1);
            let block = get_block_info().unbox();
            self
                .emit(
                    Anchored {
                        batch_id, root, count, block_number: block.block_number, timestamp: block.block_timestamp,
                    },
                );
            batch_id
        }

        fn root_of(self: @ContractState, batch_id: u64) -> felt252 {
            assert(batch_id < self.batch_count.read(), 'no such batch');
            self.roots.read(batch_id)
        }

        fn batch_of(self: @ContractState, root: felt252) -> Option<u64> {
            let plus_one = self.batch_plus_one_of_root.read(root);
            if plus_one == 0 {
                Option::None
            } else {
                Option::Some(plus_one - 1)
            }
        }

        fn batch_count(self: @ContractState) -> u64 {
            self.batch_count.read()
        }

        fn verify(self: @ContractState, batch_id: u64, leaf: felt252, proof: Span<felt252>) -> bool {
            if batch_id >= self.batch_count.read() {
                return false;
            }
            root_from_proof(leaf, proof) == self.roots.read(batch_id)
        }

        fn owner(self: @ContractState) -> ContractAddress {
            self.owner.read()
        }

        fn transfer_ownership(ref self: ContractState, new_owner: ContractAddress) {
            self.assert_owner();
            assert(!new_owner.is_zero(), 'owner is the zero address');
            let previous_owner = self.owner.read();
            self.owner.write(new_owner);
            self.emit(OwnershipTransferred { previous_owner, new_owner });
        }
    }

    #[generate_trait]
    impl InternalImpl of InternalTrait {
        fn assert_owner(self: @ContractState) {
            assert(get_caller_address() == self.owner.read(), 'caller is not the owner');
        }
    }
}
