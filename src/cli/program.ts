import { InvalidArgumentError } from 'commander';
import { EXIT, type ExitCode } from './exit-codes';

/** Where an action reports how the command ended; `run` (main.ts) turns it into the exit code. */
export type Outcome = (code: ExitCode) => void;

/**
 * A command's action: runs `body` and reports its exit code; an error it throws is printed as
 * one line on stderr, with the exit code for its kind (failures.ts).
 */
export function action<Args extends unknown[]>(outcome: Outcome, body: (...args: Args) => Promise<ExitCode>) {
  return async (...args: Args): Promise<void> => {
    try {
      outcome(await body(...args));
    } catch (error) {
      const { exitCodeOf } = await import('./failures');
      process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
      outcome(exitCodeOf(error));
    }
  };
}

/** A whole number from 1 to `max`, for commander's argParser; bad input is a usage error (exit 2). */
export function positiveInteger(max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > max) {
      throw new InvalidArgumentError(`must be a whole number from 1 to ${max}, got "${value}"`);
    }
    return n;
  };
}

/** Help text's common footer: the exit codes, the same for every command. */
export const EXIT_CODES_HELP = `
Exit codes: ${EXIT.ok} ok/verified, ${EXIT.failed} failed/not verified, ${EXIT.badInput} bad input or usage,
${EXIT.cannotConfirm} cannot confirm (a service unreachable), ${EXIT.cannotRead} cannot read (a file or the database).
Every command: docs/cli.md.`;

/** An error in one line: its message's first line, with the cause's code (fetch's "fetch failed" says nothing, ECONNREFUSED does). */
export function oneLine(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message?.split('\n')[0];
  return detail === undefined ? message : `${message} (${detail})`;
}
