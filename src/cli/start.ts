import type { Command } from 'commander';
import { EXIT } from './exit-codes';
import { action, type Outcome } from './program';

/** `keiko start`: the LRS (src/main.ts), with the settings of the environment and the .env file. */
export function registerStart(program: Command, outcome: Outcome): void {
  program
    .command('start')
    .description('run the LRS (settings: the environment, then the .env file; README "Configuration")')
    .action(
      action(outcome, async () => {
        // main.ts starts the LRS as it loads, and exits the process itself on SIGTERM/SIGINT or a start-up failure.
        await import('../main');
        return EXIT.ok;
      }),
    );
}
