import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import type { KeikoPlugin, PluginManifest } from '../../plugin-api';

/** A plugin that cannot be loaded: the message names the plugin and the field at fault. */
export class PluginManifestError extends Error {
  constructor(
    readonly plugin: string,
    readonly field: string,
    problem: string,
  ) {
    super(`Plugin "${plugin}": ${field} ${problem}`);
    this.name = 'PluginManifestError';
  }
}

const NAME = '^[a-z][a-z0-9-]{1,30}$';
/**
 * Owners of core data in the collection store (a plugin's name is its owner there, and a rebuild
 * clears everything its owner holds), so no plugin may take them.
 */
const RESERVED_NAMES = ['events', 'people', 'profiles', 'profile-patterns'];
const INDEX_NAME = '^[a-z][a-z0-9_]{0,40}$';
const FIELD_NAME = '^[A-Za-z_][A-Za-z0-9_]{0,63}$';
const OPENAPI_FILE = '^[A-Za-z0-9_./-]+\\.ya?ml$';

const MANIFEST_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'version', 'description', 'profiles', 'scopes', 'stores', 'jobs'],
  properties: {
    name: { type: 'string', pattern: NAME },
    version: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?$' },
    description: { type: 'string', minLength: 1, maxLength: 500 },
    profiles: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9_./-]+\\.jsonld$' } },
    scopes: {
      type: 'object',
      propertyNames: { pattern: '^[a-z][a-z0-9-/]{0,60}$' },
      additionalProperties: { type: 'string', minLength: 1 },
    },
    stores: {
      type: 'object',
      propertyNames: { pattern: '^[a-z][a-z0-9_-]{0,40}$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          derived: { type: 'boolean' },
          indexes: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name', 'fields'],
              properties: {
                name: { type: 'string', pattern: INDEX_NAME },
                fields: { type: 'array', minItems: 1, maxItems: 8, items: { type: 'string', pattern: FIELD_NAME } },
                unique: { type: 'boolean' },
              },
            },
          },
        },
      },
    },
    jobs: { type: 'array', uniqueItems: true, items: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,40}$' } },
    openapi: {
      anyOf: [
        { type: 'string', pattern: OPENAPI_FILE },
        { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', pattern: OPENAPI_FILE } },
      ],
    },
    formerPaths: { type: 'array', items: { type: 'string', pattern: '^/[a-z][a-z0-9-]*$' } },
  },
} as const;

const validateSchema = new Ajv({ allErrors: false }).compile<PluginManifest>(MANIFEST_SCHEMA);

/**
 * Checks what a plugin module exports against the plugin contract (src/plugin-api): the manifest's
 * shape, its name against its folder, the files it names, and the functions it must provide.
 * Throws PluginManifestError on the first problem.
 */
export function validatePlugin(exported: unknown, folder: string): KeikoPlugin {
  const label = path.basename(folder);
  if (typeof exported !== 'object' || exported === null) {
    throw new PluginManifestError(label, 'default export', 'must be a plugin made with definePlugin({...})');
  }
  const plugin = exported as Partial<KeikoPlugin>;
  if (!validateSchema(plugin.manifest)) {
    const [error] = validateSchema.errors ?? [];
    const field = `manifest${(error?.instancePath ?? '').replace(/\//g, '.')}`;
    throw new PluginManifestError(label, field, schemaProblem(error));
  }
  const manifest = plugin.manifest;
  if (RESERVED_NAMES.includes(manifest.name)) {
    throw new PluginManifestError(label, 'manifest.name', `"${manifest.name}" is reserved for the core (${RESERVED_NAMES.join(', ')})`);
  }
  if (manifest.name !== label) {
    throw new PluginManifestError(label, 'manifest.name', `must be the plugin's folder name "${label}", got "${manifest.name}"`);
  }
  if (typeof plugin.setup !== 'function') throw new PluginManifestError(label, 'setup', 'must be a function');
  if (plugin.settings !== undefined && typeof plugin.settings !== 'function') {
    throw new PluginManifestError(label, 'settings', 'must be a function when given');
  }
  checkIndexes(manifest);
  const files: Array<[string, string]> = manifest.profiles.map((file, index) => [`manifest.profiles[${index}]`, file]);
  openApiFiles(manifest).forEach((file, index) => files.push([Array.isArray(manifest.openapi) ? `manifest.openapi[${index}]` : 'manifest.openapi', file]));
  for (const [field, file] of files) checkFile(manifest.name, field, folder, file);
  return plugin as KeikoPlugin;
}

function schemaProblem(error: { keyword: string; message?: string; params: Record<string, unknown>; propertyName?: string } | undefined): string {
  if (error === undefined) return 'is invalid';
  if (error.propertyName !== undefined) return `has an invalid name "${error.propertyName}" (${error.message ?? 'not allowed'})`;
  if (error.keyword === 'required') return `is missing required property "${String(error.params.missingProperty)}"`;
  if (error.keyword === 'additionalProperties') return `has unknown property "${String(error.params.additionalProperty)}"`;
  return error.message ?? 'is invalid';
}

function checkIndexes(manifest: PluginManifest): void {
  for (const [store, declaration] of Object.entries(manifest.stores)) {
    const names = (declaration.indexes ?? []).map((index) => index.name);
    const repeated = names.find((name, index) => names.indexOf(name) !== index);
    if (repeated !== undefined) {
      throw new PluginManifestError(manifest.name, `manifest.stores.${store}.indexes`, `declares the index "${repeated}" twice`);
    }
  }
}

function checkFile(plugin: string, field: string, folder: string, file: string): void {
  const resolved = path.resolve(folder, file);
  if (!resolved.startsWith(folder + path.sep)) throw new PluginManifestError(plugin, field, `must stay inside the plugin's folder, got "${file}"`);
  if (!fs.existsSync(resolved)) throw new PluginManifestError(plugin, field, `names "${file}", which does not exist in ${folder}`);
}

/** The OpenAPI fragment files a manifest names (one or a list). */
export function openApiFiles(manifest: Pick<PluginManifest, 'openapi'>): string[] {
  if (manifest.openapi === undefined) return [];
  return Array.isArray(manifest.openapi) ? manifest.openapi : [manifest.openapi];
}
