import type { CookieOptions, Request, Response } from 'express';
import type { Credential, CredentialStore } from '../auth/credential-store';
import { holdsScope } from '../auth/scopes';
import { TokenCollection } from '../people/token-collection';
import type { CollectionStore } from '../storage/collections/collection-store';
import { newCsrfSecret, requestCookies } from '../web';

export const CONSOLE_SESSION_COOKIE = 'keiko_console';
/** How long a console session lasts from sign-in; it is not extended by use. */
export const CONSOLE_SESSION_LIFETIME_MS = 8 * 3600 * 1000;

interface ConsoleSessionValue {
  credentialKey: string;
  /** The secret this session's forms carry (src/web/csrf.tsx). */
  csrfSecret: string;
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
 * Console sessions: a random token in the `keiko_console` cookie (HttpOnly, SameSite=Strict,
 * Secure behind https), stored only as a digest with the credential's key and the session's CSRF
 * secret, for 8 hours. Every request looks the credential up again, so revoking it (or taking
 * `admin` from it) ends its sessions at once, on every instance.
 */
export class ConsoleSessions {
  private constructor(
    private readonly tokens: TokenCollection<ConsoleSessionValue>,
    private readonly options: ConsoleSessionOptions,
  ) {}

  static async open(options: ConsoleSessionOptions): Promise<ConsoleSessions> {
    const now = options.now ?? (() => new Date());
    return new ConsoleSessions(await TokenCollection.open<ConsoleSessionValue>(options.collections, 'console-sessions', now), options);
  }

  /** The request's session, if its cookie names one whose credential may still administer. */
  async current(req: Request): Promise<ConsoleSession | undefined> {
    const token = requestCookies(req)[CONSOLE_SESSION_COOKIE];
    if (token === undefined) return undefined;
    const session = await this.tokens.peek(token);
    if (session === undefined) return undefined;
    const stored = await this.options.credentials.findActive(session.credentialKey);
    if (stored === null || !holdsScope(stored.credential.scopes, 'admin')) {
      await this.tokens.revoke(token);
      return undefined;
    }
    return { credential: stored.credential, csrfSecret: session.csrfSecret };
  }

  /** Starts a new session for the credential (ending the one the browser had) and sets its cookie; returns its CSRF secret. */
  async signIn(req: Request, res: Response, credentialKey: string): Promise<string> {
    await this.endCurrent(req);
    await this.tokens.purgeExpired();
    const csrfSecret = newCsrfSecret();
    const { token } = await this.tokens.issue({ credentialKey, csrfSecret }, CONSOLE_SESSION_LIFETIME_MS);
    res.cookie(CONSOLE_SESSION_COOKIE, token, { ...this.cookieOptions(), maxAge: CONSOLE_SESSION_LIFETIME_MS });
    return csrfSecret;
  }

  async signOut(req: Request, res: Response): Promise<void> {
    await this.endCurrent(req);
    res.clearCookie(CONSOLE_SESSION_COOKIE, this.cookieOptions());
  }

  private async endCurrent(req: Request): Promise<void> {
    const token = requestCookies(req)[CONSOLE_SESSION_COOKIE];
    if (token !== undefined) await this.tokens.revoke(token);
  }

  private cookieOptions(): CookieOptions {
    return { httpOnly: true, sameSite: 'strict', secure: this.options.secureCookies, path: '/' };
  }
}
