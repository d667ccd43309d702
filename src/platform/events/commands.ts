import { parseArgs } from 'node:util';
import { authorityHomePage } from '../../auth/credential-store';
import { loadConfig, type Config } from '../../config';
import type { Logger } from '../../logger';
import type { StorageBackend } from '../../storage/backend';
import { openStorage } from '../../storage/open';
import { SubscriberBusyError, UnknownSubscriberError, type EventDelivery, type SubscriberStatus } from './delivery';

const USAGE = `Usage: npm run plugins -- <command>

Commands:
  rebuild NAME
      Rebuilds the stores of plugin NAME from every statement: deletes its collections, its
      event checkpoint and its parked events, then delivers the whole statement feed to it again
      and returns once it has reached the feed's head. A running LRS delivering NAME's events
      holds its lease: stop the LRS first.
  status
      Each plugin receiving events: its checkpoint, the feed's head, the lag and parked events.

Uses MONGODB_URI (database MONGODB_DB) when set, else the SQLite database in DATA_DIR.`;

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

export interface EventsCommandDependencies {
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  /** Event delivery to the subscribers the LRS has, on the opened storage; not started. */
  delivery(storage: StorageBackend, config: Config): Promise<EventDelivery>;
  out(line: string): void;
  err(line: string): void;
}

/** Runs one command of `npm run plugins`; resolves with the process exit code. */
export async function runEventsCommand(argv: string[], deps: EventsCommandDependencies): Promise<number> {
  const [command, ...args] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    deps.out(USAGE);
    return EXIT_OK;
  }
  const expected = command === 'rebuild' ? 1 : command === 'status' ? 0 : undefined;
  if (expected === undefined) return usage(deps, command === undefined ? 'No command given' : `Unknown command "${command}"`);
  let positionals: string[];
  try {
    positionals = parseArgs({ args, allowPositionals: true, strict: true }).positionals;
  } catch (error) {
    return usage(deps, (error as Error).message);
  }
  if (positionals.length !== expected) return usage(deps, `${command} expects ${expected} argument(s), got ${positionals.length}`);

  let storage: StorageBackend | undefined;
  try {
    const config = loadConfig(deps.env);
    // Without DATA_DIR's lock: SQLite lets the CLI and a running LRS share the database safely.
    storage = await openStorage(config, { authorityHomePage: authorityHomePage(config), logger: deps.logger, exclusive: false });
    const delivery = await deps.delivery(storage, config);
    if (command === 'status') return status(await delivery.status(), deps);
    const rebuilt = await delivery.rebuild(positionals[0]!);
    deps.out(`Rebuilt ${rebuilt.name}: events delivered through position ${rebuilt.checkpoint} (head ${rebuilt.head}), ${rebuilt.parked} parked.`);
    return EXIT_OK;
  } catch (error) {
    const known = error instanceof UnknownSubscriberError || error instanceof SubscriberBusyError;
    deps.err(`Error: ${error instanceof Error ? error.message : String(error)}`);
    if (!known) deps.logger.error({ err: error }, 'events command failed');
    return EXIT_FAILURE;
  } finally {
    await storage?.close();
  }
}

function status(statuses: SubscriberStatus[], deps: EventsCommandDependencies): number {
  if (statuses.length === 0) {
    deps.out('No plugin receives events.');
    return EXIT_OK;
  }
  const rows = [['PLUGIN', 'CHECKPOINT', 'HEAD', 'LAG', 'PARKED'], ...statuses.map((s) => [s.name, s.checkpoint, s.head, s.lag, s.parked].map(String))];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) deps.out(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
  return EXIT_OK;
}

function usage(deps: EventsCommandDependencies, message: string): number {
  deps.err(`${message}\n\n${USAGE}`);
  return EXIT_USAGE;
}
