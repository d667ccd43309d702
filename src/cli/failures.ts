import { ConfigError } from '../config';
import { MongoUnreachableError } from '../db/mongo';
import { StorageOpenError } from '../db/sqlite/database';
import { HttpError } from '../errors';
import { PluginSettingsError } from '../platform/plugins/load';
import { CliError, EXIT, type ExitCode } from './exit-codes';

/**
 * The exit code for an error a command threw, by the kind of failure. Loaded only when a command
 * fails, so that `keiko --help` does not load the database drivers.
 */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  // The stores refuse bad input with the 4xx errors of the HTTP API (e.g. an invalid credential key).
  if (error instanceof ConfigError || error instanceof PluginSettingsError || (error instanceof HttpError && error.status < 500)) return EXIT.badInput;
  if (error instanceof MongoUnreachableError) return EXIT.cannotConfirm;
  if (error instanceof StorageOpenError || isFileSystemError(error)) return EXIT.cannotRead;
  return EXIT.failed;
}

/** An error of the file system (a DATA_DIR that is a file, a folder without permission…). */
function isFileSystemError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && ['ENOENT', 'ENOTDIR', 'EISDIR', 'EEXIST', 'EACCES', 'EPERM', 'EROFS', 'ENOSPC'].includes(code);
}
