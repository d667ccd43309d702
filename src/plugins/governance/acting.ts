import type { Request, RequestHandler } from 'express';
import { actingPersonOrScope, partyOf, type Party, type PeopleForPlugins, type PluginHttp } from '../../plugin-api';

/** The scopes a credential needs to act in governance over HTTP Basic (a signed-in person needs none). */
export const SCOPE = {
  /** Join and leave communities, delegate, submit proposals and vote, for the Agent named in each request. */
  participate: 'participate',
  /** Found communities and sign recognitions as a community's admin, for the Agent named in each request. */
  administer: 'administer',
} as const;

export const GOVERNANCE_SCOPES: Record<string, string> = {
  [SCOPE.participate]: 'Join communities, delegate, submit proposals and vote, for the Agent named in each request',
  [SCOPE.administer]: "Found communities and sign recognitions as a community's admin, for the Agent named in each request",
};

/** The role a person needs to found a community (granted by an administrator: PUT /people/:id/roles/community-admin). */
export const FOUNDER_ROLE = 'community-admin';

export interface Acting {
  people: PeopleForPlugins;
  http: Pick<PluginHttp, 'authenticate' | 'requireScope' | 'jsonBody'>;
  publicUrl: string;
}

/**
 * Lets through a signed-in person (JSON writes must say `Content-Type: application/json`, which a
 * cross-site form cannot send), or a request with HTTP Basic credentials holding
 * plugins/governance/<scope>. A person needs the role `community-admin` for `administer`; whether
 * they administer a given community is the community's own check.
 */
export function requireActor(acting: Acting, scope: keyof typeof SCOPE): RequestHandler {
  return actingPersonOrScope(acting.http, acting.people, SCOPE[scope], scope === 'administer' ? FOUNDER_ROLE : undefined);
}

/** Who acts on a request that passed requireActor (the plugin API's partyOf). */
export function actorOf(req: Request, acting: Acting): Promise<Party> {
  return partyOf(req, acting.people, acting.publicUrl);
}
