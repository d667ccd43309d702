import { BadRequestError } from '../errors';
import { PeopleErrorCode } from './identities';

/** What a person may do in the web UI and the plugins, granted by an administrator. */
export const ROLES = ['learner', 'tutor', 'moderator', 'space-verifier', 'community-admin'] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** 400 UNKNOWN_ROLE unless `value` names a role. */
export function parseRole(value: string): Role {
  if (!isRole(value)) throw new BadRequestError(PeopleErrorCode.UnknownRole, `Unknown role "${value}"; roles are ${ROLES.join(', ')}`);
  return value;
}
