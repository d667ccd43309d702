/**
 * What members and founders send, checked before anything is recorded: 400 with a stable code
 * naming the field and what is wrong.
 */
import { BadRequestError, parseAgentParameter, type Agent, type LocalizedText } from '../../../plugin-api';
import { PROPOSAL_KINDS, type ProposalKind } from '../model';

export const INVALID_COMMUNITY = 'INVALID_COMMUNITY';
export const INVALID_SLUG = 'INVALID_SLUG';
export const INVALID_DELEGATION = 'INVALID_DELEGATION';

/** A community's slug: its IRI's last segment. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{2,63}$/;
const LANGUAGES = ['en', 'es'];
const MAX_NAME = 200;
const MAX_DESCRIPTION = 2000;

type Fields = Record<string, unknown>;

export interface Founding {
  slug: string;
  name: Partial<LocalizedText>;
  description: Partial<LocalizedText>;
}

/** POST /communities: slug, name {en?, es?}, description {en?, es?} (optional). */
export function parseFounding(input: unknown): Founding {
  const body = objectOf(input, 'the body', INVALID_COMMUNITY);
  refuseUnknown(body, ['actor', 'slug', 'name', 'description'], INVALID_COMMUNITY);
  return {
    slug: parseSlug(body.slug, 'slug', INVALID_COMMUNITY),
    name: localized(body.name, 'name', MAX_NAME, true),
    description: body.description === undefined ? {} : localized(body.description, 'description', MAX_DESCRIPTION, false),
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
  const body = objectOf(input, 'the body', INVALID_DELEGATION);
  refuseUnknown(body, ['actor', 'delegate', 'proposalKind'], INVALID_DELEGATION);
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

function localized(value: unknown, field: string, max: number, required: boolean): Partial<LocalizedText> {
  const map = objectOf(value, field, INVALID_COMMUNITY);
  const entries = Object.entries(map);
  if (required && entries.length === 0) throw new BadRequestError(INVALID_COMMUNITY, `${field} needs an English or Spanish text, e.g. {"en": "Madrid Mathematics"}`);
  for (const [language, text] of entries) {
    if (!LANGUAGES.includes(language)) throw new BadRequestError(INVALID_COMMUNITY, `${field} has the language ${JSON.stringify(language)}; the languages are en and es`);
    if (typeof text !== 'string' || text.trim() === '' || text.length > max) throw new BadRequestError(INVALID_COMMUNITY, `${field}.${language} must be a non-empty text of at most ${max} characters`);
  }
  return map as Partial<LocalizedText>;
}

function objectOf(value: unknown, field: string, code: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequestError(code, `${field} must be a JSON object`);
  return value as Fields;
}

function refuseUnknown(body: Fields, known: string[], code: string): void {
  const unknown = Object.keys(body).find((key) => !known.includes(key));
  if (unknown !== undefined) throw new BadRequestError(code, `Unknown field ${unknown}; the fields are ${known.join(', ')}`);
}
