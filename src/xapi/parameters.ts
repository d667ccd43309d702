import { BadRequestCode, BadRequestError } from '../errors';
import { ifiKey } from './actors';
import { isIri, isIsoTimestamp, isUuid } from './statements/validation/validate-statement';
import type { Actor } from './types';

/** Checks an Agent or Group given as JSON, throwing BadRequestError with a message rooted at `path`. */
export type ActorValidator = (input: unknown, path: string) => void;

/**
 * The `agent` parameter of the xAPI resources: JSON of an Agent (or an identified Group where
 * `groups` allows it) with exactly one IFI. Returns the actor and its IFI key.
 */
export function parseAgentParameter(
  value: string,
  validateActor: ActorValidator,
  groups: 'identified-groups' | 'agents-only',
): { actor: Actor; key: string } {
  let actor: unknown;
  try {
    actor = JSON.parse(value);
  } catch {
    throw invalid(`agent must be an Agent object in JSON, such as {"mbox":"mailto:learner@example.org"}; got ${JSON.stringify(value)}`);
  }
  validateActor(actor, 'agent');
  if (groups === 'agents-only' && (actor as Actor).objectType === 'Group') {
    throw invalid("agent must be an Agent, not a Group; for an identified Group, send the Group's identifier in an Agent object");
  }
  const key = ifiKey(actor as Actor);
  if (key === undefined) throw invalid('agent must be an Agent or an identified Group (with an IFI), not an anonymous Group');
  return { actor: actor as Actor, key };
}

export function parseIriParameter(name: string, value: string): string {
  if (!isIri(value)) throw invalid(`${name} must be an IRI, got "${value}"`);
  return value;
}

export function parseUuidParameter(name: string, value: string): string {
  if (!isUuid(value)) throw invalid(`${name} must be a UUID, got "${value}"`);
  return value.toLowerCase();
}

/** A Timestamp parameter; one without an offset is UTC (Data 4.5), where Date.parse would read local time. */
export function parseTimestampParameter(name: string, value: string): Date {
  const time = Date.parse(/(Z|[+-]\d\d:\d\d)$/i.test(value) ? value : `${value}Z`);
  if (!isIsoTimestamp(value) || Number.isNaN(time)) throw invalid(`${name} must be an ISO 8601 timestamp, got "${value}"`);
  return new Date(time);
}

function invalid(message: string): BadRequestError {
  return new BadRequestError(BadRequestCode.InvalidParameter, message);
}
