/**
 * The public plugin API: the only module of Keiko that a plugin (src/plugins/<name>/) imports.
 * The import-graph test (.dependency-cruiser.cjs, run by `npm test`) fails when a plugin reaches
 * deeper into the core, imports a database driver, or when the core imports a plugin.
 *
 * A plugin is a folder with an `index.ts` whose default export is a KeikoPlugin: a manifest (pure
 * data, validated at start; a bad one stops the LRS with a message naming the plugin and the
 * field) and `setup`, called once at start with the plugin's context, returning its hooks.
 */
import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response, Router } from 'express';
import type { Logger } from 'pino';
import { requireScope } from '../auth/authenticate';
import type { PeopleForPlugins, Role, SignedIn } from '../people';
import type { Env } from '../settings-reader';
import type { LocalizedText, NavItem, PageOptions } from '../web';
import type { Collection, CollectionDeclaration } from '../storage/collections/collection-store';
import { parseAgentParameter as parseXapiAgentParameter } from '../xapi/parameters';
import { ifiKey as ifiKeyOf } from '../xapi/actors';
import { BadRequestCode, BadRequestError, ForbiddenError, UnsupportedMediaTypeError } from '../errors';
import { createStatementValidator, type StatementValidator } from '../xapi/statements/validation/validate-statement';
import type { Agent, Statement, StoredStatement } from '../xapi/types';
import { buildStatementsBody as buildXapiStatementsBody, parseStatementsBody as parseXapiStatementsBody } from '../xapi/statements/attachments/statements-body';
import { statementFingerprint } from '../xapi/statements/fingerprint';

export type { Collection, CollectionDeclaration, FieldValue, FindQuery, IndexDeclaration, StoredDocument } from '../storage/collections/collection-store';
export { UniqueIndexViolation } from '../storage/collections/collection-store';
export type { Agent, InverseFunctionalIdentifiers, StoredStatement } from '../xapi/types';
export type { Logger } from 'pino';
export { BadRequestCode, BadRequestError, ConflictError, ForbiddenError, HttpError, NotFoundError, ServiceUnavailableError, UnsupportedMediaTypeError } from '../errors';
/** Request parameters: a UUID path parameter (400 INVALID_PARAMETER otherwise), and query parameters given at most once. */
export { parseUuidParameter } from '../xapi/parameters';
export type { Identity, PeopleForPlugins, Role, SignedIn } from '../people';
/** The web shell (docs/web.md): pages, their language, forms with CSRF tokens and their steps, charts. */
export {
  allowFormTarget,
  BarChart,
  Choice,
  CsrfField,
  csrfToken,
  defineMessages,
  Field,
  formStep,
  PostForm,
  Select,
  TextArea,
  type FormStep,
  i18n,
  LineChart,
  renderPage,
  requireCsrfToken,
  usePage,
  webPage,
  type LocalizedText,
  type Locale,
  type NavItem,
  type PageMeta,
  type PageOptions,
} from '../web';
export { singleParameters } from '../http/parameters';
/** The admin console's table: a caption-less, horizontally scrollable table with column headers (docs/console.md). */
export { ScrollTable, type Column } from '../console/scroll-table';

let agentValidator: StatementValidator | undefined;

/**
 * An `agent` query parameter as the xAPI resources take it: JSON of an Agent (not a Group) with
 * exactly one IFI, checked like a statement's actor. Returns it with its ifiKey, or throws
 * 400 INVALID_PARAMETER saying what is wrong.
 */
export function parseAgentParameter(value: string): { agent: Agent; key: string } {
  agentValidator ??= createStatementValidator();
  const validator = agentValidator;
  const { actor, key } = parseXapiAgentParameter(value, (input, path) => validator.validateActor(input, path), 'agents-only');
  return { agent: actor as Agent, key };
}
/**
 * The key under which the LRS compares an agent's IFI (an mbox's domain case-insensitively), or
 * undefined without one; identifierOfKey gives the IFI back from a key.
 */
export { identifierOfKey, ifiKey } from '../xapi/actors';
/** The period of a cron expression in ms (the gap between its next two firings). */
export { cronPeriodMs } from '../jobs/cron-period';
/** What `settings(env)` reads with: every problem collected, each naming its variable. */
export { SettingsReader, type Env } from '../settings-reader';

/**
 * 403 unless the request's credential may read statements, as the xAPI Statement resource asks
 * (`statements/read`, `all/read`, `all`, or `statements/read/mine`: then `ownStatementsOnly`
 * names the credential whose statements alone it may see). After `http.authenticate`.
 */
export function requireStatementRead(): RequestHandler {
  return requireScope({ resource: 'statements', write: false });
}

/**
 * After `requireStatementRead`: the key of the request's credential when it may read only the
 * statements it stored (`statements/read/mine`; compare with FeedStatement.credentialKey),
 * undefined when it may read every statement.
 */
export function ownStatementsOnly(req: Request): string | undefined {
  return req.readMineOnly ? (req.credential?.key ?? '') : undefined;
}

/**
 * Whether the plugin `pluginName` recorded the statement (PluginStatements.record): its decisions
 * count only when it did, since any credential that may write statements could send the same verbs.
 */
/** A `limit` query parameter: `fallback` when absent, else a whole number from 1 to `max` (400 INVALID_PARAMETER otherwise). */
export function limitParameter(value: string | undefined, { fallback, max }: { fallback: number; max: number }): number {
  if (value === undefined) return fallback;
  const limit = /^\d{1,7}$/.test(value) ? Number(value) : 0;
  if (limit < 1 || limit > max) throw new BadRequestError(BadRequestCode.InvalidParameter, `limit must be a whole number from 1 to ${max}, got "${value.slice(0, 20)}"`);
  return limit;
}

/**
 * Whether two statements are the same statement by the comparison of Data 2.3.1: what the LRS may
 * set (id, authority, stored, version), Activity definitions, Verb display and how times are
 * written are left out. The LRS takes a re-sent statement as already stored exactly when this holds.
 */
export function sameStatement(a: object, b: object): boolean {
  return statementFingerprint(withDefaultObjectTypes(a)) === statementFingerprint(withDefaultObjectTypes(b));
}

/**
 * The objectTypes a statement may leave out written in (Data 2.4.2.1, 2.4.4: an Agent, an
 * Activity), so that another LRS writing them out does not make it a different statement.
 */
function withDefaultObjectTypes(statement: object): Statement {
  const agent = (actor: unknown) => (isRecord(actor) && actor.objectType === undefined ? { ...actor, objectType: 'Agent' } : actor);
  const object = (target: unknown) => (isRecord(target) && target.objectType === undefined ? { ...target, objectType: 'Activity' } : target);
  const parts = (value: Record<string, unknown>) => {
    const context = isRecord(value.context) && value.context.instructor !== undefined ? { ...value.context, instructor: agent(value.context.instructor) } : value.context;
    return { ...value, actor: agent(value.actor), object: object(value.object), ...(context !== undefined && { context }) };
  };
  const outer = parts(statement as Record<string, unknown>);
  const inner = outer.object;
  return (isRecord(inner) && inner.objectType === 'SubStatement' ? { ...outer, object: parts(inner) } : outer) as unknown as Statement;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An attachment's content with its SHA-2 (lower-case hex), as statements carry them (Communication 1.5.2). */
export interface StatementAttachmentPart {
  sha2: string;
  contentType: string;
  content: Buffer;
}

/**
 * A statements body as another LRS takes it (PUT/POST /statements) or answers it (GET with
 * attachments): JSON alone without attachments, else multipart/mixed with the JSON first.
 */
export function buildStatementsBody(json: unknown, attachments: readonly StatementAttachmentPart[]): { contentType: string; body: Buffer } {
  return buildXapiStatementsBody(json, new Map(attachments.map(({ sha2, contentType, content }) => [sha2, { contentType, content }])));
}

/**
 * Reads a statements body (application/json or multipart/mixed, Communication 1.5.2): the JSON of
 * its first part and the attachment parts, each checked against its X-Experience-API-Hash. Throws
 * a BadRequestError saying what is wrong.
 */
export function parseStatementsBody(contentType: string | undefined, body: Buffer): { json: unknown; attachments: StatementAttachmentPart[] } {
  const { json, attachments } = parseXapiStatementsBody(contentType, body);
  return { json, attachments: attachments.map(({ sha2, contentType: type, body: content }) => ({ sha2, contentType: type, content })) };
}

export function recordedByPlugin(statement: StoredStatement, pluginName: string): boolean {
  const authority = statement.authority;
  return authority.objectType !== 'Group' && authority.account?.name === `plugin/${pluginName}`;
}

/**
 * A JSON request's object: `value` when it is a JSON object holding only the `known` fields (any
 * field when `known` is omitted), else 400 `code` saying what is wrong. `path` names a nested
 * object in the messages ("address must be a JSON object", "Unknown field address.floor").
 */
export function objectFields(value: unknown, code: string, options: { known?: readonly string[]; path?: string } = {}): Record<string, unknown> {
  const { known, path } = options;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequestError(code, `${path ?? 'The body'} must be a JSON object`);
  const unknown = known === undefined ? undefined : Object.keys(value).find((key) => !known.includes(key));
  if (unknown !== undefined) {
    throw new BadRequestError(code, `Unknown field ${path === undefined ? '' : `${path}.`}${unknown.slice(0, 64)}; the fields are ${known!.join(', ')}`);
  }
  return value as Record<string, unknown>;
}

/**
 * A text in English and Spanish, `{ "en": "…", "es": "…" }` (at least one language when
 * `required`), each 1 to `max` characters, else 400 `code` naming the field and the language.
 */
export function localizedTextField(value: unknown, field: string, code: string, { max, required }: { max: number; required: boolean }): Partial<LocalizedText> {
  const map = objectFields(value, code, { path: field });
  const entries = Object.entries(map);
  if (required && entries.length === 0) throw new BadRequestError(code, `${field} needs an English or Spanish text, e.g. {"en": "…", "es": "…"}`);
  for (const [language, text] of entries) {
    if (language !== 'en' && language !== 'es') throw new BadRequestError(code, `${field} has the language ${JSON.stringify(language.slice(0, 64))}; the languages are en and es`);
    if (typeof text !== 'string' || text.trim() === '' || text.length > max) throw new BadRequestError(code, `${field}.${language} must be a non-empty text of at most ${max} characters`);
  }
  return map as Partial<LocalizedText>;
}

/** The credential key of an authenticated request (after `http.authenticate`), undefined otherwise. */
export function credentialKeyOf(req: Request): string | undefined {
  return req.credential?.key;
}

/**
 * A UUID (RFC 9562 version 8) from the SHA-256 of `text`: the same text gives the same id, whoever
 * computes it, so a plugin recording a step again after a crash records the same statement. Start
 * `text` with the plugin's name so that plugins' ids never meet.
 */
export function nameBasedUuid(text: string): string {
  const bytes = createHash('sha256').update(text).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Middleware for routes that people use signed in and systems use with HTTP Basic credentials: a
 * request without a signed-in person is authenticated and needs `scope` (the plugin's short scope
 * name); a signed-in person's request goes to `whenSignedIn` (which checks roles or the body's type).
 */
export function signedInOrScope(
  http: Pick<PluginHttp, 'authenticate' | 'requireScope'>,
  people: Pick<PeopleForPlugins, 'signedIn'>,
  scope: string,
  whenSignedIn: (req: Request, signedIn: SignedIn, next: (error?: unknown) => void) => void,
): RequestHandler {
  const requireScope = http.requireScope(scope);
  return (req, res, next) => {
    const signedIn = people.signedIn(req);
    if (signedIn !== undefined) return whenSignedIn(req, signedIn, next);
    http.authenticate(req, res, (error?: unknown) => {
      if (error) return next(error);
      try {
        requireScope(req, res, next);
      } catch (refused) {
        next(refused); // thrown inside authenticate's callback, outside Express's handling
      }
    });
  };
}

/**
 * signedInOrScope for routes where people act as themselves and systems for the Agent they name:
 * a signed-in person's writes must be JSON (`Content-Type: application/json`, which a cross-site
 * form cannot send: 415 otherwise), and when `role` is given the person must hold it (403).
 */
export function actingPersonOrScope(
  http: Pick<PluginHttp, 'authenticate' | 'requireScope'>,
  people: Pick<PeopleForPlugins, 'signedIn' | 'hasRole'>,
  scope: string,
  role?: Role,
): RequestHandler {
  return signedInOrScope(http, people, scope, (req, signedIn, next) => {
    if (!['GET', 'HEAD'].includes(req.method) && !req.is('application/json')) {
      return next(new UnsupportedMediaTypeError('Send JSON (Content-Type: application/json)'));
    }
    if (role === undefined) return next();
    people.hasRole(signedIn.person.id, role).then((holds) => next(holds ? undefined : new ForbiddenError(`Only a ${role} may do this`)), next);
  });
}

/** Who acts on a plugin's request: a signed-in person as one of their identities, or a credential acting for an Agent. */
export interface Party {
  agent: Agent;
  /** ifiKey(agent): how the LRS compares Agents. */
  key: string;
  /** The signed-in person, when a person asks. */
  personId?: string;
  /** The credential, when a system asks with HTTP Basic. */
  credentialKey?: string;
}

/**
 * Who acts on a request that passed signedInOrScope: the signed-in person as their first linked
 * identity (an account on this LRS when none is linked), or, for a credential, the Agent in the
 * body's `actor` (400 INVALID_PARAMETER unless it is one), else the credential's own authority.
 */
export async function partyOf(req: Request, people: Pick<PeopleForPlugins, 'signedIn' | 'identitiesOf'>, publicUrl: string): Promise<Party> {
  const signedIn = people.signedIn(req);
  if (signedIn !== undefined) {
    const { person } = signedIn;
    const identity = (await people.identitiesOf(person.id))[0] ?? { account: { homePage: publicUrl, name: `person/${person.id}` } };
    const agent: Agent = { objectType: 'Agent', name: person.name, ...identity };
    return { agent, key: ifiKeyOf(agent)!, personId: person.id };
  }
  const credentialKey = credentialKeyOf(req);
  const actor = (req.body as { actor?: unknown } | undefined)?.actor;
  if (actor !== undefined) {
    if (typeof actor !== 'object' || actor === null) throw new BadRequestError(BadRequestCode.InvalidParameter, 'actor must be an Agent');
    const { agent, key } = parseAgentParameter(JSON.stringify(actor));
    return { agent, key, credentialKey };
  }
  const agent = { ...req.credential!.authority, objectType: 'Agent' } as Agent;
  return { agent, key: ifiKeyOf(agent)!, credentialKey };
}

export interface PluginManifest {
  /** [a-z][a-z0-9-]{1,30}: the folder, the route prefix /plugins/<name>/, the store namespace. */
  name: string;
  /** Semantic version of the plugin. */
  version: string;
  description: string;
  /** xAPI Profiles (JSON-LD files, relative to the plugin's folder) this plugin defines. */
  profiles: string[];
  /**
   * Scopes of its own, by short name ([a-z][a-z0-9-/]*) with what each allows. A credential holds
   * them as `plugins/<name>/<short name>`; `admin` holds every scope.
   */
  scopes: Record<string, string>;
  /** Its stores: collection name → declared indexes, and whether the store is derived from the statements. */
  stores: Record<string, PluginStoreDeclaration>;
  /** The names of its leased jobs ([a-z][a-z0-9-]*); `setup` returns their schedules and runs. */
  jobs: string[];
  /**
   * OpenAPI 3.1 fragments (YAML files relative to the plugin's folder, one or a list, e.g. one per
   * feature folder) documenting its routes, paths relative to /plugins/<name>.
   */
  openapi?: string | string[];
  /** Earlier mount points (e.g. `/anchoring`) that answer 308 to the same path under /plugins/<name>. */
  formerPaths?: string[];
}

export interface PluginStoreDeclaration extends CollectionDeclaration {
  /**
   * Rebuilt from the statements by `onEvents`: `keiko plugins rebuild <name>` empties it, then
   * delivers every statement again. Stores without it hold what people or the plugin decided
   * (settings, keys, shares) and are never emptied by a rebuild.
   */
  derived?: boolean;
}

/** What the platform hands a plugin at start. */
export interface PluginContext {
  readonly name: string;
  /** Its settings, as `settings(env)` of the plugin returned them. */
  readonly settings: unknown;
  readonly logger: Logger;
  /** The LRS's public base URL (no trailing slash). */
  readonly publicUrl: string;
  /** A collection declared in the manifest's `stores` (others are refused). */
  store<T extends object = Record<string, unknown>>(collection: string): Collection<T>;
  readonly statements: PluginStatements;
  readonly http: PluginHttp;
  /** Who is signed in, their roles and linked identities (src/people). */
  readonly people: PeopleForPlugins;
  /** Its Prometheus metrics, served with the LRS's at /metrics. */
  readonly metrics: PluginMetrics;
  /** Pages of its own in the admin console (docs/console.md), listed by setup's `console`. */
  readonly console: PluginConsole;
  /**
   * A service another plugin offers (its setup's `services`), looked up when called, so call it
   * from handlers and jobs rather than in setup. Undefined while no loaded plugin offers it.
   */
  service<K extends keyof PluginServices>(name: K): PluginServices[K] | undefined;
}

/**
 * Services plugins offer one another, typed here so that neither imports the other (the import
 * graph forbids it). A plugin offers one by returning it in its setup's `services`.
 */
export interface PluginServices {
  /** Anchoring state and receipts of statements: offered by the anchoring plugin while anchoring is on. */
  receipts: StatementReceipts;
  /** People's reputation scores and badges: offered by the reputation plugin. */
  reputation: ReputationSummaries;
  /** Communities' recognitions of one another and their rules: offered by the governance plugin. */
  governance: CommunityGovernance;
  /** Checks of anchoring receipts, any LRS's: offered by the anchoring plugin, whether anchoring is on or off. */
  receiptVerifier: ReceiptVerifier;
}

export interface ReceiptVerifier {
  /**
   * The checks of a receipt (docs/anchoring.md, "Checking a receipt") against the statement as its
   * issuer stored it: format, digest, leaf, proof and signature; with anchoring on, also whether
   * the chain this LRS anchors on holds its root. A check that cannot be made says `skipped`.
   */
  verify(receipt: unknown, statement: object): Promise<ReceiptCheckResult[]>;
}

export interface ReceiptCheckResult {
  name: string;
  status: 'pass' | 'fail' | 'skipped';
  detail: string;
}

/**
 * What communities decided (docs/governance.md): a recognition A → B is explicit, directional and
 * scoped, adopted by a vote of A and signed by A's admin; federation accepts B's statements and
 * authorities in A only within that scope.
 */
export interface CommunityGovernance {
  /** Recognitions in force that `community` (its slug) granted, newest first. */
  recognitionsBy(community: string): Promise<CommunityRecognition[]>;
  /**
   * Whether `from` recognises `to` for this verb, activity type or credential type (each given is
   * checked against the scope; a recognition whose scope leaves out a kind does not cover it).
   */
  recognizes(from: string, to: string, subject: { verb?: string; activityType?: string; credentialType?: string }): Promise<boolean>;
  /** The rules in force in `community`: which statements count for its credentials. */
  rulesOf(community: string): Promise<CommunityRule[]>;
}

export interface CommunityRecognition {
  from: string;
  to: string;
  /** The Activity IRIs of both communities. */
  fromIri: string;
  toIri: string;
  scope: { verbs?: string[]; activityTypes?: string[]; credentialTypes?: string[] };
  /** The adopted proposal that decided it, and the recognized statement A's admin recorded. */
  proposalId: string;
  statementId: string;
  grantedAt: string;
}

export interface CommunityRule {
  community: string;
  /** The rule's slug within its community, and its Activity IRI. */
  slug: string;
  iri: string;
  name: LocalizedText;
  criteria: { verbs?: string[]; activityTypes?: string[]; authorities?: string[]; minScaledScore?: number };
  /** The adopted proposal that made it the rule in force. */
  proposalId: string;
  adoptedAt: string;
}

export interface ReputationSummaries {
  /** The reputation of one person, whose identities (IFI keys, see ifiKey) are `agentKeys`, merged. */
  summaryOf(agentKeys: string[]): Promise<ReputationSummary>;
}

export interface ReputationSummary {
  /** Recency-weighted over the decay window, null without a recent rating. */
  current: number | null;
  /** Every counted rating, null without any. */
  historical: number | null;
  totalRatings: number;
  recentRatings: number;
  badges: Array<{ id: string; label: LocalizedText }>;
  /** The page with the details (under /plugins/reputation/). */
  href: string;
}

export interface StatementReceipts {
  /** The state of each statement id given: anchored (with its receipt's URL) or pending (not in an anchored batch yet). */
  statesOf(statementIds: string[]): Promise<Map<string, AnchoringState>>;
  /** The signed receipt of an anchored statement (docs/anchoring.md), undefined while it is pending. */
  receiptOf(statementId: string): Promise<object | undefined>;
}

export type AnchoringState =
  | {
      state: 'anchored';
      /** Its receipt: GET with a credential that may read statements. */
      receiptUrl: string;
      transactionHash: string;
    }
  | { state: 'pending' };

/**
 * The admin console for a plugin's pages (mounted in its routes, under /plugins/<name>/):
 * `router.get('/console', ...context.console.requireAdmin(), handler)` and, in the handler,
 * `context.console.renderPage(res, { title, body })`.
 */
export interface PluginConsole {
  /**
   * Middleware list: only operators signed in to the console (with a credential holding `admin`)
   * pass, with `req.consoleAdmin` set and forms checked against their session; others are sent to
   * /console/sign-in and back (303, GET/HEAD) or get 403 CONSOLE_SIGN_IN_REQUIRED. Put it on each
   * route rather than `router.use`, before any `http.authenticate`.
   */
  requireAdmin(): RequestHandler[];
  /** renderPage with the console's section navigation. */
  renderPage(res: Response, options: PageOptions): void;
}

/**
 * Prometheus metrics of a plugin. Every name must start with `keiko_plugin_<name>_` (its name with
 * `-` as `_`), so plugins cannot clash with each other or with the core; another name stops the LRS.
 */
export interface PluginMetrics {
  /** A gauge whose samples `collect` gives at every scrape (e.g. counted in the plugin's store). */
  gauge(definition: MetricDefinition & { collect(): Promise<MetricSample[]> | MetricSample[] }): void;
  /** A counter the plugin increments as things happen (since the process started). */
  counter(definition: MetricDefinition): PluginCounter;
}

export interface MetricDefinition {
  name: string;
  help: string;
  labelNames?: string[];
}

export interface MetricSample {
  /** Values of the metric's labelNames (none for a metric without labels). */
  labels?: Record<string, string>;
  value: number;
}

export interface PluginCounter {
  inc(labels?: Record<string, string>, amount?: number): void;
}

/** Statements as a plugin reads and records them. */
export interface PluginStatements extends StatementReader {
  /**
   * Stores statements in one batch as the LRS itself (authority: the Agent "Keiko LRS" with the
   * account `plugin/<name>` on the LRS's public URL), through the same validation and xAPI Profile
   * enforcement as POST /xapi/statements: a refused batch throws its HttpError and nothing is
   * stored. Returns their ids. With `applied`, resolves only once this plugin's own `onEvents`
   * has handled them too (at most 2 s; then it resolves anyway), so that what a request reads next
   * shows them. Not from `onEvents` (its batch would wait on the delivery it is in).
   */
  record(statements: object[], options?: { applied?: boolean }): Promise<string[]>;
  /**
   * Waits (at most `timeoutMs`) until this plugin's own `onEvents` has handled every statement
   * stored before the call (its durable checkpoint, shared by every LRS instance); false if it has
   * not by then. For a job whose decision must see everything stored up to a moment (a vote's close).
   */
  caughtUp(timeoutMs: number): Promise<boolean>;
  /**
   * Stores statements received from another LRS or system (federation, import) with their ids and
   * content as received, through the same validation, attachment matching, signature checks and
   * xAPI Profile enforcement as POST /xapi/statements, all or nothing. Each gets `authority`
   * written in, unless `keepAuthority` keeps the authority it carries (Data 2.4.9: only under a
   * trust agreement). A statement already stored with the same content (sameStatement) is accepted
   * unchanged; one with other content throws ConflictError (409); an invalid one a BadRequestError
   * naming `statements[i]`. Returns the ids. A `stored` given is ignored: the LRS stamps its own.
   */
  receive(items: ReceivedStatement[], options: { authority: Agent; attachments?: StatementAttachmentPart[] }): Promise<string[]>;
}

export interface ReceivedStatement {
  statement: object;
  keepAuthority?: boolean;
}

/** Read access to stored statements, as every credential with `all/read` sees them. */
export interface StatementReader {
  /** A stored statement by id (voided ones included), with its record details. */
  get(id: string): Promise<StatementRecordView | undefined>;
  /**
   * Stored statements in feed order after `position` (exclusive), at most `limit`: what a plugin's
   * job reads when it keeps its own pace rather than handling events (anchoring does).
   */
  readFeed(after: FeedPosition | undefined, limit: number): Promise<FeedStatement[]>;
  /** The position of the newest statement readers can see now (0 while there is none). */
  feedHead(): Promise<FeedPosition>;
  /** The content of an attachment the LRS holds, by its SHA-2 (to send statements with their attachments). */
  attachment(sha2: string): Promise<StatementAttachmentPart | undefined>;
}

/** A statement's place in the feed: a sequence assigned when its batch was stored, never a clock. */
export type FeedPosition = number;

export interface StatementRecordView {
  id: string;
  statement: StoredStatement;
  stored: Date;
  voided: boolean;
  /** Key of the credential that stored it. */
  credentialKey: string;
}

export interface FeedStatement extends StatementRecordView {
  position: FeedPosition;
}

/**
 * Delivered to `onEvents` at least once, in feed order per plugin. Handlers must be idempotent by
 * statement id. A voided statement counts nowhere: its `voided` event may arrive before or after
 * (or instead of) its `stored` event; a `stored` event is never delivered for a statement already
 * voided when it is delivered.
 */
export type FeedEvent =
  | { type: 'stored'; position: FeedPosition; statement: FeedStatement }
  | { type: 'voided'; position: FeedPosition; statementId: string; voidedBy: string };

export interface PluginHttp {
  /** Authenticates the request (HTTP Basic credentials or a signed-in session) or answers 401. */
  authenticate: RequestHandler;
  /** 403 unless the request's credential holds `plugins/<name>/<scope>` (or `admin`). */
  requireScope(scope: string): RequestHandler;
  /** Parses a JSON request body (bounded size and depth) into `req.body`, or answers 400/413. */
  jsonBody(): RequestHandler;
  /**
   * Reads a statements body as POST /xapi/statements does (application/json, or multipart/mixed
   * with attachments; the same limits) into `req.body = { json, attachments }` (StatementsBody),
   * or answers 400/413.
   */
  statementsBody(): RequestHandler;
}

/** `req.body` after `http.statementsBody()`: the JSON (of the first part) and the attachment parts. */
export interface StatementsBody {
  json: unknown;
  attachments: StatementAttachmentPart[];
  /** The body exactly as received (multipart included), e.g. to check a digest of it. */
  raw: Buffer;
}

/** What a plugin's setup returns. Every hook is optional. */
export interface PluginHooks {
  /**
   * Mounted under /plugins/<name>/. Every route must be in the manifest's OpenAPI fragment. A link
   * that is itself a secret (a bearer token in the path) goes under /plugins/<name>/s/<token>: the
   * request log redacts that segment.
   */
  routes?: Router;
  /** Links to its pages (under /plugins/<name>/) in the web shell's header, in English and Spanish. */
  nav?: NavItem[];
  /** Its sections of the admin console (pages under /plugins/<name>/ behind `context.console.requireAdmin()`). */
  console?: NavItem[];
  /** Durable post-store events; never called inside the write of a batch. Throw to have the batch retried. */
  onEvents?(events: FeedEvent[]): Promise<void>;
  /** Services it offers other plugins (see PluginServices). */
  services?: Partial<PluginServices>;
  /**
   * Jobs declared in the manifest, by name (a plugin may leave some out, e.g. when a setting turns
   * them off). Each runs under a lease, so one LRS instance runs it at a time, never overlapping.
   */
  jobs?: Record<string, PluginJob>;
}

export interface PluginJob {
  /** A cron expression (node-cron syntax, seconds optional). */
  schedule: string;
  /** One run: a bounded amount of work, safe to stop at any point and to repeat. */
  run(): Promise<void>;
}

export interface KeikoPlugin {
  manifest: PluginManifest;
  /** Reads and validates the plugin's settings once at start; returns problems to stop the LRS with. */
  settings?(env: Env): { settings: unknown; problems: string[] };
  setup(context: PluginContext): PluginHooks | Promise<PluginHooks>;
}

/** Identity helper that keeps a plugin's definition typed. */
export function definePlugin(plugin: KeikoPlugin): KeikoPlugin {
  return plugin;
}
