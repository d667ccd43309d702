import path from 'node:path';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import { oneLine } from './program';
import { anchoringVerifier, readJson, type ReceiptVerifier } from './verify';

/**
 * `keiko verify share <url|file> [--rpc URL] [--json]` (also `keiko-verify share`): checks a
 * passport share (docs/passport.md) with the same verifier the share page runs in the browser,
 * then the anchoring receipts of its items, offline and (with --rpc) on chain.
 */

/** How long the CLI waits for the LRS (the share, its DID document, its status list). */
const FETCH_TIMEOUT_MS = 15_000;
const SHARE_PATH = '/plugins/passport/s/';
/** Who a share puts in a statement for anyone but its owner (src/plugins/passport/shares/redaction.ts): such a statement is not the anchored one. */
const REDACTED = 'https://w3id.org/keiko/profiles/passport/redacted';

type Result = 'valid' | 'revoked' | 'expired' | 'cannot-confirm' | 'not-valid' | 'not-found';

const EXIT_OF: Record<Result, ExitCode> = {
  valid: EXIT.ok,
  revoked: EXIT.failed,
  expired: EXIT.failed,
  'not-valid': EXIT.failed,
  'not-found': EXIT.failed,
  'cannot-confirm': EXIT.cannotConfirm,
};

const HEADLINE: Record<Result, string> = {
  valid: 'VALID',
  revoked: 'REVOKED',
  expired: 'EXPIRED',
  'not-valid': 'NOT VALID',
  'not-found': 'NOT FOUND',
  'cannot-confirm': 'CANNOT CONFIRM',
};

/** What `keiko verify share` uses of the passport plugin's credentials (src/plugins/passport/credentials). */
interface ShareVerifier {
  verifyShare(presentation: unknown, options: { publicUrl: string; fetchJson(url: string): Promise<unknown> }): Promise<{
    result: 'valid' | 'revoked' | 'expired' | 'cannot-confirm';
    reasons: string[];
    items: unknown[];
    achievements: object[];
    expiresAt?: string;
  }>;
}

/** The passport plugin's verifier, required by path at run time (the core never imports a plugin). */
function shareVerifier(): ShareVerifier {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { BUILT_IN_PLUGINS_DIR } = require('../platform/plugins/load') as typeof import('../platform/plugins/load');
  return require(path.join(BUILT_IN_PLUGINS_DIR, 'passport', 'credentials')) as ShareVerifier;
  /* eslint-enable @typescript-eslint/no-require-imports */
}

/** What the command found, printed as text or (--json) as one JSON object. */
interface ShareReport {
  result: Result;
  reasons: string[];
  /** The LRS the share must come from. */
  lrs: string;
  expiresAt?: string;
  items?: number;
  achievements?: number;
  receipts?: ReceiptsReport;
}

interface ReceiptsReport {
  /** Items with a receipt. */
  anchored: number;
  /** Items whose statement the share changed (other people left out): their receipts are checked without the statement's digest. */
  redacted: number;
  /** Whether their roots were checked on chain: not without --rpc. */
  onChain: 'checked' | 'not checked' | 'unknown';
  /** Receipts that did not verify (offline, or their root on chain), or could not be checked on chain. */
  problems: Array<{ statementId: string; status: 'fail' | 'unknown'; detail: string }>;
}

export async function verifyShare(source: string, options: { rpc?: string; json?: boolean }): Promise<ExitCode> {
  const report = await shareReport(source, options.rpc);
  if (options.json) console.log(JSON.stringify(report, null, 2));
  else printReport(report);
  return EXIT_OF[report.result];
}

async function shareReport(source: string, rpcUrl: string | undefined): Promise<ShareReport> {
  const share = await readShare(source);
  if (share.gone !== undefined) return share.gone;
  const { presentation, lrs } = share;
  const verification = await shareVerifier().verifyShare(presentation, { publicUrl: lrs, fetchJson });
  const report: ShareReport = {
    result: verification.result,
    reasons: verification.reasons,
    lrs,
    ...(verification.expiresAt !== undefined && { expiresAt: verification.expiresAt }),
    items: verification.items.length,
    achievements: verification.achievements.length,
  };
  // The items of a share that is not valid are not vouched for: their receipts prove nothing.
  if (verification.result !== 'valid') return report;
  const receipts = await checkReceipts(verification.items as SharedItem[], rpcUrl);
  return { ...report, receipts, ...outcomeOfReceipts(receipts) };
}

/** A share read from a URL (its LRS is the URL's) or a file (its LRS is the one its proof names). */
type ReadShare = { presentation: unknown; lrs: string; gone?: undefined } | { gone: ShareReport };

async function readShare(source: string): Promise<ReadShare> {
  if (!/^https?:\/\//i.test(source)) {
    const presentation = readJson(source, 'share');
    return { presentation, lrs: domainOf(presentation, source) };
  }
  const lrs = lrsOfShareUrl(source);
  let response: Response;
  try {
    response = await fetch(source, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    throw new CliError(EXIT.cannotRead, `cannot read the share from ${lrs}: ${oneLine(error)}`);
  }
  if (response.status === 404 || response.status === 410) return { gone: await goneShare(response, lrs) };
  if (!response.ok) throw new CliError(EXIT.cannotRead, `cannot read the share from ${lrs}: it answered ${response.status}`);
  try {
    return { presentation: await response.json(), lrs };
  } catch (error) {
    throw new CliError(EXIT.badInput, `the share from ${lrs} is not JSON: ${oneLine(error)}`);
  }
}

/** The LRS's public URL: what comes before /plugins/passport/s/<token> (the token itself is never printed). */
function lrsOfShareUrl(url: string): string {
  const at = url.indexOf(SHARE_PATH);
  if (at < 0 || url.length === at + SHARE_PATH.length) throw new CliError(EXIT.badInput, `${url.split('?')[0]!.slice(0, 80)} is not a share URL (…${SHARE_PATH}<token>)`);
  return url.slice(0, at);
}

/** A share file names its LRS in its proof's `domain`: the verifier then checks the LRS's did:web holds the signing key. */
function domainOf(presentation: unknown, file: string): string {
  const domain = (presentation as { proof?: { domain?: unknown } } | null)?.proof?.domain;
  if (typeof domain !== 'string' || !/^https?:\/\/[^/]/i.test(domain)) {
    throw new CliError(EXIT.badInput, `the share ${file} is not a share (a presentation whose proof names the LRS as its domain)`);
  }
  return domain.replace(/\/+$/, '');
}

/** 404: no such share; 410: the LRS stopped serving it (SHARE_REVOKED, SHARE_EXPIRED, SHARE_EMPTY…). */
async function goneShare(response: Response, lrs: string): Promise<ShareReport> {
  const body = (await response.json().catch(() => ({}))) as { code?: unknown; message?: unknown };
  const reason = typeof body.message === 'string' ? body.message : `the LRS answered ${response.status}`;
  if (response.status === 404) return { result: 'not-found', reasons: [`${lrs} has no share at this URL: ${reason}`], lrs };
  const result = body.code === 'SHARE_REVOKED' ? 'revoked' : body.code === 'SHARE_EXPIRED' ? 'expired' : 'not-valid';
  return { result, reasons: [`${lrs} no longer serves this share: ${reason}`], lrs };
}

async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

/** An item of a share credential, as far as the receipt checks read it. */
interface SharedItem {
  statement: { id: string };
  receipt?: unknown;
}

/**
 * The receipt of each anchored item, checked as `keiko verify receipt` checks one: offline against
 * the item's statement, then (with --rpc) its root on chain, once per batch.
 */
async function checkReceipts(items: SharedItem[], rpcUrl: string | undefined): Promise<ReceiptsReport> {
  const verifier = anchoringVerifier();
  const anchored = items.filter((item) => item.receipt !== undefined);
  const problems: ReceiptsReport['problems'] = [];
  const onChain = rpcUrl === undefined ? undefined : memoizedRootCheck(verifier, rpcUrl);
  let redacted = 0;
  for (const { statement, receipt } of anchored) {
    const isRedacted = JSON.stringify(statement).includes(REDACTED);
    if (isRedacted) redacted++;
    const failed = verifier.verifyReceiptOffline(receipt, isRedacted ? undefined : statement).find((check) => check.status === 'fail');
    if (failed !== undefined) {
      problems.push({ statementId: statement.id, status: 'fail', detail: `${failed.name}: ${failed.detail}` });
      continue;
    }
    const root = await onChain?.(receipt as Receipt);
    if (root !== undefined && root.status !== 'pass') problems.push({ statementId: statement.id, ...root });
  }
  const unknown = problems.some((problem) => problem.status === 'unknown');
  return { anchored: anchored.length, redacted, onChain: onChain === undefined ? 'not checked' : unknown ? 'unknown' : 'checked', problems };
}

interface Receipt {
  batchId: string;
  root: string;
  anchor: { chainId: string; contractAddress: string };
}

type RootStatus = { status: 'pass'; detail: string } | { status: 'fail' | 'unknown'; detail: string };

/** The on-chain check of a receipt's root, once per chain, contract, batch and root (a share's items share few batches). */
function memoizedRootCheck(verifier: ReceiptVerifier, rpcUrl: string): (receipt: Receipt) => Promise<RootStatus> {
  const check = verifier.onChainRootChecker(rpcUrl);
  const checked = new Map<string, Promise<RootStatus>>();
  return (receipt) => {
    const key = [receipt.anchor.chainId, receipt.anchor.contractAddress, receipt.batchId, receipt.root].join('|');
    if (!checked.has(key)) {
      checked.set(
        key,
        check(receipt as never).then(
          ({ ok, detail }): RootStatus => ({ status: ok ? 'pass' : 'fail', detail: `root on chain: ${detail}` }),
          (error: unknown): RootStatus => ({ status: 'unknown', detail: `the Starknet node at ${rpcUrl} did not answer: ${oneLine(error)}` }),
        ),
      );
    }
    return checked.get(key)!;
  };
}

/** A valid share whose receipts do not all verify is not valid; one whose roots could not be checked cannot be confirmed. */
function outcomeOfReceipts(receipts: ReceiptsReport): Pick<ShareReport, 'result' | 'reasons'> {
  const failed = receipts.problems.filter((problem) => problem.status === 'fail');
  if (failed.length > 0) return { result: 'not-valid', reasons: failed.map(({ statementId, detail }) => `the receipt of ${statementId} does not verify: ${detail}`) };
  const unknown = receipts.problems.filter((problem) => problem.status === 'unknown');
  if (unknown.length > 0) return { result: 'cannot-confirm', reasons: [`the items' roots on chain could not be checked: ${unknown[0]!.detail}`] };
  return { result: 'valid', reasons: [] };
}

function printReport(report: ShareReport): void {
  console.log(`Share from ${report.lrs}`);
  if (report.expiresAt !== undefined) console.log(`  expires ${report.expiresAt}`);
  if (report.items !== undefined) console.log(`  ${report.items} item(s), ${report.achievements} achievement credential(s)`);
  if (report.receipts !== undefined) console.log(`  ${receiptsLine(report.receipts)}`);
  console.log(HEADLINE[report.result]);
  report.reasons.forEach((reason) => console.log(`  - ${reason}`));
}

function receiptsLine({ anchored, redacted, onChain, problems }: ReceiptsReport): string {
  const checked = problems.some((problem) => problem.status === 'fail') ? 'not all verify' : 'verified offline';
  const digests = redacted === 0 ? '' : ` (${redacted} with other people left out: checked without their statement's digest)`;
  const chain = onChain === 'not checked' ? 'roots on chain not checked (no --rpc)' : onChain === 'checked' ? 'roots on chain checked' : 'roots on chain unknown';
  return anchored === 0 ? 'receipts: no item is anchored' : `receipts: ${anchored} anchored item(s), ${checked}${digests}; ${chain}`;
}
