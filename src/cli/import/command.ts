import type { Command } from 'commander';
import { CliError, EXIT, type ExitCode } from '../exit-codes';
import { action, positiveInteger, type Outcome } from '../program';
import { importStatements, type ImportCounts } from './importer';
import { number, progressReporter } from './progress';
import { fileSource } from './source';
import { DEFAULT_RETRY, XapiClient } from './xapi-client';

interface ImportOptions {
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
    .summary('store the statements of a JSON or NDJSON file (an export from another LRS) in an LRS')
    .description(
      'Store the statements of a file in an LRS over xAPI, in batches, so that running it again changes nothing: ' +
        'a statement already stored with the same content counts as "already there"; one the LRS refuses is named ' +
        'with its reason, and the others are stored.\n\n' +
        'The file: NDJSON (one statement per line), a JSON array, or a StatementResult ({"statements": [...]}); ' +
        '"-" reads standard input. A statement without an id gets one derived from its content. ' +
        'The credential needs statements/write and statements/read.',
    )
    .argument('<file>', 'the file, or - for standard input')
    .option('--to <url>', "the LRS's xAPI base URL (default: this LRS, http://127.0.0.1:$PORT/xapi)")
    .option('--key <key>', 'credential key (default: LRS_ADMIN_KEY)')
    .option('--secret <secret>', 'credential secret (default: LRS_ADMIN_SECRET)')
    .option('--batch-size <n>', 'statements per POST', positiveInteger(10_000), 100)
    .option('--progress-every <n>', 'without a terminal, a progress line every N statements', positiveInteger(), 1000)
    .option('--attempts <n>', 'tries of a request while the LRS answers 503 or cannot be reached', positiveInteger(100), DEFAULT_RETRY.attempts)
    .addHelpText(
      'after',
      '\nExit codes: 0 every statement stored or already there; 1 the LRS refused some (listed); 2 bad input\n' +
        '(malformed lines, listed; bad options; credentials refused); 3 the LRS cannot be reached; 4 the file cannot be read.',
    )
    .action(action(outcome, runImport));
}

async function runImport(file: string, options: ImportOptions): Promise<ExitCode> {
  const target = await targetOf(options);
  const progress = progressReporter(process.stderr, options.progressEvery);
  let lastRetry = '';
  const lrs = new XapiClient(target.url, target.credentials, { ...DEFAULT_RETRY, attempts: options.attempts }, (message) => {
    // Concurrent lookups fail and retry together: one line for them all.
    if (message !== lastRetry) process.stderr.write(`[import] ${message}\n`);
    lastRetry = message;
  });
  const source = fileSource(file);
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

/** --to, --key and --secret, or else this LRS: its PORT and admin credential from the environment and .env. */
async function targetOf(options: ImportOptions): Promise<{ url: string; credentials: { key: string; secret: string } }> {
  if ((options.key === undefined) !== (options.secret === undefined)) throw new CliError(EXIT.badInput, '--key and --secret go together');
  const config = options.to === undefined || options.key === undefined ? (await import('../storage')).cliSettings().config : undefined;
  const url = options.to ?? `http://127.0.0.1:${config!.port}/xapi`;
  try {
    new URL(url);
  } catch {
    throw new CliError(EXIT.badInput, `--to: "${url}" is not a URL`);
  }
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
