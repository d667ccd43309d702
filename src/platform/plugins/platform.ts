import fs from 'node:fs';
import path from 'node:path';
import { Router, type Request, type RequestHandler } from 'express';
import type { Registry } from 'prom-client';
import YAML from 'yaml';
import { requireGrant } from '../../auth/authenticate';
import type { Scope } from '../../auth/scopes';
import { bodyBytes, rawBody, readJsonBody } from '../../http/body';
import type { Logger } from '../../logger';
import type {
  Agent,
  Collection,
  FeedEvent,
  PeopleForPlugins,
  PluginConsole,
  PluginContext,
  PluginHooks,
  PluginHttp,
  PluginJob,
  PluginServices,
  ReceivedStatement,
  StatementAttachmentPart,
  StatementReader,
  StatementsBody,
} from '../../plugin-api';
import { readStatementsBody } from '../../xapi/statements/routes';
import type { CollectionStore } from '../../storage/collections/collection-store';
import type { NavItem } from '../../web';
import type { LoadedPlugin } from './load';
import { openApiFiles, PluginManifestError } from './manifest';
import { pluginMetrics } from './plugin-metrics';

/** A plugin once set up: what the platform mounts, schedules and feeds. */
export interface RunningPlugin {
  name: string;
  version: string;
  /** Mounted at /plugins/<name>. */
  routes?: Router;
  formerPaths: string[];
  /** Its links in the web shell's header. */
  nav: NavItem[];
  /** Its sections of the admin console. */
  console: NavItem[];
  /** Its OpenAPI fragment with paths already under /plugins/<name>. */
  openapi?: OpenApiFragment;
  jobs: Array<{ name: string; job: PluginJob }>;
  onEvents?: (events: FeedEvent[]) => Promise<void>;
  /** Its stores declared `derived`, which a rebuild empties. */
  derivedStores: Collection[];
  /** Scopes it declared, in full (`plugins/<name>/<scope>`), with what each allows. */
  scopes: Record<string, string>;
  /** The ids of the xAPI Profiles its manifest names (registered by registerPluginProfiles). */
  profileIds: string[];
}

export interface OpenApiFragment {
  paths: Record<string, unknown>;
  components?: Record<string, Record<string, unknown>>;
  tags?: Array<{ name: string; description?: string }>;
}

export interface PlatformDependencies {
  collections: CollectionStore;
  statements: StatementReader;
  /** Stores a plugin's statements as the LRS (PluginStatements.record). */
  recordStatements(plugin: string, statements: object[], options?: { applied?: boolean }): Promise<string[]>;
  /** Stores statements a plugin received from elsewhere (PluginStatements.receive). */
  receiveStatements(plugin: string, items: ReceivedStatement[], options: { authority: Agent; attachments?: StatementAttachmentPart[] }): Promise<string[]>;
  /** Whether the plugin's onEvents has handled every statement stored before the call (PluginStatements.caughtUp). */
  eventsCaughtUp(plugin: string, timeoutMs: number): Promise<boolean>;
  authenticate: RequestHandler;
  logger: Logger;
  publicUrl: string;
  jsonBodyLimitBytes: number;
  /** Limit of a multipart/mixed statements body (attachments included). */
  multipartBodyLimitBytes: number;
  people: PeopleForPlugins;
  /** The app's Prometheus registry (/metrics), where plugins' metrics go. */
  metrics: Registry;
  /** The admin console's shell (src/console). */
  console: PluginConsole;
}

/**
 * Sets up each loaded plugin: opens the stores its manifest declares (with their indexes), hands
 * it its context and checks what its setup returns against its manifest.
 */
export async function setUpPlugins(loaded: LoadedPlugin[], dependencies: PlatformDependencies): Promise<RunningPlugin[]> {
  const running: RunningPlugin[] = [];
  const services = new OfferedServices();
  for (const entry of loaded) running.push(await setUpPlugin(entry, dependencies, services));
  return running;
}

/** What plugins offer one another (PluginServices), by the plugin that offers each. */
class OfferedServices {
  private readonly offered = new Map<keyof PluginServices, { plugin: string; service: PluginServices[keyof PluginServices] }>();

  offer(plugin: string, services: Partial<PluginServices>): void {
    for (const [name, service] of Object.entries(services) as Array<[keyof PluginServices, PluginServices[keyof PluginServices]]>) {
      const earlier = this.offered.get(name);
      if (earlier !== undefined) throw new PluginManifestError(plugin, 'setup().services', `offers "${name}", which the plugin "${earlier.plugin}" offers already`);
      this.offered.set(name, { plugin, service });
    }
  }

  get<K extends keyof PluginServices>(name: K): PluginServices[K] | undefined {
    return this.offered.get(name)?.service as PluginServices[K] | undefined;
  }
}

async function setUpPlugin({ plugin, folder, settings }: LoadedPlugin, dependencies: PlatformDependencies, services: OfferedServices): Promise<RunningPlugin> {
  const { manifest } = plugin;
  const stores = new Map<string, Collection>();
  for (const [name, declaration] of Object.entries(manifest.stores)) {
    stores.set(name, await dependencies.collections.open(manifest.name, name, declaration));
  }
  const context: PluginContext = {
    name: manifest.name,
    settings,
    logger: dependencies.logger.child({ plugin: manifest.name }),
    publicUrl: dependencies.publicUrl.replace(/\/+$/, ''),
    store: <T extends object>(collection: string) => {
      const store = stores.get(collection);
      if (store === undefined) throw new PluginManifestError(manifest.name, 'manifest.stores', `does not declare the store "${collection}"`);
      return store as unknown as Collection<T>;
    },
    statements: {
      ...dependencies.statements,
      record: (statements, options) => dependencies.recordStatements(manifest.name, statements, options),
      caughtUp: (timeoutMs) => dependencies.eventsCaughtUp(manifest.name, timeoutMs),
      receive: (items, options) => dependencies.receiveStatements(manifest.name, items, options),
    },
    http: pluginHttp(manifest.name, dependencies),
    people: dependencies.people,
    metrics: pluginMetrics(manifest.name, dependencies.metrics),
    console: { requireAdmin: () => dependencies.console.requireAdmin(), renderPage: (res, options) => dependencies.console.renderPage(res, options) },
    service: (name) => services.get(name),
  };
  const hooks = await plugin.setup(context);
  services.offer(manifest.name, hooks.services ?? {});
  return {
    name: manifest.name,
    version: manifest.version,
    routes: hooks.routes,
    formerPaths: manifest.formerPaths ?? [],
    nav: checkedLinks(manifest.name, 'setup().nav', hooks.nav ?? []),
    console: checkedLinks(manifest.name, 'setup().console', hooks.console ?? []),
    openapi: pluginOpenApi({ plugin, folder, settings }),
    jobs: declaredJobs(manifest.name, manifest.jobs, hooks),
    onEvents: hooks.onEvents?.bind(hooks),
    derivedStores: Object.keys(manifest.stores).flatMap((name) => (manifest.stores[name]!.derived === true ? [stores.get(name)!] : [])),
    scopes: Object.fromEntries(Object.entries(manifest.scopes).map(([scope, what]) => [`plugins/${manifest.name}/${scope}`, what])),
    profileIds: manifest.profiles.flatMap((file) => profileIdIn(path.join(folder, file))),
  };
}

/** The `id` of a profile file; none when it cannot be read (registering it then stops the LRS, naming the plugin). */
function profileIdIn(file: string): string[] {
  try {
    const { id } = JSON.parse(fs.readFileSync(file, 'utf8')) as { id?: unknown };
    return typeof id === 'string' ? [id] : [];
  } catch {
    return [];
  }
}

function pluginHttp(name: string, dependencies: PlatformDependencies): PluginHttp {
  return {
    authenticate: dependencies.authenticate,
    requireScope: (scope) => requireGrant(`plugins/${name}/${scope}` as Scope),
    jsonBody: () => bodyReader(dependencies.jsonBodyLimitBytes, (req) => readJsonBody(req, dependencies.jsonBodyLimitBytes)),
    statementsBody: () =>
      bodyReader(Math.max(dependencies.jsonBodyLimitBytes, dependencies.multipartBodyLimitBytes), (req): StatementsBody => {
        const { statements, attachments } = readStatementsBody(req, dependencies.jsonBodyLimitBytes);
        const parts = attachments.map(({ sha2, contentType, body }) => ({ sha2, contentType, content: body }));
        return { json: statements, attachments: parts, raw: bodyBytes(req) };
      }),
  };
}

/** Reads the raw body within `limitBytes`, then sets `req.body` to what `read` makes of it (its throw answers the request). */
function bodyReader(limitBytes: number, read: (req: Request) => unknown): RequestHandler {
  const raw = rawBody(limitBytes);
  return (req, res, next) =>
    raw(req, res, (error?: unknown) => {
      if (error !== undefined) return next(error);
      try {
        req.body = read(req);
      } catch (parseError) {
        return next(parseError);
      }
      next();
    });
}

function checkedLinks(plugin: string, field: string, links: NavItem[]): NavItem[] {
  const outside = links.find((item) => !item.href.startsWith(`/plugins/${plugin}/`));
  if (outside !== undefined) throw new PluginManifestError(plugin, field, `links to "${outside.href}", outside /plugins/${plugin}/`);
  return links;
}

function declaredJobs(plugin: string, declared: string[], hooks: PluginHooks): RunningPlugin['jobs'] {
  return Object.entries(hooks.jobs ?? {}).map(([name, job]) => {
    if (!declared.includes(name)) throw new PluginManifestError(plugin, 'manifest.jobs', `does not declare the job "${name}" that setup returned`);
    return { name, job };
  });
}

/** A plugin's OpenAPI fragments (manifest.openapi) as one, their paths moved under /plugins/<name>. */
export function pluginOpenApi({ plugin, folder }: LoadedPlugin): OpenApiFragment | undefined {
  const { name } = plugin.manifest;
  const fragments = openApiFiles(plugin.manifest).map((file) => readOpenApiFragment(name, path.join(folder, file), `/plugins/${name}`));
  if (fragments.length === 0) return undefined;
  const { paths, components, tags } = mergeOpenApi({ paths: {} }, fragments.map((openapi) => ({ name, openapi }))) as unknown as OpenApiFragment;
  return { paths, components, tags };
}

/** An OpenAPI fragment file (YAML with `paths`, optional `components` and `tags`), its paths under `prefix`. */
export function readOpenApiFragment(plugin: string, file: string, prefix: string): OpenApiFragment {
  let parsed: unknown;
  try {
    parsed = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PluginManifestError(plugin, 'manifest.openapi', `is not valid YAML: ${(error as Error).message}`);
  }
  const fragment = parsed as Partial<OpenApiFragment> | null;
  if (typeof fragment !== 'object' || fragment === null || typeof fragment.paths !== 'object' || fragment.paths === null) {
    throw new PluginManifestError(plugin, 'manifest.openapi', 'must be a YAML object with "paths"');
  }
  const paths = Object.fromEntries(Object.entries(fragment.paths).map(([route, item]) => [`${prefix}${route}`, item]));
  return { paths, components: fragment.components, tags: fragment.tags };
}

/** The core OpenAPI document with every plugin's fragment merged in. */
export function mergeOpenApi(core: Record<string, unknown>, plugins: Array<Pick<RunningPlugin, 'name' | 'openapi'>>): Record<string, unknown> {
  const merged = structuredClone(core) as Record<string, unknown> & {
    paths: Record<string, unknown>;
    components?: Record<string, Record<string, unknown>>;
    tags?: Array<{ name: string }>;
  };
  for (const plugin of plugins) {
    if (plugin.openapi === undefined) continue;
    for (const [route, item] of Object.entries(plugin.openapi.paths)) {
      if (route in merged.paths) throw new PluginManifestError(plugin.name, 'manifest.openapi', `documents ${route}, which is already documented`);
      merged.paths[route] = item;
    }
    mergeComponents(plugin.name, (merged.components ??= {}), plugin.openapi.components ?? {});
    merged.tags = [...(merged.tags ?? []), ...(plugin.openapi.tags ?? []).filter((tag) => !merged.tags?.some((known) => known.name === tag.name))];
  }
  return merged;
}

function mergeComponents(plugin: string, target: Record<string, Record<string, unknown>>, source: Record<string, Record<string, unknown>>): void {
  for (const [kind, entries] of Object.entries(source)) {
    const existing = (target[kind] ??= {});
    for (const [name, value] of Object.entries(entries)) {
      if (name in existing && JSON.stringify(existing[name]) !== JSON.stringify(value)) {
        throw new PluginManifestError(plugin, 'manifest.openapi', `defines components.${kind}.${name}, which the core or another plugin defines differently`);
      }
      existing[name] = value;
    }
  }
}

/** A router mounting every plugin's routes under /plugins/<name>, and its former paths as 308 redirects. */
export function pluginRoutes(plugins: RunningPlugin[]): Router {
  const router = Router();
  for (const plugin of plugins) {
    const base = `/plugins/${plugin.name}`;
    for (const former of plugin.formerPaths) {
      router.use(former, (req, res) => res.redirect(308, `${base}${req.url === '/' ? '' : req.url}`));
    }
    if (plugin.routes !== undefined) router.use(base, plugin.routes);
  }
  return router;
}
