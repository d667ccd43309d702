import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtInPluginNames, loadPlugins, PluginSettingsError } from './load';
import { PluginManifestError } from './manifest';
import { pluginOpenApi } from './platform';

const VALID_MANIFEST = {
  name: 'counter',
  version: '1.0.0',
  description: 'Counts statements',
  profiles: [],
  scopes: { read: 'Read the count' },
  stores: { counts: { indexes: [{ name: 'by_verb', fields: ['verb'] }] } },
  jobs: ['tidy'],
};

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'keiko-plugins-'));
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes src-like plugin folder `name` whose index.js exports `plugin` (functions given as source). */
function writePlugin(name: string, manifest: unknown, extra = 'setup: () => ({})', files: Record<string, string> = {}): void {
  fs.mkdirSync(path.join(dir, name));
  fs.writeFileSync(path.join(dir, name, 'index.js'), `exports.default = { manifest: ${JSON.stringify(manifest)}, ${extra} };\n`);
  for (const [file, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name, file), content);
}

function loadError(selection: 'all' | string[] = 'all', env: Record<string, string> = {}): Error {
  try {
    loadPlugins(selection, env, dir);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected loading to fail');
}

describe('loadPlugins', () => {
  it('finds every plugin folder with an index module, and loads the selected ones with their settings', () => {
    writePlugin('counter', VALID_MANIFEST, 'settings: (env) => ({ settings: { every: env.COUNT_EVERY }, problems: [] }), setup: () => ({})');
    writePlugin('other', { ...VALID_MANIFEST, name: 'other' });
    fs.mkdirSync(path.join(dir, 'not-a-plugin'));
    expect(builtInPluginNames(dir)).toEqual(['counter', 'other']);
    const loaded = loadPlugins(['counter'], { COUNT_EVERY: '5' }, dir);
    expect(loaded.map((entry) => [entry.plugin.manifest.name, entry.settings])).toEqual([['counter', { every: '5' }]]);
    expect(loadPlugins('all', {}, dir)).toHaveLength(2);
  });

  it('refuses an unknown plugin name in PLUGINS, listing the available ones', () => {
    writePlugin('counter', VALID_MANIFEST);
    const error = loadError(['counter', 'nope']);
    expect(error).toBeInstanceOf(PluginSettingsError);
    expect(error.message).toContain('PLUGINS names unknown plugin(s) nope; available: counter');
  });

  it.each([
    ['a missing field', { ...VALID_MANIFEST, version: undefined }, 'Plugin "counter": manifest is missing required property "version"'],
    ['a bad version', { ...VALID_MANIFEST, version: 'one' }, 'Plugin "counter": manifest.version must match pattern'],
    ['an unknown field', { ...VALID_MANIFEST, colour: 'red' }, 'Plugin "counter": manifest has unknown property "colour"'],
    ['a name the core reserves', { ...VALID_MANIFEST, name: 'people' }, 'Plugin "counter": manifest.name "people" is reserved for the core'],
    ['a name other than its folder', { ...VALID_MANIFEST, name: 'counted' }, 'Plugin "counter": manifest.name must be the plugin\'s folder name "counter", got "counted"'],
    ['a bad index name', { ...VALID_MANIFEST, stores: { counts: { indexes: [{ name: 'By Verb', fields: ['verb'] }] } } }, 'Plugin "counter": manifest.stores.counts.indexes.0.name must match pattern'],
    ['an index declared twice', { ...VALID_MANIFEST, stores: { counts: { indexes: [{ name: 'a', fields: ['x'] }, { name: 'a', fields: ['y'] }] } } }, 'Plugin "counter": manifest.stores.counts.indexes declares the index "a" twice'],
    ['a bad scope name', { ...VALID_MANIFEST, scopes: { 'Read!': 'x' } }, 'Plugin "counter": manifest.scopes has an invalid name "Read!"'],
    ['a profile file that is missing', { ...VALID_MANIFEST, profiles: ['counter.jsonld'] }, 'Plugin "counter": manifest.profiles[0] names "counter.jsonld", which does not exist'],
    ['a file outside its folder', { ...VALID_MANIFEST, openapi: '../other/openapi.yaml' }, 'Plugin "counter": manifest.openapi must stay inside the plugin\'s folder'],
    ['a listed OpenAPI file that is missing', { ...VALID_MANIFEST, openapi: ['a.yaml', 'b.yaml'] }, 'Plugin "counter": manifest.openapi[0] names "a.yaml", which does not exist'],
    ['an empty list of OpenAPI files', { ...VALID_MANIFEST, openapi: [] }, 'Plugin "counter": manifest.openapi must'],
  ])('stops on %s, naming the plugin and the field', (_case, manifest, message) => {
    writePlugin('counter', manifest);
    const error = loadError();
    expect(error).toBeInstanceOf(PluginManifestError);
    expect(error.message).toContain(message);
  });

  it('reads a list of OpenAPI fragments as one, and stops on a path two of them document', () => {
    const fragment = (route: string) => `paths:\n  ${route}:\n    get:\n      operationId: op${route.slice(1)}\n      responses: { '200': { description: ok } }\n`;
    writePlugin('counter', { ...VALID_MANIFEST, openapi: ['a.yaml', 'feature/b.yaml'] }, undefined, { 'a.yaml': fragment('/a') });
    fs.mkdirSync(path.join(dir, 'counter', 'feature'));
    fs.writeFileSync(path.join(dir, 'counter', 'feature', 'b.yaml'), fragment('/b'));
    const [loaded] = loadPlugins('all', {}, dir);
    expect(Object.keys(pluginOpenApi(loaded!)!.paths)).toEqual(['/plugins/counter/a', '/plugins/counter/b']);
    fs.writeFileSync(path.join(dir, 'counter', 'feature', 'b.yaml'), fragment('/a'));
    expect(() => pluginOpenApi(loaded!)).toThrow('Plugin "counter": manifest.openapi documents /plugins/counter/a, which is already documented');
  });

  it('stops on a plugin without setup or without a default export', () => {
    writePlugin('counter', VALID_MANIFEST, 'setup: 42');
    expect(loadError().message).toBe('Plugin "counter": setup must be a function');
    fs.writeFileSync(path.join(dir, 'counter', 'index.js'), 'exports.plugin = {};\n');
    jest.resetModules();
    expect(loadError().message).toContain('Plugin "counter": default export is missing');
  });

  it('collects the settings problems of every plugin, each naming its plugin', () => {
    const failing = "settings: () => ({ settings: undefined, problems: ['COUNT_EVERY must be a number'] }), setup: () => ({})";
    writePlugin('counter', VALID_MANIFEST, failing);
    writePlugin('other', { ...VALID_MANIFEST, name: 'other' }, failing);
    const error = loadError();
    expect(error).toBeInstanceOf(PluginSettingsError);
    expect((error as PluginSettingsError).problems).toEqual(['counter: COUNT_EVERY must be a number', 'other: COUNT_EVERY must be a number']);
  });
});
