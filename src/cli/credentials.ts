import { InvalidArgumentError, type Command } from 'commander';
import type { Credential, CredentialStore } from '../auth/credential-store';
import { DEFAULT_CACHE_TTL_MS } from '../auth/authenticate';
import { DEFAULT_SCOPES, SCOPES, parseScopes, type Scope } from '../auth/scopes';
import type { Config } from '../config';
import { CliError, EXIT, type ExitCode } from './exit-codes';
import { action, type Outcome } from './program';

/**
 * `keiko credentials create|list|revoke|rehome`: issues, lists and revokes LRS credentials. Uses
 * MONGODB_URI when set, otherwise the SQLite database under DATA_DIR (also while the LRS runs),
 * with the settings of the environment and the .env file, like the LRS.
 */
export function registerCredentials(program: Command, outcome: Outcome): void {
  const credentials = program
    .command('credentials')
    .description('issue, list, revoke and rehome the credentials clients use (Basic auth key and secret)')
    .addHelpText(
      'after',
      '\nUses MONGODB_URI (database MONGODB_DB) when set, else the SQLite database in DATA_DIR (also while the LRS runs).\n' +
        'Settings come from the environment and the .env file, like the LRS\'s.',
    );

  credentials
    .command('create')
    .description('issue a credential and print its key and secret (the secret is shown only this once)')
    .requiredOption('--name <name>', 'who the credential is for (e.g. "Moodle")')
    .option('--scopes <scopes>', `comma-separated; known: ${SCOPES.join(', ')}`, scopesOption, [...DEFAULT_SCOPES])
    .option('--key <key>', 'the key (generated unless given)')
    .option('--secret <secret>', 'the secret (generated unless given; one given here may end up in shell history)')
    .action(action(outcome, (options: { name: string; scopes: Scope[]; key?: string; secret?: string }) => withStore((store) => create(store, options))));

  credentials
    .command('list')
    .description('list every credential, without secrets')
    .action(action(outcome, () => withStore(list)));

  credentials
    .command('revoke')
    .description(`revoke a credential (a running LRS stops accepting it within ${DEFAULT_CACHE_TTL_MS / 1000} s)`)
    .argument('<key>', 'the key of the credential')
    .action(action(outcome, (key: string) => withStore((store) => revoke(store, key))));

  credentials
    .command('rehome')
    .description('make PUBLIC_URL the authority homePage of every credential (statements already stored keep theirs)')
    .action(action(outcome, () => withStore(rehome)));
}

function scopesOption(text: string): Scope[] {
  try {
    return parseScopes(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

async function create(store: CredentialStore, input: { name: string; scopes: Scope[]; key?: string; secret?: string }): Promise<ExitCode> {
  const issued = await store.create(input);
  console.log(`Created credential "${issued.credential.name}" with scopes ${issued.credential.scopes.join(', ')}`);
  console.log(`key:    ${issued.key}`);
  console.log(`secret: ${issued.secret}`);
  console.log('Store the secret now: it cannot be shown again.');
  return EXIT.ok;
}

async function list(store: CredentialStore): Promise<ExitCode> {
  const credentials = await store.list();
  if (credentials.length === 0) console.log('No credentials.');
  else console.log(formatTable([['KEY', 'NAME', 'SCOPES', 'STATUS', 'CREATED', 'HOMEPAGE'], ...credentials.map(credentialRow)]));
  return EXIT.ok;
}

async function revoke(store: CredentialStore, key: string): Promise<ExitCode> {
  if (!(await store.revoke(key))) throw new CliError(EXIT.failed, `No active credential with key ${key}.`);
  console.log(`Revoked credential ${key}.`);
  return EXIT.ok;
}

async function rehome(store: CredentialStore, config: Config): Promise<ExitCode> {
  if (config.publicUrl === undefined) {
    throw new CliError(EXIT.badInput, 'rehome needs PUBLIC_URL, the address clients reach the LRS at (in the environment or .env)');
  }
  const { authorityHomePage } = await import('../auth/credential-store');
  const homePage = authorityHomePage(config);
  const changed = await store.rehomeAuthorities(homePage);
  const total = (await store.list()).length;
  console.log(`Set the authority homePage of ${changed} of ${total} credential(s) to ${homePage}.`);
  return EXIT.ok;
}

function credentialRow(credential: Credential): string[] {
  const status = credential.revokedAt ? `revoked ${credential.revokedAt.toISOString()}` : 'active';
  return [credential.key, credential.name, credential.scopes.join(','), status, credential.createdAt.toISOString(), credential.authority.account.homePage];
}

function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

/** Opens the storage the LRS uses (settings from the environment and .env), runs `use`, closes it. */
async function withStore(use: (store: CredentialStore, config: Config) => Promise<ExitCode>): Promise<ExitCode> {
  const { openCliStorage } = await import('./storage');
  const { storage, config } = await openCliStorage('keiko-credentials');
  try {
    return await use(storage.credentials, config);
  } finally {
    await storage.close();
  }
}
