import { BadRequestCode, BadRequestError } from '../../errors';
import { ifiKey } from '../actors';
import type { Actor } from '../types';
import type { StatementFormat } from './format';
import type { PagePosition, StatementQuery } from './statement-storage';

/** What a GET on the Statement resource asks for, parsed and checked (Communication 2.1.3). */
export type GetStatementsRequest =
  | { kind: 'single'; id: string; voided: boolean; format: StatementFormat; attachments: boolean }
  | { kind: 'list'; filter: ListFilter; after?: PagePosition; format: StatementFormat; attachments: boolean };

/** The filter part of a list query, which a `more` cursor carries from page to page. */
export type ListFilter = Omit<StatementQuery, 'after' | 'credentialKey' | 'limit'> & { limit: number };

export interface ParameterCheckers {
  validateActor(input: unknown, path: string): void;
  isIri(value: string): boolean;
  isUuid(value: string): boolean;
  isTimestamp(value: string): boolean;
}

const LIST_PARAMETERS = [
  'agent', 'verb', 'activity', 'registration', 'related_activities', 'related_agents',
  'since', 'until', 'limit', 'format', 'attachments', 'ascending',
] as const;
const SINGLE_PARAMETERS = ['statementId', 'voidedStatementId', 'format', 'attachments'] as const;
const ALL_PARAMETERS = new Set<string>([...LIST_PARAMETERS, ...SINGLE_PARAMETERS, 'more']);

type RawQuery = Record<string, unknown>;

export function parseGetStatementsRequest(
  raw: RawQuery,
  checkers: ParameterCheckers,
  maxPageSize: number,
): GetStatementsRequest {
  const params = singleValued(raw);
  if (params.more !== undefined) return parseMore(params, maxPageSize);
  const format = parseFormat(params.format);
  const attachments = parseBoolean(params, 'attachments');
  if (params.statementId !== undefined || params.voidedStatementId !== undefined) {
    return parseSingle(params, checkers, format, attachments);
  }
  const filter = parseFilter(params, checkers, maxPageSize);
  return { kind: 'list', filter, format, attachments };
}

function singleValued(raw: RawQuery): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!ALL_PARAMETERS.has(name)) {
      throw new BadRequestError(BadRequestCode.UnknownParameter, `Unknown parameter "${name}" for GET statements`);
    }
    if (typeof value !== 'string') {
      throw new BadRequestError(BadRequestCode.InvalidParameter, `Parameter "${name}" must be given once`);
    }
    params[name] = value;
  }
  return params;
}

function parseSingle(
  params: Record<string, string>,
  checkers: ParameterCheckers,
  format: StatementFormat,
  attachments: boolean,
): GetStatementsRequest {
  const extra = Object.keys(params).filter((name) => !(SINGLE_PARAMETERS as readonly string[]).includes(name));
  if (params.statementId !== undefined && params.voidedStatementId !== undefined) {
    throw invalid('statementId and voidedStatementId cannot be used together (Communication 2.1.3.s2.b1)');
  }
  if (extra.length > 0) {
    throw invalid(`With statementId or voidedStatementId only "format" and "attachments" are allowed, not "${extra.join('", "')}"`);
  }
  const voided = params.voidedStatementId !== undefined;
  const id = (params.statementId ?? params.voidedStatementId)!;
  if (!checkers.isUuid(id)) throw invalid(`${voided ? 'voidedStatementId' : 'statementId'} must be a UUID, got "${id}"`);
  return { kind: 'single', id: id.toLowerCase(), voided, format, attachments };
}

function parseFilter(params: Record<string, string>, checkers: ParameterCheckers, maxPageSize: number): ListFilter {
  const filter: ListFilter = {
    relatedAgents: parseBoolean(params, 'related_agents'),
    relatedActivities: parseBoolean(params, 'related_activities'),
    ascending: parseBoolean(params, 'ascending'),
    limit: parseLimit(params.limit, maxPageSize),
  };
  if (params.agent !== undefined) filter.agentKey = parseAgent(params.agent, checkers);
  if (params.verb !== undefined) filter.verb = parseIri('verb', params.verb, checkers);
  if (params.activity !== undefined) filter.activity = parseIri('activity', params.activity, checkers);
  if (params.registration !== undefined) {
    if (!checkers.isUuid(params.registration)) throw invalid(`registration must be a UUID, got "${params.registration}"`);
    filter.registration = params.registration.toLowerCase();
  }
  if (params.since !== undefined) filter.since = parseTimestamp('since', params.since, checkers);
  if (params.until !== undefined) filter.until = parseTimestamp('until', params.until, checkers);
  return filter;
}

function parseAgent(value: string, checkers: ParameterCheckers): string {
  let agent: unknown;
  try {
    agent = JSON.parse(value);
  } catch {
    throw invalid('agent must be a JSON Agent or identified Group object');
  }
  checkers.validateActor(agent, 'agent');
  const key = ifiKey(agent as Actor);
  if (key === undefined) throw invalid('agent must be an Agent or an identified Group (with an IFI), not an anonymous Group');
  return key;
}

function parseIri(name: string, value: string, checkers: ParameterCheckers): string {
  if (!checkers.isIri(value)) throw invalid(`${name} must be an IRI, got "${value}"`);
  return value;
}

function parseTimestamp(name: string, value: string, checkers: ParameterCheckers): Date {
  // A timestamp without an offset is UTC (Data 4.5); Date.parse would read it as local time.
  const time = Date.parse(/(Z|[+-]\d\d:\d\d)$/i.test(value) ? value : `${value}Z`);
  if (!checkers.isTimestamp(value) || Number.isNaN(time)) throw invalid(`${name} must be an ISO 8601 timestamp, got "${value}"`);
  return new Date(time);
}

function parseLimit(value: string | undefined, maxPageSize: number): number {
  if (value === undefined) return maxPageSize;
  if (!/^\d+$/.test(value)) throw invalid(`limit must be a non-negative integer, got "${value}"`);
  const limit = Number(value);
  return limit === 0 || limit > maxPageSize ? maxPageSize : limit;
}

function parseFormat(value: string | undefined): StatementFormat {
  if (value === undefined) return 'exact';
  if (value === 'ids' || value === 'exact' || value === 'canonical') return value;
  throw invalid(`format must be one of ids, exact, canonical; got "${value}"`);
}

function parseBoolean(params: Record<string, string>, name: string): boolean {
  const value = params[name];
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw invalid(`${name} must be true or false, got "${value}"`);
}

/** `more` cursors are opaque to clients: the filter and the position of the last statement sent. */
interface CursorPayload {
  f: Omit<ListFilter, 'since' | 'until'> & { since?: number; until?: number };
  s: number;
  i: string;
  fmt: StatementFormat;
  att: boolean;
}

export function encodeCursor(filter: ListFilter, after: PagePosition, format: StatementFormat, attachments: boolean): string {
  const payload: CursorPayload = {
    f: { ...filter, since: filter.since?.getTime(), until: filter.until?.getTime() },
    s: after.stored.getTime(),
    i: after.id,
    fmt: format,
    att: attachments,
  };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

function parseMore(params: Record<string, string>, maxPageSize: number): GetStatementsRequest {
  const others = Object.keys(params).filter((name) => name !== 'more');
  if (others.length > 0) throw invalid(`"more" cannot be combined with other parameters ("${others.join('", "')}")`);
  let payload: CursorPayload;
  try {
    payload = JSON.parse(Buffer.from(params.more!, 'base64url').toString('utf8')) as CursorPayload;
  } catch {
    throw new BadRequestError(BadRequestCode.InvalidCursor, 'The "more" cursor is not one this LRS issued');
  }
  if (!isCursorPayload(payload)) {
    throw new BadRequestError(BadRequestCode.InvalidCursor, 'The "more" cursor is not one this LRS issued');
  }
  const { since, until, ...rest } = payload.f;
  const filter: ListFilter = { ...rest, limit: Math.min(rest.limit, maxPageSize) };
  if (since !== undefined) filter.since = new Date(since);
  if (until !== undefined) filter.until = new Date(until);
  return {
    kind: 'list',
    filter,
    after: { stored: new Date(payload.s), id: payload.i },
    format: payload.fmt,
    attachments: payload.att,
  };
}

function isCursorPayload(value: unknown): value is CursorPayload {
  const payload = value as CursorPayload;
  return (
    typeof payload === 'object' && payload !== null &&
    typeof payload.f === 'object' && payload.f !== null &&
    typeof payload.f.limit === 'number' && payload.f.limit > 0 &&
    typeof payload.s === 'number' && typeof payload.i === 'string' &&
    ['ids', 'exact', 'canonical'].includes(payload.fmt) && typeof payload.att === 'boolean'
  );
}

function invalid(message: string): BadRequestError {
  return new BadRequestError(BadRequestCode.InvalidParameter, message);
}
