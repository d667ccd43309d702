import fs from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { parseEnv } from 'node:util';
import type { LogFormat } from './logger';
import { SettingsReader, type Env } from './settings-reader';

/**
 * Configuration, read from the environment (and a `.env` file, see readEnvironment) once at
 * start-up and validated as a whole, so a misconfigured deployment fails fast with every problem
 * listed. Everything else receives the resulting object; nothing below this module reads
 * `process.env` or the `.env` file.
 */
export interface Config {
  port: number;
  host: string;
  /** The LRS's public base URL, recorded as the homePage of credential authorities. */
  publicUrl?: string;
  /** When unset, the data is kept in a SQLite database under `dataDir`. */
  mongodbUri?: string;
  dbName: string;
  dataDir: string;
  admin?: { key: string; secret: string };
  logLevel: LogLevel;
  /** LOG_FORMAT: `auto` (readable lines when stdout is a terminal, JSON otherwise), `json` or `pretty`. */
  logFormat: 'auto' | LogFormat;
  /** Largest JSON request body accepted, in bytes. */
  jsonBodyLimitBytes: number;
  /** Largest multipart (statements with attachments) request body accepted, in bytes. */
  multipartBodyLimitBytes: number;
  /** Largest document (State, Activity Profile, Agent Profile) accepted, in bytes; larger ones get 413. */
  documentBodyLimitBytes: number;
  /** Most statements in one page of GET statements (also what limit=0 means). */
  statementsPageSize: number;
  /** Time allowed for in-flight requests to finish on SIGTERM/SIGINT. */
  shutdownTimeoutMs: number;
  /** PLUGINS: the built-in plugins to run, `all` (the default) or a list (`none` for none). */
  plugins: 'all' | string[];
  /** OpenID Connect sign-in (docs/people.md): on when OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are all set. */
  oidc?: OidcConfig;
  /** METRICS_TOKEN: when set, /metrics needs `Authorization: Bearer <token>`; unset, it is open (scrapers on a private network). */
  metricsToken?: string;
  /**
   * TRUST_PROXY: which reverse proxies' X-Forwarded-For to believe (Express's `trust proxy`), as a
   * number of hops or a list of addresses, subnets and loopback / linklocal / uniquelocal; unset,
   * none, and the client's address is the connection's.
   */
  trustProxy?: number | string[];
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** The file readEnvironment reads unless ENV_FILE names another, relative to the working directory. */
export const DEFAULT_ENV_FILE = '.env';

/**
 * The settings the LRS and its plugins read: the variables of the `.env` file in `cwd` (or of the
 * file ENV_FILE names) overlaid by the process environment, which wins. A missing default file is
 * no error; a missing ENV_FILE, an unreadable file or a line that is not `NAME=value` is a
 * ConfigError naming the file (and line).
 */
export function readEnvironment(processEnv: Env, cwd = process.cwd()): Env {
  const named = processEnv.ENV_FILE?.trim() || undefined;
  const file = path.resolve(cwd, named ?? DEFAULT_ENV_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && named === undefined) return processEnv;
    throw new ConfigError([`${file} cannot be read (${code ?? (error as Error).message})`]);
  }
  const malformed = malformedEnvLine(text);
  if (malformed !== undefined) {
    throw new ConfigError([`${file}:${malformed.line}: ${malformed.problem}`]);
  }
  return { ...parseEnv(text), ...definedOnly(processEnv) };
}

const ENV_ASSIGNMENT = /^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_.-]*\s*=(.*)$/;
const ENV_QUOTES = ['"', "'", '`'];

/**
 * The first line of a `.env` text that is neither blank, a comment nor `NAME=value`, or whose
 * quoted value is never closed. util.parseEnv itself skips such lines silently, which would hide
 * a typo in a setting.
 */
export function malformedEnvLine(text: string): { line: number; problem: string } | undefined {
  const lines = text.split(/\r?\n/);
  let open: { quote: string; line: number } | undefined;
  for (const [index, line] of lines.entries()) {
    if (open) {
      if (line.includes(open.quote)) open = undefined;
      continue;
    }
    if (/^\s*(?:#|$)/.test(line)) continue;
    const value = ENV_ASSIGNMENT.exec(line)?.[1]?.trimStart();
    if (value === undefined) return { line: index + 1, problem: 'expected NAME=value (or a # comment)' };
    const quote = value[0];
    if (quote !== undefined && ENV_QUOTES.includes(quote) && !value.includes(quote, 1)) open = { quote, line: index + 1 };
  }
  return open && { line: open.line, problem: `the value's opening ${open.quote} is never closed` };
}

function definedOnly(env: Env): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

export function loadConfig(env: Env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const read = new SettingsReader(env, problems);

  const adminKey = read.string('LRS_ADMIN_KEY');
  const adminSecret = read.string('LRS_ADMIN_SECRET');
  if (Boolean(adminKey) !== Boolean(adminSecret)) {
    problems.push('LRS_ADMIN_KEY and LRS_ADMIN_SECRET must be set together');
  }
  if (adminSecret !== undefined && adminSecret.length < 8) {
    problems.push('LRS_ADMIN_SECRET must be at least 8 characters long');
  }

  const config: Config = {
    port: read.integer('PORT', 8080, 0, 65535),
    host: read.string('HOST') ?? '127.0.0.1',
    publicUrl: read.url('PUBLIC_URL'),
    mongodbUri: read.mongoUri('MONGODB_URI'),
    dbName: read.string('MONGODB_DB') ?? 'keiko',
    dataDir: path.resolve(cwd, read.string('DATA_DIR') ?? 'data'),
    admin: adminKey && adminSecret ? { key: adminKey, secret: adminSecret } : undefined,
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: read.oneOf('LOG_FORMAT', LOG_FORMATS, 'auto'),
    jsonBodyLimitBytes: read.integer('JSON_BODY_LIMIT_BYTES', 10 * 1024 * 1024, 1024),
    multipartBodyLimitBytes: read.integer('MULTIPART_BODY_LIMIT_BYTES', 64 * 1024 * 1024, 1024),
    documentBodyLimitBytes: read.integer('DOCUMENT_BODY_LIMIT_BYTES', 16 * 1024 * 1024, 1024),
    statementsPageSize: read.integer('STATEMENTS_PAGE_SIZE', 100, 1, 10_000),
    shutdownTimeoutMs: read.integer('SHUTDOWN_TIMEOUT_MS', 10_000, 0),
    plugins: read.pluginSelection('PLUGINS'),
    oidc: readOidc(read, problems),
    metricsToken: read.string('METRICS_TOKEN'),
    trustProxy: readTrustProxy(read.string('TRUST_PROXY'), problems),
  };
  if (isUnspecifiedAddress(config.host) && config.publicUrl === undefined) {
    problems.push(
      `HOST=${config.host} listens on every interface, so PUBLIC_URL must be set to the address clients reach ` +
        '(e.g. https://lrs.example.org/): authority homePages and sign-in link URLs are built from it',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** 0.0.0.0 and :: mean "every interface": no address a client could be given. */
function isUnspecifiedAddress(host: string): boolean {
  return ['0.0.0.0', '::', '[::]', '::0', '0:0:0:0:0:0:0:0'].includes(host);
}

const OIDC_SETTINGS = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const;

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** A hop count (0-10), or addresses, subnets (a.b.c.d/n, ::1/128) and Express's names, comma-separated. */
function readTrustProxy(value: string | undefined, problems: string[]): number | string[] | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) {
    const hops = Number(value);
    if (hops <= 10) return hops;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  const invalid = entries.filter((entry) => !PROXY_NAMES.includes(entry) && !isAddressOrSubnet(entry));
  if (invalid.length === 0) return entries;
  problems.push(
    `TRUST_PROXY must be a number of proxies (0-10) or addresses, subnets and ${PROXY_NAMES.join(' / ')} separated by commas; ` +
      `not ${invalid.map((entry) => JSON.stringify(entry)).join(', ')}`,
  );
  return undefined;
}

function isAddressOrSubnet(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address ?? '');
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

function readOidc(read: SettingsReader, problems: string[]): OidcConfig | undefined {
  const [issuer, clientId, clientSecret] = [read.url('OIDC_ISSUER'), read.string('OIDC_CLIENT_ID'), read.string('OIDC_CLIENT_SECRET')];
  const missing = OIDC_SETTINGS.filter((_name, index) => [issuer, clientId, clientSecret][index] === undefined);
  if (missing.length === OIDC_SETTINGS.length) return undefined;
  if (missing.length > 0) {
    problems.push(`OpenID Connect sign-in needs all of ${OIDC_SETTINGS.join(', ')}; missing ${missing.join(', ')}`);
    return undefined;
  }
  if (read.string('PUBLIC_URL') === undefined) {
    problems.push('OIDC_ISSUER needs PUBLIC_URL: the provider sends browsers back to PUBLIC_URL/sign-in/callback');
  }
  return { issuer: issuer!, clientId: clientId!, clientSecret: clientSecret! };
}
