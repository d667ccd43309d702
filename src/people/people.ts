import type { CollectionStore } from '../storage/collections/collection-store';
import { InstitutionRegistry } from './institutions';
import { OidcProvider, type OidcTransaction } from './oidc';
import { PeopleService } from './people-service';
import { Sessions } from './sessions';
import { TokenCollection } from './token-collection';

/** How long a login link works (the stable contract of POST /people/login-links). */
export const LOGIN_LINK_LIFETIME_MS = 10 * 60 * 1000;
/** How long a browser has to come back from the identity provider. */
export const SIGN_IN_TRANSACTION_LIFETIME_MS = 10 * 60 * 1000;

export interface PeopleOptions {
  /** The LRS's public base URL (PUBLIC_URL): login links and the OIDC redirect URI start with it. */
  publicUrl: string;
  /** OpenID Connect sign-in; without it, people sign in through login links only. */
  oidc?: { issuer: string; clientId: string; clientSecret: string };
  /** The clock of sessions, links and expiries (tests move it). */
  now?: () => Date;
}

export interface LoginLinkValue {
  personId: string;
}

export interface SignInTransaction extends OidcTransaction {
  /** A path on this site to return to once signed in. */
  returnTo?: string;
}

/** The people feature, opened on the collection store: what its routes and middleware share. */
export interface People {
  service: PeopleService;
  institutions: InstitutionRegistry;
  sessions: Sessions;
  loginLinks: TokenCollection<LoginLinkValue>;
  loginLinkLifetimeMs: number;
  signInTransactions: TokenCollection<SignInTransaction>;
  oidc?: OidcProvider;
  /** No trailing slash. */
  publicUrl: string;
  secureCookies: boolean;
}

export async function openPeople(store: CollectionStore, options: PeopleOptions): Promise<People> {
  const now = options.now ?? (() => new Date());
  const publicUrl = options.publicUrl.replace(/\/+$/, '');
  const secureCookies = publicUrl.startsWith('https://');
  const service = await PeopleService.open(store, now);
  return {
    service,
    institutions: await InstitutionRegistry.open(store, now),
    sessions: await Sessions.open(store, service, { secureCookies, now }),
    loginLinks: await TokenCollection.open<LoginLinkValue>(store, 'login_links', now),
    loginLinkLifetimeMs: LOGIN_LINK_LIFETIME_MS,
    signInTransactions: await TokenCollection.open<SignInTransaction>(store, 'oidc_transactions', now),
    oidc: options.oidc && new OidcProvider({ ...options.oidc, redirectUri: `${publicUrl}/sign-in/callback` }),
    publicUrl,
    secureCookies,
  };
}
