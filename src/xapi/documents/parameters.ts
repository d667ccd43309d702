import { BadRequestCode, BadRequestError } from '../../errors';
import {
  parseAgentParameter,
  parseIriParameter,
  parseTimestampParameter,
  parseUuidParameter,
  type ActorValidator,
} from '../parameters';
import type { DocumentKey, DocumentQuery } from './document-storage';
import type { DocumentResource } from './resources';

export type DocumentMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** What a request to a Document Resource addresses: one document, or every document of a context. */
export type DocumentTarget = { kind: 'one'; key: DocumentKey } | { kind: 'all'; query: DocumentQuery };

export type { ActorValidator };

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
  if (params.activityId !== undefined) query.activityId = parseIriParameter('activityId', params.activityId);
  if (params.agent !== undefined) query.agentKey = parseAgentParameter(params.agent, validateActor, 'agents-only').key;
  if (params.registration !== undefined) query.registration = parseUuidParameter('registration', params.registration);
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
  if (params.since !== undefined) query.since = parseTimestampParameter('since', params.since);
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


function invalid(message: string): BadRequestError {
  return new BadRequestError(BadRequestCode.InvalidParameter, message);
}

function missing(message: string): BadRequestError {
  return new BadRequestError(BadRequestCode.MissingParameter, message);
}
