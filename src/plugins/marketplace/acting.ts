import type { Request, RequestHandler } from 'express';
import { actingPersonOrScope, partyOf as partyOfRequest, type Party, type PeopleForPlugins, type PluginHttp } from '../../plugin-api';

/** The scopes a credential needs to act in the marketplace over HTTP Basic (a signed-in person needs none). */
export const SCOPE = {
  /** Hold, confirm, modify, cancel reservations; rate and report spaces. */
  book: 'book',
  /** Register and update spaces, publish availability, reject and mark reservations of one's spaces attended. */
  list: 'list',
  /** Verify spaces and withdraw verifications (as the role `space-verifier` does for people). */
  verify: 'verify',
} as const;

export const MARKETPLACE_SCOPES: Record<string, string> = {
  [SCOPE.book]: 'Book learning spaces, and rate and report them, for the Agent named in each request',
  [SCOPE.list]: 'Register learning spaces and manage their availability and reservations, for the Agent named in each request',
  [SCOPE.verify]: "Verify learning spaces' safety certifications, accessibility and child safety",
};

export const VERIFIER_ROLE = 'space-verifier';

export interface Acting {
  people: PeopleForPlugins;
  http: Pick<PluginHttp, 'authenticate' | 'requireScope' | 'jsonBody'>;
  publicUrl: string;
}

/**
 * Lets through a signed-in person (JSON writes must say `Content-Type: application/json`, which a
 * cross-site form cannot send), or a request with HTTP Basic credentials holding
 * plugins/marketplace/<scope>. A person needs the role `space-verifier` for the `verify` scope.
 */
export function requireParty(acting: Acting, scope: keyof typeof SCOPE): RequestHandler {
  return actingPersonOrScope(acting.http, acting.people, SCOPE[scope], scope === 'verify' ? VERIFIER_ROLE : undefined);
}

/** Who acts on a request that passed requireParty (the plugin API's partyOf). */
export function partyOf(req: Request, acting: Acting): Promise<Party> {
  return partyOfRequest(req, acting.people, acting.publicUrl);
}
