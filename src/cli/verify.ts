import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import { action, oneLine, type Outcome } from './program';

/**
 * `keiko verify receipt <receipt.json> [statement.json] [--rpc URL]` (also `keiko-verify`): checks
 * an anchoring receipt (XapiStarknetAnchorReceipt/v1) without the LRS, from the receipt,
 * optionally the statement, and (with --rpc) a Starknet node. docs/anchoring.md.
 */

interface ReceiptCheck {
  name: string;
  status: 'pass' | 'fail' | 'skipped';
  detail: string;
}

/** What `keiko verify receipt` (and `verify share`) use of the anchoring plugin. */
export interface ReceiptVerifier {
  verifyReceiptOffline(receipt: unknown, statement?: unknown): ReceiptCheck[];
  onChainRootChecker(rpcUrl: string): (receipt: never) => Promise<{ ok: boolean; detail: string }>;
}

/**
 * The anchoring plugin's verification code, required by path at run time like the plugins
 * themselves (src/platform/plugins/load.ts): the core never imports a plugin.
 */
export function anchoringVerifier(): ReceiptVerifier {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { BUILT_IN_PLUGINS_DIR } = require('../platform/plugins/load') as typeof import('../platform/plugins/load');
  const folder = path.join(BUILT_IN_PLUGINS_DIR, 'anchoring');
  return {
    ...(require(path.join(folder, 'core/receipt')) as Pick<ReceiptVerifier, 'verifyReceiptOffline'>),
    ...(require(path.join(folder, 'chain/root-checker')) as Pick<ReceiptVerifier, 'onChainRootChecker'>),
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

export function registerVerify(program: Command, outcome: Outcome): void {
  const verify = program.command('verify').description('check what the LRS issued, without the LRS');
  verify
    .command('receipt')
    .description(
      "check an anchoring receipt: its format, the statement's digest (when given), leaf, Merkle proof and the " +
        "issuer's signature offline; with --rpc, that the receipt's root is recorded on chain",
    )
    .argument('<receipt>', 'the receipt (JSON), as GET /plugins/anchoring/receipts/{id} returns it')
    .argument('[statement]', 'the statement (JSON), as GET /xapi/statements?statementId={id} returns it')
    .option('--rpc <url>', "a Starknet node's JSON-RPC URL, to check the root on chain")
    .addHelpText(
      'after',
      '\nExit codes: 0 verified; 1 not verified (a check failed); 2 a file is not JSON; 3 cannot confirm ' +
        '(the node did not answer; the offline checks passed); 4 a file cannot be read.',
    )
    .action(action(outcome, (receiptFile: string, statementFile: string | undefined, options: { rpc?: string }) =>
      verifyReceipt(receiptFile, statementFile, options.rpc),
    ));
  verify
    .command('share')
    .description(
      "check a passport share: the LRS's signatures (its did:web), revocation and expiry, as the share page does; " +
        "then each anchored item's receipt offline and, with --rpc, its root on chain",
    )
    .argument('<share>', 'the share URL (…/plugins/passport/s/<token>), or a file holding its JSON (the signed presentation)')
    .option('--rpc <url>', "a Starknet node's JSON-RPC URL, to check the items' roots on chain")
    .option('--json', 'print the result as one JSON object')
    .addHelpText(
      'after',
      '\nExit codes: 0 valid; 1 revoked, expired, not valid or not found; 2 bad input (not a share URL, not JSON); ' +
        '3 cannot confirm (the LRS or the Starknet node did not answer, or a signature could not be checked); 4 the share cannot be read.',
    )
    .action(action(outcome, async (share: string, options: { rpc?: string; json?: boolean }) => {
      const { verifyShare } = await import('./verify-share');
      return verifyShare(share, options);
    }));
}

async function verifyReceipt(receiptFile: string, statementFile: string | undefined, rpcUrl: string | undefined): Promise<ExitCode> {
  const receipt = readJson(receiptFile, 'receipt');
  const statement = statementFile === undefined ? undefined : readJson(statementFile, 'statement');
  const verifier = anchoringVerifier();
  const checks = verifier.verifyReceiptOffline(receipt, statement);
  if (checks[0]!.status === 'pass') summary(receipt as Receipt).forEach((line) => console.log(line));
  checks.forEach(({ name, status, detail }) => printCheck(name, status.toUpperCase(), detail));
  if (checks.some((check) => check.status === 'fail')) {
    console.log('root on chain: not checked (an offline check failed)');
    console.log('NOT VERIFIED');
    return EXIT.failed;
  }
  if (rpcUrl === undefined) {
    console.log('root on chain: not checked (no --rpc)');
    console.log('VERIFIED offline (the root on chain was not checked)');
    return EXIT.ok;
  }
  let root;
  try {
    root = await verifier.onChainRootChecker(rpcUrl)(receipt as never);
  } catch (error) {
    printCheck('root on chain', 'UNKNOWN', `the Starknet node at ${rpcUrl} did not answer: ${oneLine(error)}`);
    console.log('CANNOT CONFIRM: the offline checks passed; the root on chain could not be checked');
    return EXIT.cannotConfirm;
  }
  printCheck('root on chain', root.ok ? 'PASS' : 'FAIL', root.detail);
  console.log(root.ok ? 'VERIFIED' : 'NOT VERIFIED');
  return root.ok ? EXIT.ok : EXIT.failed;
}

export function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(EXIT.cannotRead, `cannot read the ${what} ${file}: ${oneLine(error)}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(EXIT.badInput, `the ${what} ${file} is not JSON: ${oneLine(error)}`);
  }
}

interface Receipt {
  type: string;
  statementId: string;
  batchId: string;
  leafIndex: number;
  treeSize: number;
  root: string;
  anchor: { chainId: string; contractAddress: string; transactionHash: string; blockNumber: number; finalityStatus: string };
  issuer: { lrs: string; accountAddress: string };
}

function summary(receipt: Receipt): string[] {
  const { anchor } = receipt;
  return [
    `Receipt ${receipt.type} for statement ${receipt.statementId}`,
    `  batch ${receipt.batchId}, leaf ${receipt.leafIndex} of ${receipt.treeSize}, root ${receipt.root}`,
    `  chain ${anchor.chainId}, contract ${anchor.contractAddress}`,
    `  transaction ${anchor.transactionHash}, block ${anchor.blockNumber} (${anchor.finalityStatus})`,
    `  issued by ${receipt.issuer.lrs}, account ${receipt.issuer.accountAddress}`,
  ];
}

function printCheck(name: string, status: string, detail: string): void {
  console.log(`${`${name}:`.padEnd(15)} ${status.padEnd(7)} ${detail}`);
}
