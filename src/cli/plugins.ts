import type { Command } from 'commander';
import type { ExitCode } from './exit-codes';
import { action, type Outcome } from './program';

/** `keiko plugins rebuild|status`: a plugin's stores rebuilt from every statement, or event delivery's state. */
export function registerPlugins(program: Command, outcome: Outcome): void {
  const plugins = program
    .command('plugins')
    .description('rebuild a plugin\'s stores from every statement, or show event delivery (docs/events.md)')
    .addHelpText('after', '\nUses MONGODB_URI (database MONGODB_DB) when set, else the SQLite database in DATA_DIR.');

  plugins
    .command('rebuild')
    .description(
      "delete plugin NAME's collections, event checkpoint and parked events, then deliver the whole statement feed " +
        'to it again (a running LRS delivering its events holds its lease: stop the LRS first)',
    )
    .argument('<name>', 'the plugin')
    .action(action(outcome, (name: string) => runEvents(['rebuild', name])));

  plugins
    .command('status')
    .description('each plugin receiving events: its checkpoint, the feed\'s head, the lag and parked events')
    .action(action(outcome, () => runEvents(['status'])));
}

/** Runs the command with the same subscribers as the LRS itself: the plugins' onEvents and the profile patterns. */
async function runEvents(argv: string[]): Promise<ExitCode> {
  const [{ runEventsCommand }, { createServices }, { authorityHomePage }, { loadPlugins }, { cliLogger, cliSettings }] = await Promise.all([
    import('../platform/events/commands'),
    import('../app'),
    import('../auth/credential-store'),
    import('../platform/plugins/load'),
    import('./storage'),
  ]);
  const { env } = cliSettings();
  const logger = cliLogger('keiko-plugins');
  const code = await runEventsCommand(argv, {
    env,
    logger,
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    delivery: async (storage, config) => {
      const services = await createServices(storage, logger, {
        lrsHomePage: authorityHomePage(config),
        plugins: loadPlugins(config.plugins, env),
        jsonBodyLimitBytes: config.jsonBodyLimitBytes,
        multipartBodyLimitBytes: config.multipartBodyLimitBytes,
        oidc: config.oidc,
      });
      return services.events;
    },
  });
  return code as ExitCode;
}
