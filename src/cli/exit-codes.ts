/**
 * The exit codes of every `keiko` command (docs/cli.md), the same across commands so that a
 * script can tell "it failed" from "try again later" from "fix the input" without reading text.
 */
export const EXIT = {
  /** Done; or, for a check, verified. `--help` and `--version` too. */
  ok: 0,
  /** A check failed (not verified), or the command did not do all it was asked (the output says what). */
  failed: 1,
  /** Bad input or usage: unknown option, missing argument, invalid settings or file content. */
  badInput: 2,
  /** Cannot confirm: a service it needs (a Starknet node, an LRS, MongoDB) did not answer. */
  cannotConfirm: 3,
  /** Cannot read: a file, or the SQLite database under DATA_DIR. */
  cannotRead: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure that already knows its exit code and its one-line message. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
