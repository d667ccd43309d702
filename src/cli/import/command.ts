import type { Command } from 'commander';
import { CliError, EXIT, type ExitCode } from '../exit-codes';
import { action, positiveInteger, type Outcome } from '../program';
import { importStatements, type ImportCounts } from './importer';
import { number, progressReporter } from './progress';
import { importFromLrs, pullProgressView, pullSummary } from './pull-import';
import { fileSource } from './source';
import { DEFAULT_RETRY, XapiClient } from './xapi-client';

interface ImportOptions {
  from?: string;
  fromKey?: string;
  fromSecret?: string;
  since?: string;
  peer?: string;
  wait: number;
  to?: string;
  key?: string;
  secret?: string;
  batchSize: number;
  progressEvery: number;
  attempts: number;
}

/** Refusals listed one by one in the summary; beyond, only their number. */
const LISTED_REFUSALS = 100;

export function registerImport(program: Command, outcome: Outcome): void {
  program
    .command('import')
    .summary('store the statements of a JSON or NDJSON file, or of another LRS (--from), in an LRS')
    .description(
      'Store the statements of a file in an LRS over xAPI, in batches, so that running it again changes nothing: ' +
        'a statement already stored with the same content counts as "already there"; one the LRS refuses is named ' +
        'with its reason, and the others are stored.\n\n' +
        'The file: NDJSON (one statement per line), a JSON array, or a StatementResult ({"statements": [...]}); ' +
        '"-" reads standard input. A statement without an id gets one derived from its content. ' +
        'The credential needs statements/write and statements/read.\n\n' +
        'With --from <xapi url> instead of a file, the LRS (--to) pulls the statements of that other LRS itself ' +
        '(its federation plugin, docs/federation.md): the command registers it as a peer and a pull source through ' +
        'the admin API (or finds them), shows the progress until the pull is caught up, and sums it up. The pull is ' +
        'checkpointed: stopped and run again, it goes on where it was. The credential needs plugins/federation/manage.',
    )
    .argument('[file]', 'the file, or - for standard input (not with --from)')
    .option('--from <url>', "another LRS's xAPI base URL to pull every statement from, e.g. https://lrs.example.org/xapi")
    .option('--from-key <key>', 'credential key at the other LRS (statements/read)')
    .option('--from-secret <secret>', 'credential secret at the other LRS')
    .option('--since <timestamp>', 'with --from: only statements the other LRS stored after this (ISO 8601 with an offset)')
    .option('--peer <slug>', 'with --from: the slug the other LRS is registered under when it is new (default: from its host)')
    .option('--wait <seconds>', 'with --from: give up (exit 3) after this long without progress', positiveInteger(86_400), 120)
    .option('--to <url>', "the LRS's xAPI base URL (default: this LRS, http://127.0.0.1:$PORT/xapi)")
    .option('--key <key>', 'credential key (default: LRS_ADMIN_KEY)')
    .option('--secret <secret>', 'credential secret (default: LRS_ADMIN_SECRET)')
    .option('--batch-size <n>', 'statements per POST', positiveInteger(10_000), 100)
    .option('--progress-every <n>', 'without a terminal, a progress line every N statements', positiveInteger(), 1000)
    .option('--attempts <n>', 'tries of a request while the LRS answers 503 or cannot be reached', positiveInteger(100), DEFAULT_RETRY.attempts)
    .addHelpText(
      'after',
      '\nExit codes: 0 every statement stored or already there; 1 the LRS refused some (listed); 2 bad input\n' +
        '(malformed lines, listed; bad options; credentials refused); 3 the LRS cannot be reached (or, with --from,\n' +
        'the pull made no progress for --wait seconds, with the reason); 4 the file cannot be read.',
    )
    .action(action(outcome, runImport));
}

async function runImport(file: string | undefined, options: ImportOptions): Promise<ExitCode> {
  checkSourceOptions(file, options);
  const target = await targetOf(options);
  let lastRetry = '';
  const lrs = new XapiClient(target.url, target.credentials, { ...DEFAULT_RETRY, attempts: options.attempts }, (message) => {
    // Concurrent lookups fail and retry together: one line for them all.
    if (message !== lastRetry) process.stderr.write(`[import] ${message}\n`);
    lastRetry = message;
  });
  if (options.from !== undefined) return runPullImport(options.from, target.url, lrs, options);
  const progress = progressReporter(process.stderr, options.progressEvery);
  const source = fileSource(file!);
  let counts: ImportCounts;
  try {
    counts = await importStatements(source, lrs, { batchSize: options.batchSize, lookups: 8, progress: progress.update });
  } finally {
    progress.done();
  }
  process.stdout.write(summary(source.name, target.url, counts));
  if (counts.refused.some((refusal) => refusal.malformed)) return EXIT.badInput;
  return counts.refused.length > 0 ? EXIT.failed : EXIT.ok;
}

/** A file, or --from with its own options: never both. */
function checkSourceOptions(file: string | undefined, options: ImportOptions): void {
  if ((file === undefined) === (options.from === undefined)) throw new CliError(EXIT.badInput, 'give a file to import, or --from <xapi url> of another LRS (not both)');
  if (options.from === undefined) {
    const fromOnly = (['fromKey', 'fromSecret', 'since', 'peer'] as const).find((name) => options[name] !== undefined);
    if (fromOnly !== undefined) throw new CliError(EXIT.badInput, `--${fromOnly.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)} goes with --from`);
    return;
  }
  if ((options.fromKey === undefined) !== (options.fromSecret === undefined)) throw new CliError(EXIT.badInput, '--from-key and --from-secret go together');
  if (!/^https?:\/\/[^/]/.test(options.from) || !isUrl(options.from)) throw new CliError(EXIT.badInput, `--from: "${options.from}" is not an http(s) URL`);
  if (options.since !== undefined && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(options.since)) {
    throw new CliError(EXIT.badInput, `--since: "${options.since}" is not an ISO 8601 timestamp with an offset, e.g. 2026-01-31T00:00:00Z`);
  }
}

/** The other LRS's statements pulled by the LRS at `to` (its federation plugin), followed until caught up. */
async function runPullImport(from: string, to: string, lrs: XapiClient, options: ImportOptions): Promise<ExitCode> {
  const progress = progressReporter(process.stderr, options.progressEvery, pullProgressView);
  const adminUrl = `${to.replace(/\/+$/, '').replace(/\/xapi$/, '')}/plugins/federation`;
  const fromCredentials = options.fromKey === undefined ? undefined : { key: options.fromKey, secret: options.fromSecret! };
  let result;
  try {
    result = await importFromLrs(lrs, adminUrl, { from, fromCredentials, since: options.since, peer: options.peer, pollMs: 1000, waitMs: options.wait * 1000 }, progress.update);
  } finally {
    progress.done();
  }
  process.stdout.write(pullSummary(from, to, result));
  return result.refused > 0 ? EXIT.failed : EXIT.ok;
}

function isUrl(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/** --to, --key and --secret, or else this LRS: its PORT and admin credential from the environment and .env. */
async function targetOf(options: ImportOptions): Promise<{ url: string; credentials: { key: string; secret: string } }> {
  if ((options.key === undefined) !== (options.secret === undefined)) throw new CliError(EXIT.badInput, '--key and --secret go together');
  const config = options.to === undefined || options.key === undefined ? (await import('../storage')).cliSettings().config : undefined;
  const url = options.to ?? `http://127.0.0.1:${config!.port}/xapi`;
  if (!isUrl(url)) throw new CliError(EXIT.badInput, `--to: "${url}" is not a URL`);
  const credentials = options.key !== undefined ? { key: options.key, secret: options.secret! } : config!.admin;
  if (credentials === undefined) {
    throw new CliError(EXIT.badInput, 'no credential: give --key and --secret, or set LRS_ADMIN_KEY and LRS_ADMIN_SECRET (environment or .env)');
  }
  return { url, credentials };
}

function summary(source: string, target: string, counts: ImportCounts): string {
  const rows: [string, number][] = [
    ['read', counts.read],
    ['stored', counts.stored],
    ['already there', counts.alreadyThere],
    ['refused', counts.refused.length],
  ];
  const width = Math.max(...rows.map(([, n]) => number(n).length));
  const lines = [`Imported ${source} into ${target}:`, ...rows.map(([label, n]) => `  ${label.padEnd(14)} ${number(n).padStart(width)}`)];
  if (counts.refused.length > 0) lines.push('Refused:');
  for (const refusal of counts.refused.slice(0, LISTED_REFUSALS)) lines.push(`  ${refusal.where}: ${refusal.reason}`);
  if (counts.refused.length > LISTED_REFUSALS) lines.push(`  … and ${number(counts.refused.length - LISTED_REFUSALS)} more`);
  return `${lines.join('\n')}\n`;
}
