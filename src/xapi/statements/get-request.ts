import { BadRequestCode, BadRequestError } from '../../errors';
import { singleParameters } from '../../http/parameters';
import { parseAgentParameter, parseIriParameter, parseTimestampParameter, parseUuidParameter, type ActorValidator } from '../parameters';
import type { StatementFormat } from './format';
import type { PagePosition, StatementQuery } from './statement-storage';

/** What a GET on the Statement resource asks for, parsed and checked (Communication 2.1.3). */
export type GetStatementsRequest =
  | { kind: 'single'; id: string; voided: boolean; format: StatementFormat; attachments: boolean }
  | { kind: 'list'; filter: ListFilter; after?: PagePosition; format: StatementFormat; attachments: boolean };

/** The filter part of a list query, which a `more` cursor carries from page to page. */
export type ListFilter = Omit<StatementQuery, 'after' | 'credentialKey' | 'limit'> & { limit: number };


const LIST_PARAMETERS = [
  'agent', 'verb', 'activity', 'registration', 'related_activities', 'related_agents',
  'since', 'until', 'limit', 'format', 'attachments', 'ascending',
] as const;
const SINGLE_PARAMETERS = ['statementId', 'voidedStatementId', 'format', 'attachments'] as const;
const ALL_PARAMETERS = [...LIST_PARAMETERS, ...SINGLE_PARAMETERS, 'more'];

type RawQuery = Record<string, unknown>;

export function parseGetStatementsRequest(
  raw: RawQuery,
  validateActor: ActorValidator,
  maxPageSize: number,
): GetStatementsRequest {
  const params = singleParameters(raw, { optional: ALL_PARAMETERS, resource: 'GET statements' }) as Record<string, string>;
  if (params.more !== undefined) return parseMore(params, maxPageSize);
  const format = parseFormat(params.format);
  const attachments = parseBoolean(params, 'attachments');
  if (params.statementId !== undefined || params.voidedStatementId !== undefined) {
    return parseSingle(params, format, attachments);
  }
  const filter = parseFilter(params, validateActor, maxPageSize);
  return { kind: 'list', filter, format, attachments };
}

function parseSingle(
  params: Record<string, string>,
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
  const id = parseUuidParameter(voided ? 'voidedStatementId' : 'statementId', (params.statementId ?? params.voidedStatementId)!);
  return { kind: 'single', id, voided, format, attachments };
}

function parseFilter(params: Record<string, string>, validateActor: ActorValidator, maxPageSize: number): ListFilter {
  const filter: ListFilter = {
    relatedAgents: parseBoolean(params, 'related_agents'),
    relatedActivities: parseBoolean(params, 'related_activities'),
    ascending: parseBoolean(params, 'ascending'),
    limit: parseLimit(params.limit, maxPageSize),
  };
  if (params.agent !== undefined) filter.agentKey = parseAgentParameter(params.agent, validateActor, 'identified-groups').key;
  if (params.verb !== undefined) filter.verb = parseIriParameter('verb', params.verb);
  if (params.activity !== undefined) filter.activity = parseIriParameter('activity', params.activity);
  if (params.registration !== undefined) filter.registration = parseUuidParameter('registration', params.registration);
  if (params.since !== undefined) filter.since = parseTimestampParameter('since', params.since);
  if (params.until !== undefined) filter.until = parseTimestampParameter('until', params.until);
  return filter;
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
