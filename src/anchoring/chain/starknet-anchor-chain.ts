// Temporary: the old wiring's import path, removed with it (issue 9: anchoring is a plugin now).
export * from '../../plugins/anchoring/chain/starknet-anchor-chain';
