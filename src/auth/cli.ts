import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfig, readEnvironment, type Config } from '../config';
import type { Logger } from '../logger';
import { openStorage } from '../storage/open';
import { DEFAULT_CACHE_TTL_MS } from './authenticate';
import { authorityHomePage, type Credential, type CredentialStore } from './credential-store';
import { DEFAULT_SCOPES, SCOPES, parseScopes } from './scopes';

/**
 * `npm run credentials -- <command>`: issues, lists and revokes LRS credentials. Uses MONGODB_URI
 * when set, otherwise the SQLite database under DATA_DIR, like the LRS.
 */

const USAGE = `Usage: npm run credentials -- <command>

Commands:
  create --name NAME [--scopes SCOPE,...] [--key KEY] [--secret SECRET]
      Issues a credential and prints its key and secret. The secret is shown only this once.
      Key and secret are generated unless given (a secret given on the command line may
      end up in shell history). Scopes default to ${DEFAULT_SCOPES.join(',')}.
      Known scopes: ${SCOPES.join(', ')}.
  list
      Lists all credentials, without secrets.
  revoke KEY
      Revokes a credential. A running LRS stops accepting it within ${DEFAULT_CACHE_TTL_MS / 1000} s.
  rehome
      Makes PUBLIC_URL the authority homePage of every credential (after PUBLIC_URL changed, or
      credentials were created without it). Statements already stored keep their authority.

Uses MONGODB_URI (database MONGODB_DB) when set, else the SQLite database in DATA_DIR (also while the LRS runs).
Settings come from the environment and the .env file, like the LRS's.`;

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

class UsageError extends Error {}

/** Parses the command's arguments (throwing UsageError) and returns what to run against the store. */
type Command = (args: string[], config: Config) => (store: CredentialStore) => Promise<number>;

const COMMANDS: Record<string, Command> = { create, list, revoke, rehome };

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === 'help' || name === '--help' || name === '-h') {
    console.log(USAGE);
    return EXIT_OK;
  }
  if (name === undefined) return usageError('No command given');
  const command = COMMANDS[name];
  if (!command) return usageError(`Unknown command "${name}"`);
  try {
    const config = loadConfig(readEnvironment(process.env));
    const run = command(args, config);
    return await withStore(config, cliLogger(), run);
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message);
    console.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_FAILURE;
  }
}

function create(args: string[]) {
  const { values } = parseOptions(args, CREATE_OPTIONS, 0);
  if (values.name === undefined) throw new UsageError('create requires --name');
  const input = {
    name: values.name,
    scopes: values.scopes === undefined ? [...DEFAULT_SCOPES] : parseScopesOrUsage(values.scopes),
    key: values.key,
    secret: values.secret,
  };
  return async (store: CredentialStore) => {
    const issued = await store.create(input);
    console.log(`Created credential "${issued.credential.name}" with scopes ${issued.credential.scopes.join(', ')}`);
    console.log(`key:    ${issued.key}`);
    console.log(`secret: ${issued.secret}`);
    console.log('Store the secret now: it cannot be shown again.');
    return EXIT_OK;
  };
}

const CREATE_OPTIONS = {
  name: { type: 'string' },
  scopes: { type: 'string' },
  key: { type: 'string' },
  secret: { type: 'string' },
} as const;

function list(args: string[]) {
  parseOptions(args, {}, 0);
  return async (store: CredentialStore) => {
    const credentials = await store.list();
    if (credentials.length === 0) {
      console.log('No credentials.');
      return EXIT_OK;
    }
    console.log(formatTable([['KEY', 'NAME', 'SCOPES', 'STATUS', 'CREATED'], ...credentials.map(credentialRow)]));
    return EXIT_OK;
  };
}

function revoke(args: string[]) {
  const [key] = parseOptions(args, {}, 1).positionals;
  return async (store: CredentialStore) => {
    if (await store.revoke(key)) {
      console.log(`Revoked credential ${key}.`);
      return EXIT_OK;
    }
    console.error(`No active credential with key ${key}.`);
    return EXIT_FAILURE;
  };
}

function rehome(args: string[], config: Config) {
  parseOptions(args, {}, 0);
  if (config.publicUrl === undefined) throw new Error('rehome needs PUBLIC_URL, the address clients reach the LRS at (in the environment or .env)');
  const homePage = authorityHomePage(config);
  return async (store: CredentialStore) => {
    const changed = await store.rehomeAuthorities(homePage);
    const total = (await store.list()).length;
    console.log(`Set the authority homePage of ${changed} of ${total} credential(s) to ${homePage}.`);
    return EXIT_OK;
  };
}

type OptionSpec = Record<string, { type: 'string' }>;

function parseOptions<T extends OptionSpec>(args: string[], options: T, positionalCount: number) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: positionalCount > 0, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.positionals.length !== positionalCount) {
    throw new UsageError(`Expected ${positionalCount} argument(s), got ${parsed.positionals.length}`);
  }
  return parsed;
}

function parseScopesOrUsage(text: string) {
  try {
    return parseScopes(text);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function credentialRow(credential: Credential): string[] {
  const status = credential.revokedAt ? `revoked ${credential.revokedAt.toISOString()}` : 'active';
  return [credential.key, credential.name, credential.scopes.join(','), status, credential.createdAt.toISOString()];
}

function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n');
}

function usageError(message: string): number {
  console.error(`${message}\n\n${USAGE}`);
  return EXIT_USAGE;
}

/** Warnings and errors only, on stderr, so that stdout carries just the command's output. */
function cliLogger(): Logger {
  return pino({ level: 'warn', base: { service: 'keiko-credentials' } }, pino.destination(2));
}

async function withStore<T>(
  config: Config,
  logger: Logger,
  action: (store: CredentialStore) => Promise<T>,
): Promise<T> {
  // Without DATA_DIR's lock: SQLite lets the CLI and a running LRS share the database safely.
  const storage = await openStorage(config, { authorityHomePage: authorityHomePage(config), logger, exclusive: false });
  try {
    return await action(storage.credentials);
  } finally {
    await storage.close();
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
