import type { Command } from 'commander';
import { DEFAULT_PAGE_LIMITS, MigrationError } from '../migrate/dump';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import { action, positiveInteger, type Outcome } from './program';

/**
 * `keiko migrate --from <data dir | mongodb://…> --to <data dir | mongodb://…>`: copies everything
 * a Keiko LRS stores from one storage engine to another (docs/scaling.md).
 */

/** The migration's modules, loaded when the command runs or shows its help: they load both database drivers. */
function migration() {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return {
    ...(require('../migrate/endpoint') as typeof import('../migrate/endpoint')),
    ...(require('../migrate/migrate') as typeof import('../migrate/migrate')),
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

function details(): string {
  const { DEFAULT_MONGODB_DB, DEFAULT_PROGRESS_EVERY } = migration();
  return `
Copies statements with their stored times, voiding and StatementRef state, attachments, documents
with their ETags, credentials with their secret hashes, activities, agents, and the collections of
core features and plugins with their indexes and document revisions, so that an LRS on the target
answers exactly as one on the source did.

A data directory means the SQLite database of that DATA_DIR; a mongodb:// (or mongodb+srv://) URI
means that MongoDB, the database named in the URI's path, or by --from-db / --to-db, or
"${DEFAULT_MONGODB_DB}". Stop every LRS that uses the source or the target first. The target must
be empty, or hold this same migration: running the same command again after a crash or Ctrl-C
resumes it from its checkpoints. Progress: a line every ${DEFAULT_PROGRESS_EVERY} records of a kind
unless --progress-every says otherwise.

Exit codes: 0 copied and verified; 1 refused, failed (run it again to resume) or not verified;
2 bad arguments.`;
}

interface MigrateOptions {
  from: string;
  to: string;
  fromDb?: string;
  toDb?: string;
  pageSize: number;
  progressEvery?: number;
}

export function registerMigrate(program: Command, outcome: Outcome): void {
  program
    .command('migrate')
    .summary('copy everything from one storage engine to another (SQLite ↔ MongoDB), then verify')
    .description('copy everything a Keiko LRS stores from one storage engine to another, then verify both sides')
    .requiredOption('--from <source>', 'data directory or mongodb:// URI to copy from')
    .requiredOption('--to <target>', 'data directory or mongodb:// URI to copy to')
    .option('--from-db <name>', 'database of a mongodb:// source')
    .option('--to-db <name>', 'database of a mongodb:// target')
    .option('--page-size <n>', 'records per page and checkpoint', positiveInteger(100_000), DEFAULT_PAGE_LIMITS.records)
    .option('--progress-every <n>', 'a progress line every N records of a kind (and every 5 s)', positiveInteger())
    .addHelpText('after', details)
    .action(action(outcome, migrate));
}

async function migrate(options: MigrateOptions): Promise<ExitCode> {
  const { EndpointError, parseEndpoint, runMigration, verificationTable } = migration();
  let endpoints;
  try {
    endpoints = { from: parseEndpoint(options.from, options.fromDb, '--from'), to: parseEndpoint(options.to, options.toDb, '--to') };
  } catch (error) {
    if (error instanceof EndpointError) throw new CliError(EXIT.badInput, error.message);
    throw error;
  }
  const log = (line: string) => process.stderr.write(`[migrate] ${line}\n`);
  try {
    const result = await runMigration({
      ...endpoints,
      limits: { ...DEFAULT_PAGE_LIMITS, records: options.pageSize },
      progressEvery: options.progressEvery,
      log,
    });
    process.stdout.write(`${verificationTable(result)}\n`);
    if (result.verified) {
      process.stdout.write('Verified: every kind has the same count and digest on both sides.\n');
      return EXIT.ok;
    }
    const differing = result.rows.filter((row) => !row.match).map((row) => row.kind);
    process.stdout.write(`NOT verified: ${differing.join(', ')} differ between the source and the target.\n`);
    return EXIT.failed;
  } catch (error) {
    if (error instanceof MigrationError) throw error;
    throw new CliError(
      EXIT.failed,
      `Migration failed: ${error instanceof Error ? error.message : String(error)}\n` +
        'What was copied is kept with its checkpoints; run the same command again to resume.',
    );
  }
}
