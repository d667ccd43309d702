import type { Request, Response } from 'express';
import type { Credential, CredentialStore } from '../auth/credential-store';
import { holdsScope } from '../auth/scopes';
import { CookieSessions, type SessionValue } from '../people/cookie-sessions';
import { TokenCollection } from '../people/token-collection';
import type { CollectionStore } from '../storage/collections/collection-store';

export const CONSOLE_SESSION_COOKIE = 'keiko_console';
/** How long a console session lasts from sign-in; it is not extended by use. */
export const CONSOLE_SESSION_LIFETIME_MS = 8 * 3600 * 1000;

interface ConsoleSessionValue extends SessionValue {
  credentialKey: string;
}

/** A live console session: its credential is still active and still holds `admin`. */
export interface ConsoleSession {
  credential: Credential;
  csrfSecret: string;
}

export interface ConsoleSessionOptions {
  credentials: CredentialStore;
  collections: CollectionStore;
  /** Whether the cookie is `Secure`: when the LRS's public URL is https. */
  secureCookies: boolean;
  now?: () => Date;
}

/**
 * Console sessions: the `keiko_console` cookie (SameSite=Strict: no console page is ever entered
 * signed in from another site), 8 hours, with the credential's key (CookieSessions has the rest).
 * Every request looks the credential up again, so revoking it (or taking `admin` from it) ends its
 * sessions at once, on every instance.
 */
export class ConsoleSessions {
  private constructor(
    private readonly sessions: CookieSessions<ConsoleSessionValue>,
    private readonly credentials: CredentialStore,
  ) {}

  static async open(options: ConsoleSessionOptions): Promise<ConsoleSessions> {
    const now = options.now ?? (() => new Date());
    const tokens = await TokenCollection.open<ConsoleSessionValue>(options.collections, 'console-sessions', now);
    const cookie = { cookie: CONSOLE_SESSION_COOKIE, lifetimeMs: CONSOLE_SESSION_LIFETIME_MS, sameSite: 'strict', secure: options.secureCookies } as const;
    return new ConsoleSessions(new CookieSessions(tokens, cookie), options.credentials);
  }

  /** The request's session, if its cookie names one whose credential may still administer. */
  async current(req: Request): Promise<ConsoleSession | undefined> {
    const session = await this.sessions.current(req);
    if (session === undefined) return undefined;
    const stored = await this.credentials.findActive(session.credentialKey);
    if (stored === null || !holdsScope(stored.credential.scopes, 'admin')) {
      await this.sessions.forget(req);
      return undefined;
    }
    return { credential: stored.credential, csrfSecret: session.csrfSecret };
  }

  /** Starts a new session for the credential (ending the one the browser had) and sets its cookie; returns its CSRF secret. */
  async signIn(req: Request, res: Response, credentialKey: string): Promise<string> {
    return this.sessions.start(req, res, { credentialKey });
  }

  async signOut(req: Request, res: Response): Promise<void> {
    await this.sessions.end(req, res);
  }
}
