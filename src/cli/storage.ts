import pino from 'pino';
import { authorityHomePage } from '../auth/credential-store';
import { loadConfig, readEnvironment, type Config } from '../config';
import type { Logger } from '../logger';
import type { StorageBackend } from '../storage/backend';
import { openStorage } from '../storage/open';

/** Warnings and errors only, on stderr, so that stdout carries just the command's output. */
export function cliLogger(service: string): Logger {
  return pino({ level: 'warn', base: { service } }, pino.destination(2));
}

/** The settings of the environment and the .env file, read once, as the LRS reads them. */
export function cliSettings(): { env: ReturnType<typeof readEnvironment>; config: Config } {
  const env = readEnvironment(process.env);
  return { env, config: loadConfig(env) };
}

/**
 * The storage the LRS uses (MONGODB_URI, else DATA_DIR's SQLite database), opened without
 * DATA_DIR's lock: SQLite lets a command and a running LRS share the database safely.
 */
export async function openCliStorage(service: string): Promise<{ storage: StorageBackend; config: Config }> {
  const { config } = cliSettings();
  const storage = await openStorage(config, { authorityHomePage: authorityHomePage(config), logger: cliLogger(service), exclusive: false });
  return { storage, config };
}
