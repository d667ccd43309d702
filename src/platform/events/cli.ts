import pino from 'pino';
import { createServices } from '../../app';
import { authorityHomePage } from '../../auth/credential-store';
import { loadPlugins } from '../plugins/load';
import { runEventsCommand } from './commands';

/** `npm run plugins -- <command>`: rebuilds a plugin's stores from every statement, or shows event delivery. */

/** Warnings and errors only, on stderr, so that stdout carries just the command's output. */
const logger = pino({ level: 'warn', base: { service: 'keiko-plugins' } }, pino.destination(2));

void runEventsCommand(process.argv.slice(2), {
  env: process.env,
  logger,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  // The same subscribers as the LRS itself: the plugins' onEvents and the profile patterns.
  delivery: async (storage, config) => {
    const services = await createServices(storage, logger, {
      lrsHomePage: authorityHomePage(config),
      plugins: loadPlugins(config.plugins, process.env),
      jsonBodyLimitBytes: config.jsonBodyLimitBytes,
      oidc: config.oidc,
    });
    return services.events;
  },
}).then((code) => {
  process.exitCode = code;
});
