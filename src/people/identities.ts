import { createHash } from 'node:crypto';
import { BadRequestError, HttpError } from '../errors';
import { ifiKey } from '../xapi/actors';
import type { ActorValidator } from '../xapi/parameters';
import type { Account, Agent, InverseFunctionalIdentifiers } from '../xapi/types';

/** One inverse functional identifier of an Agent (Data 2.4.2.3): exactly one of the four. */
export type Identity = { mbox: string } | { mbox_sha1sum: string } | { openid: string } | { account: Account };

/** An identity with the normalized key (ifiKey) that makes it belong to at most one person. */
export interface KeyedIdentity {
  identity: Identity;
  key: string;
}

export const PeopleErrorCode = {
  InvalidAgent: 'INVALID_AGENT',
  InvalidPerson: 'INVALID_PERSON',
  UnknownRole: 'UNKNOWN_ROLE',
  IdentityTaken: 'IDENTITY_TAKEN',
  IdentityNotLinked: 'IDENTITY_NOT_LINKED',
  PersonNotFound: 'PERSON_NOT_FOUND',
  NotAnInstitution: 'NOT_AN_INSTITUTION',
  ForeignAccount: 'FOREIGN_ACCOUNT',
  PersonNotYours: 'PERSON_NOT_YOURS',
  InvalidInstitution: 'INVALID_INSTITUTION',
} as const;

/** Longest normalized identity accepted: identities are index keys, and nobody needs more. */
const MAX_KEY_LENGTH = 2048;

/**
 * The Agent a client sent (a request body's `agent`, a query's `agent` parameter) as an identity:
 * a valid xAPI Agent (not a Group) with exactly one IFI, else 400 INVALID_AGENT saying what is wrong.
 * Its name, when present, is returned beside it.
 */
export function parseAgent(input: unknown, validateActor: ActorValidator, path = 'agent'): KeyedIdentity & { name?: string } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalidAgent(`${path} must be an xAPI Agent object such as {"account":{"homePage":"https://school.example","name":"123"}}`);
  }
  try {
    validateActor(input, path);
  } catch (error) {
    if (error instanceof BadRequestError) throw invalidAgent(error.message);
    throw error;
  }
  const agent = input as Agent;
  if ((input as { objectType?: unknown }).objectType === 'Group') throw invalidAgent(`${path} must be an Agent, not a Group`);
  const keyed = keyedIdentity(agent);
  if (keyed.key.length > MAX_KEY_LENGTH) throw invalidAgent(`${path}'s identifier is longer than ${MAX_KEY_LENGTH} characters`);
  return agent.name === undefined ? keyed : { ...keyed, name: agent.name };
}

/** The agent's one IFI and its key. The agent must have been validated (exactly one IFI). */
export function keyedIdentity(agent: InverseFunctionalIdentifiers): KeyedIdentity {
  const identity = identityOf(agent);
  return { identity, key: ifiKey(identity)! };
}

function identityOf(agent: InverseFunctionalIdentifiers): Identity {
  if (agent.mbox !== undefined) return { mbox: agent.mbox };
  if (agent.mbox_sha1sum !== undefined) return { mbox_sha1sum: agent.mbox_sha1sum };
  if (agent.openid !== undefined) return { openid: agent.openid };
  if (agent.account !== undefined) return { account: { homePage: agent.account.homePage, name: agent.account.name } };
  throw invalidAgent('the agent has no identifier (mbox, mbox_sha1sum, openid or account)');
}

/** The document id an identity's link is stored under: a digest of its key (ids are bounded, keys are not). */
export function identityDocumentId(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function invalidAgent(message: string): HttpError {
  return new BadRequestError(PeopleErrorCode.InvalidAgent, message);
}
