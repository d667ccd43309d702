/**
 * Which statements a subscription sends (issue 15 "filters"; fields of xAPI Data §2.4): every kind
 * of filter given must match (AND across kinds), any value within a kind may (OR within one).
 * Pure: the delivery engine resolves a voiding statement's target and asks about the target.
 */
import { BadRequestError, ifiKey, objectFields, parseAgentParameter, type Agent, type StoredStatement } from '../../../plugin-api';

export interface SubscriptionFilters {
  /** The actor or the object is one of these Agents (compared by IFI, Data §2.4.2.3). */
  agents?: Agent[];
  /** verb.id (Data §2.4.3). */
  verbs?: string[];
  /** object.id of an Activity object (Data §2.4.4.1). */
  activities?: string[];
  /** context.registration (Data §2.4.6). */
  registrations?: string[];
  /** An id of context.contextActivities.category: where xAPI Profiles are named (Data §2.4.6.2). */
  profiles?: string[];
}

export const INVALID_SUBSCRIPTION = 'INVALID_SUBSCRIPTION';
export const FILTER_KINDS = ['agents', 'verbs', 'activities', 'registrations', 'profiles'] as const;
const MAX_VALUES = 100;
const MAX_IRI = 2048;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IRI = /^[a-z][a-z0-9+.-]*:\S+$/i;

/** A subscription's `filters` as a client sends them: 400 INVALID_SUBSCRIPTION naming the field otherwise. */
export function parseFilters(input: unknown): SubscriptionFilters {
  const body = objectFields(input, INVALID_SUBSCRIPTION, { known: FILTER_KINDS, path: 'filters' });
  const filters: SubscriptionFilters = {};
  if (body.agents !== undefined) filters.agents = list(body.agents, 'agents').map((agent, index) => filterAgent(agent, `filters.agents[${index}]`));
  if (body.verbs !== undefined) filters.verbs = list(body.verbs, 'verbs').map((iri, index) => filterIri(iri, `filters.verbs[${index}]`));
  if (body.activities !== undefined) filters.activities = list(body.activities, 'activities').map((iri, index) => filterIri(iri, `filters.activities[${index}]`));
  if (body.profiles !== undefined) filters.profiles = list(body.profiles, 'profiles').map((iri, index) => filterIri(iri, `filters.profiles[${index}]`));
  if (body.registrations !== undefined) filters.registrations = list(body.registrations, 'registrations').map((id, index) => registration(id, `filters.registrations[${index}]`));
  return filters;
}

function list(value: unknown, kind: string): unknown[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_VALUES) {
    throw new BadRequestError(INVALID_SUBSCRIPTION, `filters.${kind} must be a list of 1 to ${MAX_VALUES} values (leave it out to let every ${kind.slice(0, -1)} pass)`);
  }
  return value;
}

function filterAgent(value: unknown, field: string): Agent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequestError(INVALID_SUBSCRIPTION, `${field} must be an Agent`);
  try {
    return parseAgentParameter(JSON.stringify(value)).agent;
  } catch (error) {
    throw new BadRequestError(INVALID_SUBSCRIPTION, `${field} is not an Agent with one identifier: ${(error as Error).message}`);
  }
}

function filterIri(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length > MAX_IRI || !IRI.test(value)) throw new BadRequestError(INVALID_SUBSCRIPTION, `${field} must be an IRI (at most ${MAX_IRI} characters)`);
  return value;
}

function registration(value: unknown, field: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw new BadRequestError(INVALID_SUBSCRIPTION, `${field} must be a UUID`);
  return value.toLowerCase();
}

/** A test of statements against `filters`, compiled once per subscription. */
export function statementFilter(filters: SubscriptionFilters): (statement: StoredStatement) => boolean {
  const agents = filters.agents && new Set(filters.agents.map((agent) => ifiKey(agent)));
  const verbs = filters.verbs && new Set(filters.verbs);
  const activities = filters.activities && new Set(filters.activities);
  const registrations = filters.registrations && new Set(filters.registrations);
  const profiles = filters.profiles && new Set(filters.profiles);
  return (statement) =>
    (agents === undefined || agentKeysOf(statement).some((key) => agents.has(key))) &&
    (verbs === undefined || verbs.has(statement.verb.id)) &&
    (activities === undefined || (activityIdOf(statement) !== undefined && activities.has(activityIdOf(statement)!))) &&
    (registrations === undefined || (statement.context?.registration !== undefined && registrations.has(statement.context.registration.toLowerCase()))) &&
    (profiles === undefined || categoryIdsOf(statement).some((id) => profiles.has(id)));
}

function agentKeysOf(statement: StoredStatement): string[] {
  const object = statement.object as { objectType?: string };
  const candidates = [statement.actor, ...(object.objectType === 'Agent' || object.objectType === 'Group' ? [object] : [])];
  return candidates.map((candidate) => ifiKey(candidate as Agent)).filter((key): key is string => key !== undefined);
}

/** Stored statements hold lists, but a single Activity is valid input too (Data §2.4.6.2). */
function categoryIdsOf(statement: StoredStatement): string[] {
  const category = statement.context?.contextActivities?.category;
  return (category === undefined ? [] : Array.isArray(category) ? category : [category]).map(({ id }) => id);
}

function activityIdOf(statement: StoredStatement): string | undefined {
  const object = statement.object as { objectType?: string; id?: string };
  return object.objectType === undefined || object.objectType === 'Activity' ? object.id : undefined;
}

/** The id of the statement a voiding statement voids (Data §2.4.3), undefined for any other statement. */
export function voidedTargetOf(statement: StoredStatement): string | undefined {
  const object = statement.object as { objectType?: string; id?: string };
  return statement.verb.id === 'http://adlnet.gov/expapi/verbs/voided' && object.objectType === 'StatementRef' ? object.id : undefined;
}
