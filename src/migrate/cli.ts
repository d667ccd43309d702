import { parseArgs } from 'node:util';
import { DEFAULT_PAGE_LIMITS, MigrationError } from './dump';
import { DEFAULT_MONGODB_DB, EndpointError, parseEndpoint } from './endpoint';
import { DEFAULT_PROGRESS_EVERY, runMigration, verificationTable } from './migrate';

/**
 * `npm run migrate -- --from <data dir | mongodb://…> --to <data dir | mongodb://…>`: copies
 * everything a Keiko LRS stores from one storage engine to another (docs/scaling.md).
 */

const USAGE = `Usage: npm run migrate -- --from <data dir | mongodb://…> --to <data dir | mongodb://…> [options]

Copies everything a Keiko LRS stores (statements with their stored times, voiding and
StatementRef state, attachments, documents with their ETags, credentials with their secret
hashes, activities, agents, and the collections of core features and plugins with their
indexes and document revisions) from the source to the target, so that an LRS on the target
answers exactly as one on the source did; then verifies both sides.

A data directory means the SQLite database of that DATA_DIR; a mongodb:// (or mongodb+srv://)
URI means that MongoDB, the database named in the URI's path, or by --from-db / --to-db, or
"${DEFAULT_MONGODB_DB}". Stop every LRS that uses the source or the target first. The target must
be empty, or hold this same migration: running the same command again after a crash or Ctrl-C
resumes it from its checkpoints.

Options:
  --from-db NAME         database of a mongodb:// source
  --to-db NAME           database of a mongodb:// target
  --page-size N          records per page and checkpoint (default ${DEFAULT_PAGE_LIMITS.records})
  --progress-every N     a progress line every N records of a kind (default ${DEFAULT_PROGRESS_EVERY}), and every 5 s
  -h, --help             this text

Exit status: 0 copied and verified; 1 refused, failed (run it again to resume) or not verified;
2 bad arguments.`;

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

class UsageError extends Error {}

const OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  'from-db': { type: 'string' },
  'to-db': { type: 'string' },
  'page-size': { type: 'string' },
  'progress-every': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof EndpointError)) throw error;
    process.stderr.write(`Error: ${error.message}\n\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  if (parsed === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT_OK;
  }
  const log = (line: string) => process.stderr.write(`[migrate] ${line}\n`);
  try {
    const result = await runMigration({ ...parsed, log });
    process.stdout.write(`${verificationTable(result)}\n`);
    if (result.verified) {
      process.stdout.write('Verified: every kind has the same count and digest on both sides.\n');
      return EXIT_OK;
    }
    const differing = result.rows.filter((row) => !row.match).map((row) => row.kind);
    process.stdout.write(`NOT verified: ${differing.join(', ')} differ between the source and the target.\n`);
    return EXIT_FAILURE;
  } catch (error) {
    if (error instanceof MigrationError) {
      process.stderr.write(`Error: ${error.message}\n`);
    } else {
      process.stderr.write(
        `Migration failed: ${error instanceof Error ? error.message : String(error)}\n` +
          'What was copied is kept with its checkpoints; run the same command again to resume.\n',
      );
    }
    return EXIT_FAILURE;
  }
}

function parseArguments(argv: string[]) {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help' as const;
  if (values.from === undefined) throw new UsageError('--from is required');
  if (values.to === undefined) throw new UsageError('--to is required');
  const pageSize = positiveInteger(values['page-size'], '--page-size', DEFAULT_PAGE_LIMITS.records, 100_000);
  return {
    from: parseEndpoint(values.from, values['from-db'], '--from'),
    to: parseEndpoint(values.to, values['to-db'], '--to'),
    limits: { ...DEFAULT_PAGE_LIMITS, records: pageSize },
    progressEvery: positiveInteger(values['progress-every'], '--progress-every', DEFAULT_PROGRESS_EVERY, Number.MAX_SAFE_INTEGER),
  };
}

function positiveInteger(value: string | undefined, option: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new UsageError(`${option} must be a whole number from 1 to ${max}, got "${value}"`);
  }
  return n;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
