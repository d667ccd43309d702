import { Command, CommanderError } from 'commander';
import { registerCredentials } from './credentials';
import { EXIT, type ExitCode } from './exit-codes';
import { registerImport } from './import/command';
import { registerMigrate } from './migrate';
import { registerPlugins } from './plugins';
import { EXIT_CODES_HELP, type Outcome } from './program';
import { registerStart } from './start';
import { registerVerify } from './verify';

/** The `keiko` command (bin/keiko.js; docs/cli.md). */
export function createProgram(outcome: Outcome, name = 'keiko'): Command {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { version } = require('../../package.json') as { version: string };
  const program = new Command(name)
    .description('Keiko LRS: run the LRS and manage what it stores')
    .version(version, '-V, --version')
    // Subcommands created after these calls inherit them: errors throw (run maps them to exit 2), hints follow errors.
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);
  for (const register of [registerStart, registerCredentials, registerMigrate, registerPlugins, registerVerify, registerImport]) {
    register(program, outcome);
  }
  return program;
}

/**
 * Runs `keiko` with `argv` (without node and the script) and resolves with the exit code:
 * the action's, 0 for --help and --version, 2 for a usage error commander reported.
 */
export async function run(argv: string[], name?: string): Promise<number> {
  let code: ExitCode = EXIT.ok;
  const program = createProgram((reported) => (code = reported), name);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    throw error;
  }
  return code;
}

/** Runs `keiko` as the process (bin/keiko.js, bin/keiko-verify.js): its exit code, and quiet when a pipe closes (`keiko --help | head`). */
export function main(argv: string[]): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? EXIT.ok);
  });
  void run(argv).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) main(process.argv.slice(2));
