import pino from 'pino';
import { createServices } from '../../app';
import { authorityHomePage } from '../../auth/credential-store';
import { ConfigError, readEnvironment } from '../../config';
import { loadPlugins } from '../plugins/load';
import { runEventsCommand } from './commands';

/** `npm run plugins -- <command>`: rebuilds a plugin's stores from every statement, or shows event delivery. */

/** Warnings and errors only, on stderr, so that stdout carries just the command's output. */
const logger = pino({ level: 'warn', base: { service: 'keiko-plugins' } }, pino.destination(2));

function settings(): ReturnType<typeof readEnvironment> | undefined {
  try {
    return readEnvironment(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return undefined;
  }
}

const env = settings();
if (env === undefined) process.exit(1);

void runEventsCommand(process.argv.slice(2), {
  env,
  logger,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  // The same subscribers as the LRS itself: the plugins' onEvents and the profile patterns.
  delivery: async (storage, config) => {
    const services = await createServices(storage, logger, {
      lrsHomePage: authorityHomePage(config),
      plugins: loadPlugins(config.plugins, env),
      jsonBodyLimitBytes: config.jsonBodyLimitBytes,
      oidc: config.oidc,
    });
    return services.events;
  },
}).then((code) => {
  process.exitCode = code;
});
