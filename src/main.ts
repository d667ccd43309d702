import { ConfigError, loadConfig, readEnvironment } from './config';
import { MongoUnreachableError } from './db/mongo';
import { StorageOpenError } from './db/sqlite/database';
import { createLogger } from './logger';
import { loadPlugins, PluginSettingsError } from './platform/plugins/load';
import { PluginManifestError } from './platform/plugins/manifest';
import { ListenError, startServer } from './server';

async function main(): Promise<void> {
  const env = readEnvironment(process.env);
  const config = loadConfig(env);
  const plugins = loadPlugins(config.plugins, env);
  const logger = createLogger(config.logLevel, undefined, config.logFormat);
  const server = await startServer(config, logger, plugins);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  const explained = [ConfigError, StorageOpenError, MongoUnreachableError, ListenError, PluginManifestError, PluginSettingsError].some(
    (type) => error instanceof type,
  );
  if (explained) console.error((error as Error).message);
  else console.error('Keiko LRS failed to start:', error);
  process.exit(1);
});
