import path from 'node:path';
import { SettingsReader, type Env } from './settings-reader';

/**
 * Configuration, read from the environment once at start-up and validated as a whole,
 * so a misconfigured deployment fails fast with every problem listed. Everything else
 * receives the resulting object; nothing below this module reads `process.env`.
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
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
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
    jsonBodyLimitBytes: read.integer('JSON_BODY_LIMIT_BYTES', 10 * 1024 * 1024, 1024),
    multipartBodyLimitBytes: read.integer('MULTIPART_BODY_LIMIT_BYTES', 64 * 1024 * 1024, 1024),
    documentBodyLimitBytes: read.integer('DOCUMENT_BODY_LIMIT_BYTES', 16 * 1024 * 1024, 1024),
    statementsPageSize: read.integer('STATEMENTS_PAGE_SIZE', 100, 1, 10_000),
    shutdownTimeoutMs: read.integer('SHUTDOWN_TIMEOUT_MS', 10_000, 0),
    plugins: read.pluginSelection('PLUGINS'),
    oidc: readOidc(read, problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

const OIDC_SETTINGS = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const;

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
