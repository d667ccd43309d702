import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Account, RpcProvider } from 'starknet';

/**
 * A local starknet-devnet 0.8.1 for development and the end-to-end tests, and the deployment of
 * the AnchorRegistry contract from its committed artifacts (contracts/anchor_registry/target).
 */
export const DEVNET_VERSION = '0.8.1';
export const REGISTRY_ARTIFACTS = path.resolve(__dirname, '../../../../contracts/anchor_registry/target');

export interface DevnetAccount {
  address: string;
  privateKey: string;
  publicKey: string;
}

export interface Devnet {
  rpcUrl: string;
  accounts: DevnetAccount[];
  stop(): Promise<void>;
}

/** Where scripts/install-starknet-tools.sh puts devnet, else whatever `starknet-devnet` is on PATH. */
export function devnetBinary(toolsDir = path.join(os.homedir(), '.cache/keiko-lrs')): string | undefined {
  const installed = path.join(toolsDir, 'starknet', `devnet-${DEVNET_VERSION}`, 'bin', 'starknet-devnet');
  if (existsSync(installed)) return installed;
  const onPath = (process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, 'starknet-devnet'));
  return onPath.find((candidate) => existsSync(candidate));
}

/** With `dumpPath`, the chain's state is written there on exit and loaded from it on start. */
export async function startDevnet(options: { binary: string; port: number; seed?: number; dumpPath?: string }): Promise<Devnet> {
  const args = ['--host', '127.0.0.1', '--port', String(options.port), '--seed', String(options.seed ?? 42), '--accounts', '2'];
  if (options.dumpPath !== undefined) {
    args.push('--dump-on', 'exit', '--dump-path', options.dumpPath);
  }
  const child = spawn(options.binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const rpcUrl = `http://127.0.0.1:${options.port}/rpc`;
  try {
    await waitUntilAlive(`http://127.0.0.1:${options.port}/is_alive`, child);
    const accounts = await predeployedAccounts(rpcUrl);
    return { rpcUrl, accounts, stop: () => stopProcess(child) };
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
}

/** Declares and deploys AnchorRegistry owned by `owner`; returns its address and class hash. */
export async function deployRegistry(rpcUrl: string, owner: DevnetAccount): Promise<{ address: string; classHash: string }> {
  const provider = new RpcProvider({ nodeUrl: rpcUrl });
  const account = new Account({ provider, address: owner.address, signer: owner.privateKey });
  const read = (suffix: string) => JSON.parse(readFileSync(path.join(REGISTRY_ARTIFACTS, `anchor_registry_AnchorRegistry.${suffix}`), 'utf8'));
  // A devnet has no fee market to tip into; leaving the tip to starknet.js makes it estimate one
  // from blocks that hold too few transactions, and warn on the console.
  const result = await account.declareAndDeploy(
    { contract: read('contract_class.json'), casm: read('compiled_contract_class.json'), constructorCalldata: [owner.address] },
    { tip: 0 },
  );
  return { address: String(result.deploy.contract_address), classHash: String(result.declare.class_hash) };
}

async function predeployedAccounts(rpcUrl: string): Promise<DevnetAccount[]> {
  const response = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'devnet_getPredeployedAccounts', params: {} }),
  });
  const body = (await response.json()) as { result: { address: string; private_key: string; public_key: string }[] };
  return body.result.map((entry) => ({ address: entry.address, privateKey: entry.private_key, publicKey: entry.public_key }));
}

async function waitUntilAlive(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`starknet-devnet exited with code ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('starknet-devnet did not answer within 30 s');
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGINT'); // devnet dumps its state (--dump-on exit) on SIGINT
  });
}
