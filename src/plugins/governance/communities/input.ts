/**
 * What members and founders send, checked before anything is recorded: 400 with a stable code
 * naming the field and what is wrong.
 */
import { BadRequestError, localizedTextField, objectFields, parseAgentParameter, type Agent, type LocalizedText } from '../../../plugin-api';
import { PROPOSAL_KINDS, type ProposalKind } from '../model';

export const INVALID_COMMUNITY = 'INVALID_COMMUNITY';
export const INVALID_SLUG = 'INVALID_SLUG';
export const INVALID_DELEGATION = 'INVALID_DELEGATION';

/** A community's slug: its IRI's last segment. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{2,63}$/;
const MAX_NAME = 200;
const MAX_DESCRIPTION = 2000;

export interface Founding {
  slug: string;
  name: Partial<LocalizedText>;
  description: Partial<LocalizedText>;
}

/** POST /communities: slug, name {en?, es?}, description {en?, es?} (optional). */
export function parseFounding(input: unknown): Founding {
  const body = objectFields(input, INVALID_COMMUNITY, { known: ['actor', 'slug', 'name', 'description'] });
  return {
    slug: parseSlug(body.slug, 'slug', INVALID_COMMUNITY),
    name: localizedTextField(body.name, 'name', INVALID_COMMUNITY, { max: MAX_NAME, required: true }),
    description: body.description === undefined ? {} : localizedTextField(body.description, 'description', INVALID_COMMUNITY, { max: MAX_DESCRIPTION, required: false }),
  };
}

/** A slug in a body (`field`) or a path: `[a-z0-9][a-z0-9-]{2,63}`. */
export function parseSlug(value: unknown, field = 'slug', code = INVALID_SLUG): string {
  if (typeof value !== 'string' || !SLUG_PATTERN.test(value)) {
    throw new BadRequestError(code, `${field} must be 3 to 64 lower-case letters, digits or hyphens, starting with a letter or digit (e.g. matematicas-madrid)`);
  }
  return value;
}

export interface DelegationInput {
  delegate: Agent;
  delegateKey: string;
  proposalKind?: ProposalKind;
}

/** POST /communities/:slug/delegations: delegate (an Agent), proposalKind (optional: every kind when absent). */
export function parseDelegation(input: unknown): DelegationInput {
  const body = objectFields(input, INVALID_DELEGATION, { known: ['actor', 'delegate', 'proposalKind'] });
  if (typeof body.delegate !== 'object' || body.delegate === null || Array.isArray(body.delegate)) {
    throw new BadRequestError(INVALID_DELEGATION, 'delegate must be an Agent with one identifier, e.g. {"account": {"homePage": "https://school.example", "name": "ana"}}');
  }
  let parsed: { agent: Agent; key: string };
  try {
    parsed = parseAgentParameter(JSON.stringify({ objectType: 'Agent', ...body.delegate }));
  } catch (error) {
    throw new BadRequestError(INVALID_DELEGATION, `delegate is not an Agent: ${(error as Error).message}`);
  }
  const proposalKind = body.proposalKind;
  if (proposalKind !== undefined && !PROPOSAL_KINDS.includes(proposalKind as ProposalKind)) {
    throw new BadRequestError(INVALID_DELEGATION, `proposalKind must be one of ${PROPOSAL_KINDS.join(', ')}, or absent for every kind`);
  }
  return { delegate: parsed.agent, delegateKey: parsed.key, ...(proposalKind !== undefined && { proposalKind: proposalKind as ProposalKind }) };
}

