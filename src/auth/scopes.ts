/**
 * xAPI authorization scopes (xAPI-Communication.md §4.2, table 4.2.s2) and the decision of
 * whether a set of scopes allows an operation on an xAPI resource.
 *
 * The spec defines the scopes for OAuth but leaves their interpretation to the LRS (§5.0);
 * this LRS applies them to every credential, however it authenticates.
 */
export const XAPI_SCOPES = [
  'statements/write',
  'statements/read',
  'statements/read/mine',
  'state',
  'define',
  'profile',
  'all/read',
  'all',
] as const;

/**
 * Keiko's own scopes, outside the xAPI: `admin` administers the LRS (credentials, people and their
 * roles, profiles, plugin events) and holds every other Keiko and plugin scope; `people/links` lets
 * an institution link its own accounts to people; `people/login-links` lets it sign its learners in.
 */
export const KEIKO_SCOPES = ['admin', 'people/links', 'people/login-links'] as const;

export const SCOPES = [...XAPI_SCOPES, ...KEIKO_SCOPES] as const;

/** A plugin's scope: `plugins/<plugin name>/<short name>` (src/plugin-api). */
export type PluginScope = `plugins/${string}/${string}`;
const PLUGIN_SCOPE = /^plugins\/[a-z][a-z0-9-]{1,30}\/[a-z][a-z0-9-/]{0,60}$/;

export type Scope = (typeof SCOPES)[number] | PluginScope;

/** The scopes assumed when none are requested (§4.2.s5.b2). */
export const DEFAULT_SCOPES: readonly Scope[] = ['statements/write', 'statements/read/mine'];

export type Resource =
  | 'statements'
  | 'state'
  | 'activities/profile'
  | 'agents/profile'
  | 'activities'
  | 'agents'
  | 'about';

/**
 * What a request does. `write: true` on `activities` or `agents` (which have no write
 * endpoint) stands for (re)defining their canonical representation while storing statements.
 */
export type Operation = { resource: Resource; write: boolean };

/** `allow-mine`: only statements whose authority is the requesting credential (statements/read/mine). */
export type Decision = 'allow' | 'allow-mine' | 'deny';

interface Grant {
  /** Scopes that allow reading; `'anyone'` when any authenticated credential may read. */
  read: readonly Scope[] | 'anyone';
  write: readonly Scope[];
}

/**
 * Which scopes allow what. `all` is "unrestricted access" and `all/read` "unrestricted read
 * access", so they appear in every read list (and `all` in every write list).
 */
const GRANTS: Readonly<Record<Resource, Grant>> = {
  // "statements/write: write any Statement"; "statements/read: read any Statement".
  statements: { read: ['statements/read', 'all/read', 'all'], write: ['statements/write', 'all'] },
  // "state: read/write state data".
  state: { read: ['state', 'all/read', 'all'], write: ['state', 'all'] },
  // "profile: read/write Profile document data" (activity and agent profiles alike).
  'activities/profile': { read: ['profile', 'all/read', 'all'], write: ['profile', 'all'] },
  'agents/profile': { read: ['profile', 'all/read', 'all'], write: ['profile', 'all'] },
  // "define: (re)Define Activities and Actors". Reading the canonical Activity or Person is
  // reading what statements say, so whoever may read every statement may read them too.
  activities: { read: ['statements/read', 'all/read', 'all'], write: ['define', 'all'] },
  agents: { read: ['statements/read', 'all/read', 'all'], write: ['define', 'all'] },
  // "An LRS SHOULD allow unauthenticated access to this resource" (§2.8.s5.b3).
  about: { read: 'anyone', write: ['all'] },
};

/** "statements/read/mine: read Statements written by 'me'" — statement reads only. */
const READ_MINE_SCOPE: Scope = 'statements/read/mine';

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value) || PLUGIN_SCOPE.test(value);
}

/** Whether the scopes grant a Keiko or plugin scope: holding it, or holding `admin`. */
export function holdsScope(scopes: readonly Scope[], scope: Scope): boolean {
  return scopes.includes(scope) || scopes.includes('admin');
}

/**
 * Parses a list of scopes separated by commas and/or spaces (OAuth 2.0 separates them with
 * spaces). Throws on an unknown scope or an empty list. Duplicates are dropped.
 */
export function parseScopes(text: string): Scope[] {
  const names = text.split(/[\s,]+/).filter((name) => name !== '');
  if (names.length === 0) throw new Error(`No scopes given; known scopes: ${SCOPES.join(', ')}`);
  const unknown = names.filter((name) => !isScope(name));
  if (unknown.length > 0) {
    throw new Error(`Unknown scope(s) ${unknown.join(', ')}; known scopes: ${SCOPES.join(', ')}, plugins/<plugin>/<scope>`);
  }
  return [...new Set(names as Scope[])];
}

export function authorize(scopes: readonly Scope[], operation: Operation): Decision {
  const granting = grantingScopes(operation);
  if (granting === 'anyone' || scopes.some((scope) => granting.includes(scope))) return 'allow';
  if (allowsReadMine(operation) && scopes.includes(READ_MINE_SCOPE)) return 'allow-mine';
  return 'deny';
}

/** The scopes any one of which would allow the operation (at least partly); empty when no scope is needed. */
export function scopesAllowing(operation: Operation): Scope[] {
  const granting = grantingScopes(operation);
  if (granting === 'anyone') return [];
  return allowsReadMine(operation) ? [...granting, READ_MINE_SCOPE] : [...granting];
}

function grantingScopes(operation: Operation): readonly Scope[] | 'anyone' {
  const grant = GRANTS[operation.resource];
  return operation.write ? grant.write : grant.read;
}

function allowsReadMine(operation: Operation): boolean {
  return operation.resource === 'statements' && !operation.write;
}
