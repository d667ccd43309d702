/**
 * People, roles and sign-in (docs/people.md): what src/app.ts assembles and what the plugin API
 * re-exports. Import from here, not from the files behind it.
 */
import type { Request, RequestHandler } from 'express';
import type { InverseFunctionalIdentifiers } from '../xapi/types';
import { keyedIdentity, type Identity } from './identities';
import type { People } from './people';
import type { PersonRecord } from './people-service';
import type { Role } from './roles';
import { requireRole, requireSignIn, type SignedIn } from './sessions';

export { PeopleErrorCode, type Identity } from './identities';
export { LOGIN_LINK_LIFETIME_MS, openPeople, type People, type PeopleOptions } from './people';
export type { PersonRecord, PersonWithIdentities } from './people-service';
export { peopleRoutes, type PeopleRouteOptions } from './routes';
export { isRole, ROLES, type Role } from './roles';
export { requireRole, requireSignIn, SESSION_COOKIE, SESSION_LIFETIME_MS, type SignedIn } from './sessions';
export { signInRoutes, type SignInRouteOptions } from './web/sign-in-routes';

/** What plugins may know of people (the plugin API hands them this). */
export interface PeopleForPlugins {
  /** The person signed in on this request (the session middleware ran before plugin routes), if any. */
  signedIn(req: Request): SignedIn | undefined;
  /** Web routes for people signed in: others are sent to /sign-in and back (303). */
  requireSignIn(): RequestHandler;
  /** Web routes for people holding `role`: others are sent to sign in; a person without it gets 403 ROLE_REQUIRED. */
  requireRole(role: Role): RequestHandler;
  hasRole(personId: string, role: Role): Promise<boolean>;
  /** The identities linked to the person: the actors of the person's statements. */
  identitiesOf(personId: string): Promise<Identity[]>;
  /** The person an Agent's identifier (exactly one, validated) is linked to, if any. */
  personOf(agent: InverseFunctionalIdentifiers): Promise<PersonRecord | undefined>;
  /**
   * The institution a credential speaks for: the account homePages an administrator recorded for
   * it (PUT /people/institutions/{key}); undefined for a credential with none.
   */
  institutionOf(credentialKey: string): Promise<{ homePages: string[] } | undefined>;
}

export function peopleForPlugins(people: People): PeopleForPlugins {
  const { service } = people;
  return {
    signedIn: (req) => req.signedIn,
    requireSignIn,
    requireRole,
    hasRole: (personId, role) => service.hasRole(personId, role),
    identitiesOf: (personId) => service.identitiesOf(personId),
    personOf: (agent) => service.personOf(keyedIdentity(agent).key),
    institutionOf: async (credentialKey) => {
      const institution = await people.institutions.get(credentialKey);
      return institution === undefined || institution.homePages.length === 0 ? undefined : { homePages: institution.homePages };
    },
  };
}
