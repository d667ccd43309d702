import path from 'node:path';
import type { Logger } from '../../logger';
import type { ProfileRegistry } from '../../profiles';
import { registerProfileFile } from '../../profiles/built-in';
import type { LoadedPlugin } from './load';
import { PluginManifestError } from './manifest';

/**
 * Uploads the xAPI Profiles the plugins define (manifest.profiles) to the registry, so that they
 * are served and enforced like any other. A profile that is not JSON or that the registry refuses
 * stops the LRS, naming the plugin and the field.
 */
export async function registerPluginProfiles(plugins: LoadedPlugin[], registry: ProfileRegistry, logger: Logger): Promise<void> {
  for (const { plugin, folder } of plugins) {
    for (const [index, file] of plugin.manifest.profiles.entries()) {
      try {
        await registerProfileFile(registry, path.join(folder, file), logger.child({ plugin: plugin.manifest.name }));
      } catch (error) {
        throw new PluginManifestError(plugin.manifest.name, `manifest.profiles[${index}]`, `names "${file}", which cannot be registered: ${(error as Error).message}`);
      }
    }
  }
}
