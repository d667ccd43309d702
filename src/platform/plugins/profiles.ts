import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../logger';
import type { ProfileRegistry } from '../../profiles';
import type { LoadedPlugin } from './load';
import { PluginManifestError } from './manifest';

/**
 * Uploads the xAPI Profiles the plugins define (manifest.profiles) to the registry, so that they
 * are served and enforced like any other; a version already there is left as it is (and keeps the
 * mode an administrator gave it). A profile the registry refuses stops the LRS, naming the plugin.
 */
export async function registerPluginProfiles(plugins: LoadedPlugin[], registry: ProfileRegistry, logger: Logger): Promise<void> {
  for (const { plugin, folder } of plugins) {
    for (const [index, file] of plugin.manifest.profiles.entries()) {
      const field = `manifest.profiles[${index}]`;
      let document: unknown;
      try {
        document = JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8'));
      } catch (error) {
        throw new PluginManifestError(plugin.manifest.name, field, `names "${file}", which is not JSON: ${(error as Error).message}`);
      }
      try {
        const result = await registry.upload(document);
        logger.info({ plugin: plugin.manifest.name, profile: result }, 'plugin profile registered');
      } catch (error) {
        throw new PluginManifestError(plugin.manifest.name, field, `names "${file}", which the profile registry refuses: ${(error as Error).message}`);
      }
    }
  }
}
