/**
 * What an administrator sends to create or change a pull source, checked: 400 INVALID_PULL naming
 * the field and what is wrong, before anything is stored.
 */
import { BadRequestError, objectFields, parseAgentParameter } from '../../../plugin-api';
import type { PullFilters, PullSource } from './records';

export const INVALID_PULL = 'INVALID_PULL';

const SLUG = /^[a-z0-9][a-z0-9-]{0,39}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An absolute IRI: a scheme, then no white space (xAPI IRIs of verbs and activities). */
const IRI = /^[a-z][a-z0-9+.-]*:[^\s]+$/i;
const MAX_IRI = 2048;
/** RFC 3339 with an offset or Z (xAPI timestamps, Data 4.5). */
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i;
const FILTERS = ['agent', 'verb', 'activity', 'registration', 'related_activities', 'related_agents'] as const;

export interface PullInput {
  peer: string;
  filters: PullFilters;
  since?: string;
}

/** POST /pulls: `peer` (a slug), optional `filters` (xAPI GET /statements filters) and `since` (a timestamp, exclusive). */
export function parsePullInput(input: unknown): PullInput {
  const body = objectFields(input, INVALID_PULL, { known: ['peer', 'filters', 'since'] });
  if (typeof body.peer !== 'string' || !SLUG.test(body.peer)) throw new BadRequestError(INVALID_PULL, `peer must be the slug of a peer (lowercase letters, digits and hyphens), got ${described(body.peer)}`);
  const since = body.since === undefined ? undefined : timestamp(body.since, 'since');
  return { peer: body.peer, filters: filters(body.filters ?? {}), ...(since !== undefined && { since }) };
}

/** PATCH /pulls/:id: `state`, active or paused. */
export function parsePullPatch(input: unknown): Pick<PullSource, 'state'> {
  const body = objectFields(input, INVALID_PULL, { known: ['state'] });
  if (body.state !== 'active' && body.state !== 'paused') throw new BadRequestError(INVALID_PULL, `state must be active or paused, got ${described(body.state)}`);
  return { state: body.state };
}

function filters(value: unknown): PullFilters {
  const body = objectFields(value, INVALID_PULL, { known: FILTERS, path: 'filters' });
  const result: PullFilters = {};
  if (body.agent !== undefined) result.agent = agent(body.agent);
  if (body.verb !== undefined) result.verb = iri(body.verb, 'filters.verb');
  if (body.activity !== undefined) result.activity = iri(body.activity, 'filters.activity');
  if (body.registration !== undefined) {
    if (typeof body.registration !== 'string' || !UUID.test(body.registration)) throw new BadRequestError(INVALID_PULL, `filters.registration must be a UUID, got ${described(body.registration)}`);
    result.registration = body.registration.toLowerCase();
  }
  for (const flag of ['related_activities', 'related_agents'] as const) {
    if (body[flag] === undefined) continue;
    if (typeof body[flag] !== 'boolean') throw new BadRequestError(INVALID_PULL, `filters.${flag} must be true or false, got ${described(body[flag])}`);
    result[flag] = body[flag];
  }
  return result;
}

/** An Agent with exactly one IFI, checked as the xAPI `agent` parameter is. */
function agent(value: unknown): object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequestError(INVALID_PULL, 'filters.agent must be an Agent (a JSON object with one IFI)');
  try {
    parseAgentParameter(JSON.stringify(value));
  } catch (error) {
    throw new BadRequestError(INVALID_PULL, `filters.agent: ${(error as Error).message}`);
  }
  return value;
}

function iri(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length > MAX_IRI || !IRI.test(value)) throw new BadRequestError(INVALID_PULL, `${field} must be an absolute IRI such as http://adlnet.gov/expapi/verbs/completed, got ${described(value)}`);
  return value;
}

/** A timestamp with its offset, as ISO 8601 in UTC. */
function timestamp(value: unknown, field: string): string {
  const ms = typeof value === 'string' && TIMESTAMP.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new BadRequestError(INVALID_PULL, `${field} must be an ISO 8601 timestamp with an offset, e.g. 2026-01-31T00:00:00Z, got ${described(value)}`);
  return new Date(ms).toISOString();
}

function described(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value).slice(0, 60);
}
