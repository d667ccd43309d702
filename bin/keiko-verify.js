#!/usr/bin/env node
'use strict';
/**
 * keiko-verify: checks a Keiko LRS anchoring receipt (XapiStarknetAnchorReceipt/v1) without
 * the LRS — from the receipt, optionally the statement, and (with --rpc) a Starknet node.
 *
 *   keiko-verify receipt.json [statement.json] [--rpc URL]
 *
 * Offline checks: format, digest (when the statement is given: SHA-256 of its RFC 8785
 * canonical JSON), leaf, proof (leaf + proof → root) and signature (the issuer's SNIP-12
 * signature against the public key in the receipt). Then the root on chain, with --rpc.
 * Prints each check PASS / FAIL / SKIPPED; exits 0 when none failed, 1 when one did, 2 when
 * the files cannot be read. Needs `npm run build` (it uses dist/).
 */
const fs = require('node:fs');

const { verifyReceiptOffline } = require('../dist/plugins/anchoring/core/receipt');
const { onChainRootChecker } = require('../dist/plugins/anchoring/chain/root-checker');

const USAGE = 'usage: keiko-verify receipt.json [statement.json] [--rpc URL]';
const EXIT = { verified: 0, failed: 1, usage: 2 };

function parseArguments(argv) {
  const files = [];
  let rpcUrl;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rpc') rpcUrl = argv[++i];
    else if (argv[i] === '--help' || argv[i] === '-h') return undefined;
    else files.push(argv[i]);
  }
  if (files.length < 1 || files.length > 2 || (argv.includes('--rpc') && !rpcUrl)) return undefined;
  return { receiptFile: files[0], statementFile: files[1], rpcUrl };
}

function readJson(file, what) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the ${what} ${file}: ${error.message}`);
  }
}

function summary(receipt) {
  const { anchor } = receipt;
  return [
    `Receipt ${receipt.type} for statement ${receipt.statementId}`,
    `  batch ${receipt.batchId}, leaf ${receipt.leafIndex} of ${receipt.treeSize}, root ${receipt.root}`,
    `  chain ${anchor.chainId}, contract ${anchor.contractAddress}`,
    `  transaction ${anchor.transactionHash}, block ${anchor.blockNumber} (${anchor.finalityStatus})`,
    `  issued by ${receipt.issuer.lrs}, account ${receipt.issuer.accountAddress}`,
  ];
}

function printCheck(name, status, detail) {
  console.log(`${`${name}:`.padEnd(15)} ${status.toUpperCase().padEnd(7)} ${detail}`);
}

async function checkRoot(receipt, rpcUrl) {
  if (!rpcUrl) return { status: 'not checked', detail: '(no --rpc)' };
  const { ok, detail } = await onChainRootChecker(rpcUrl)(receipt);
  return { status: ok ? 'pass' : 'fail', detail };
}

async function main(argv) {
  const options = parseArguments(argv);
  if (!options) {
    console.error(USAGE);
    return EXIT.usage;
  }
  let receipt;
  let statement;
  try {
    receipt = readJson(options.receiptFile, 'receipt');
    statement = options.statementFile ? readJson(options.statementFile, 'statement') : undefined;
  } catch (error) {
    console.error(error.message);
    return EXIT.usage;
  }
  const checks = verifyReceiptOffline(receipt, statement);
  if (checks[0].status === 'pass') summary(receipt).forEach((line) => console.log(line));
  checks.forEach(({ name, status, detail }) => printCheck(name, status, detail));
  const offlineFailed = checks.some((check) => check.status === 'fail');
  const root = offlineFailed ? { status: 'not checked', detail: '(an offline check failed)' } : await checkRoot(receipt, options.rpcUrl);
  if (root.status === 'not checked') console.log(`root on chain: not checked ${root.detail}`);
  else printCheck('root on chain', root.status, root.detail);
  if (offlineFailed || root.status === 'fail') {
    console.log('NOT VERIFIED');
    return EXIT.failed;
  }
  console.log(root.status === 'pass' ? 'VERIFIED' : 'VERIFIED offline (the root on chain was not checked)');
  return EXIT.verified;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    process.exitCode = EXIT.usage;
  },
);
