import { BadRequestCode, BadRequestError } from '../../errors';
import { ifiKey } from '../actors';
import { isIri, isIsoTimestamp, isUuid } from '../statements/validation/validate-statement';
import type { Actor, Agent } from '../types';
import type { DocumentKey, DocumentQuery } from './document-storage';
import type { DocumentResource } from './resources';

export type DocumentMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** What a request to a Document Resource addresses: one document, or every document of a context. */
export type DocumentTarget = { kind: 'one'; key: DocumentKey } | { kind: 'all'; query: DocumentQuery };

/** Checks an Agent given as JSON, throwing BadRequestError with a message rooted at `path`. */
export type ActorValidator = (input: unknown, path: string) => void;

/** Every parameter name some Document Resource takes, to tell a mistyped case from an unknown name. */
const KNOWN_PARAMETERS = ['activityId', 'agent', 'registration', 'stateId', 'profileId', 'since'];

/**
 * Parses and checks the query parameters of a request to a Document Resource (Communication
 * 2.3–2.7) strictly: parameters the method does not take, in any case, and values given twice
 * are rejected, as are missing required parameters and malformed values, each with a 400 that
 * says what is wrong.
 */
export function parseDocumentTarget(
  raw: Record<string, unknown>,
  resource: DocumentResource,
  method: DocumentMethod,
  validateActor: ActorValidator,
): DocumentTarget {
  const params = checkNames(raw, resource, method);
  for (const name of resource.context) {
    if (params[name] === undefined) throw missing(`${method} ${resource.name} requires the ${name} parameter`);
  }
  const id = params[resource.idParameter];
  const query: DocumentQuery = { kind: resource.kind };
  if (params.activityId !== undefined) query.activityId = parseActivityId(params.activityId);
  if (params.agent !== undefined) query.agentKey = parseAgent(params.agent, validateActor);
  if (params.registration !== undefined) query.registration = parseRegistration(params.registration);
  if (id !== undefined) {
    if (id === '') throw invalid(`${resource.idParameter} must not be empty`);
    if (params.since !== undefined) {
      throw invalid(`since applies to the list of ids only: leave it out when ${resource.idParameter} is given`);
    }
    return { kind: 'one', key: { ...query, id } };
  }
  if (method === 'PUT' || method === 'POST' || (method === 'DELETE' && !resource.deleteAll)) {
    throw missing(`${method} ${resource.name} requires the ${resource.idParameter} parameter`);
  }
  if (params.since !== undefined) query.since = parseSince(params.since);
  return { kind: 'all', query };
}

/** The document a PUT or POST addresses; parseDocumentTarget never lets those address a context. */
export function documentKey(target: DocumentTarget): DocumentKey {
  if (target.kind !== 'one') throw new Error('PUT and POST address a single document');
  return target.key;
}

function checkNames(
  raw: Record<string, unknown>,
  resource: DocumentResource,
  method: DocumentMethod,
): Record<string, string> {
  const allowed = allowedParameters(resource, method);
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!allowed.includes(name)) throw unknownParameter(name, allowed, resource, method);
    if (typeof value !== 'string') throw invalid(`Parameter "${name}" must be given once`);
    params[name] = value;
  }
  return params;
}

function allowedParameters(resource: DocumentResource, method: DocumentMethod): string[] {
  return [
    ...resource.context,
    ...(resource.registration ? ['registration'] : []),
    resource.idParameter,
    ...(method === 'GET' ? ['since'] : []),
  ];
}

function unknownParameter(name: string, allowed: string[], resource: DocumentResource, method: DocumentMethod): BadRequestError {
  const meant = allowed.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  const hint = meant
    ? ` (parameter names are case-sensitive: did you mean "${meant}"?)`
    : KNOWN_PARAMETERS.includes(name)
      ? ` (${method} ${resource.name} does not take it)`
      : '';
  return new BadRequestError(
    BadRequestCode.UnknownParameter,
    `Unknown parameter "${name}"${hint}; ${method} ${resource.name} takes ${allowed.join(', ')}`,
  );
}

function parseActivityId(value: string): string {
  if (!isIri(value)) throw invalid(`activityId must be an IRI, got "${value}"`);
  return value;
}

/**
 * The IFI key of the `agent` parameter: an Agent, not a Group ("Learning Record Providers wishing
 * to store data against an Identified Group can use the Identified Group's identifier within an
 * Agent Object", Communication 2.6.s3).
 */
function parseAgent(value: string, validateActor: ActorValidator): string {
  const agent = parsedOrUndefined(value);
  if (agent === undefined) {
    throw invalid(
      `agent must be an Agent object in JSON, such as {"mbox":"mailto:learner@example.org"}; got ${JSON.stringify(value)}`,
    );
  }
  validateActor(agent, 'agent');
  if ((agent as Actor).objectType === 'Group') {
    throw invalid(
      "agent must be an Agent, not a Group; to keep documents for an identified Group, send the Group's identifier in an Agent object",
    );
  }
  return ifiKey(agent as Agent)!;
}

function parsedOrUndefined(json: string): unknown {
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

function parseRegistration(value: string): string {
  if (!isUuid(value)) throw invalid(`registration must be a UUID, got "${value}"`);
  return value.toLowerCase();
}

/** A Timestamp without an offset is UTC (Data 4.5); Date.parse would read it as local time. */
function parseSince(value: string): Date {
  const time = Date.parse(/(Z|[+-]\d\d:\d\d)$/i.test(value) ? value : `${value}Z`);
  if (!isIsoTimestamp(value) || Number.isNaN(time)) throw invalid(`since must be an ISO 8601 Timestamp, got "${value}"`);
  return new Date(time);
}

function invalid(message: string): BadRequestError {
  return new BadRequestError(BadRequestCode.InvalidParameter, message);
}

function missing(message: string): BadRequestError {
  return new BadRequestError(BadRequestCode.MissingParameter, message);
}
