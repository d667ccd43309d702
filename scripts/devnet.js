#!/usr/bin/env node
'use strict';
/**
 * `npm run devnet`: a local Starknet (starknet-devnet 0.8.1, fixed seed) with the AnchorRegistry
 * contract deployed from its committed artifacts, and the settings to put in .env so the LRS
 * anchors there. Runs until Ctrl-C. Install devnet once with scripts/install-starknet-tools.sh.
 */
const { devnetBinary, startDevnet, deployRegistry } = require('../dist/plugins/anchoring/chain/devnet');

async function main() {
  const binary = devnetBinary(process.env.KEIKO_TOOLS_DIR || undefined);
  if (!binary) {
    console.error('starknet-devnet 0.8.1 is not installed: run scripts/install-starknet-tools.sh (a long build, once).');
    process.exit(1);
  }
  const port = Number(process.env.DEVNET_PORT || 5050);
  const devnet = await startDevnet({ binary, port, seed: 42 });
  const [owner] = devnet.accounts;
  const registry = await deployOrStop(devnet, owner);
  console.log(`starknet-devnet at ${devnet.rpcUrl}; AnchorRegistry (class ${registry.classHash}) deployed.`);
  console.log('Put these in your environment (or .env) and start the LRS:\n');
  console.log(`STARKNET_RPC_URL=${devnet.rpcUrl}`);
  console.log(`STARKNET_ACCOUNT_ADDRESS=${owner.address}`);
  console.log(`STARKNET_PRIVATE_KEY=${owner.privateKey}`);
  console.log(`STARKNET_CONTRACT_ADDRESS=${registry.address}`);
  console.log("ANCHOR_CRON='*/1 * * * *'\n");
  const stop = () => devnet.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Deploys AnchorRegistry; if that fails, stops devnet first, so the failure leaves nothing running. */
async function deployOrStop(devnet, owner) {
  try {
    return await deployRegistry(devnet.rpcUrl, owner);
  } catch (error) {
    await devnet.stop();
    throw error;
  }
}

main().catch((error) => {
  console.error('devnet failed:', error);
  process.exit(1);
});
