import pino from 'pino';
import { authenticate } from '../../auth/authenticate';
import { authorityHomePage } from '../../auth/credential-store';
import { loadPlugins } from '../plugins/load';
import { setUpPlugins } from '../plugins/platform';
import { pluginStatementReader } from '../plugins/statement-reader';
import { runEventsCommand } from './commands';
import { pluginEventDelivery } from './plugin-subscribers';

/** `npm run plugins -- <command>`: rebuilds a plugin's stores from every statement, or shows event delivery. */

/** Warnings and errors only, on stderr, so that stdout carries just the command's output. */
const logger = pino({ level: 'warn', base: { service: 'keiko-plugins' } }, pino.destination(2));

void runEventsCommand(process.argv.slice(2), {
  env: process.env,
  logger,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  delivery: async (storage, config) => {
    const plugins = await setUpPlugins(loadPlugins(config.plugins, process.env), {
      collections: storage.collections,
      statements: pluginStatementReader(storage.statements),
      authenticate: authenticate({ store: storage.credentials }),
      logger,
      publicUrl: authorityHomePage(config),
      jsonBodyLimitBytes: config.jsonBodyLimitBytes,
    });
    return pluginEventDelivery(storage, plugins, logger);
  },
}).then((code) => {
  process.exitCode = code;
});
