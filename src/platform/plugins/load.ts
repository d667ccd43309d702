import fs from 'node:fs';
import path from 'node:path';
import type { KeikoPlugin } from '../../plugin-api';
import { PluginManifestError, validatePlugin } from './manifest';

/** Where the built-in plugins are: src/plugins under ts-jest and tsx, dist/plugins once built. */
export const BUILT_IN_PLUGINS_DIR = path.resolve(__dirname, '../../plugins');

export type PluginSelection = 'all' | string[];

export interface LoadedPlugin {
  plugin: KeikoPlugin;
  /** The plugin's folder: its manifest's files are relative to it. */
  folder: string;
  /** What the plugin's `settings(env)` returned (undefined without one). */
  settings: unknown;
}

/** Settings of one or more plugins are wrong: every problem, each naming its plugin. */
export class PluginSettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid plugin settings:\n  - ${problems.join('\n  - ')}`);
    this.name = 'PluginSettingsError';
  }
}

/** The names of the plugins found in `dir`: its sub-folders holding an index module. */
export function builtInPluginNames(dir = BUILT_IN_PLUGINS_DIR): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && hasIndexModule(path.join(dir, entry.name)))
    .map((entry) => entry.name)
    .sort();
}

function hasIndexModule(folder: string): boolean {
  return ['index.ts', 'index.js'].some((file) => fs.existsSync(path.join(folder, file)));
}

/**
 * Loads the selected plugins from `dir`: each module is required by path (so the core has no
 * import of any plugin), its manifest validated, its settings read from `env` once. Throws
 * PluginManifestError for a bad plugin and PluginSettingsError listing every settings problem.
 */
export function loadPlugins(selection: PluginSelection, env: Readonly<Record<string, string | undefined>>, dir = BUILT_IN_PLUGINS_DIR): LoadedPlugin[] {
  const available = builtInPluginNames(dir);
  const names = selection === 'all' ? available : selection;
  const unknown = names.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    throw new PluginSettingsError([`PLUGINS names unknown plugin(s) ${unknown.join(', ')}; available: ${available.join(', ') || 'none'}`]);
  }
  const problems: string[] = [];
  const loaded = names.map((name) => {
    const folder = path.join(dir, name);
    const plugin = validatePlugin(requireDefault(folder, name), folder);
    const { settings, problems: settingsProblems } = plugin.settings?.(env) ?? { settings: undefined, problems: [] };
    problems.push(...settingsProblems.map((problem) => `${name}: ${problem}`));
    return { plugin, folder, settings };
  });
  if (problems.length > 0) throw new PluginSettingsError(problems);
  return loaded;
}

function requireDefault(folder: string, name: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(folder) as { default?: unknown };
  if (module.default === undefined) throw new PluginManifestError(name, 'default export', 'is missing: export default definePlugin({...})');
  return module.default;
}
