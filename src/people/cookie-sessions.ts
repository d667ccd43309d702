import type { CookieOptions, Request, Response } from 'express';
import { newCsrfSecret, requestCookies } from '../web';
import type { TokenCollection } from './token-collection';

export interface CookieSessionOptions {
  cookie: string;
  lifetimeMs: number;
  sameSite: 'lax' | 'strict';
  /** Whether the cookie is `Secure`: when the LRS's public URL is https (see docs/people.md). */
  secure: boolean;
}

/** What every session keeps: the secret its forms carry (src/web/csrf.tsx). */
export interface SessionValue {
  csrfSecret: string;
}

/**
 * Server-side sessions named by a random token in an HttpOnly cookie, stored only as a digest
 * (TokenCollection) with their value; they last a fixed time from sign-in, not extended by use.
 * Starting one always ends the one the browser had, so a planted token never becomes a signed-in one.
 * People's sessions and the admin console's are both this, with their own cookie and value.
 */
export class CookieSessions<T extends SessionValue> {
  constructor(
    private readonly tokens: TokenCollection<T>,
    private readonly options: CookieSessionOptions,
  ) {}

  /** The session the request's cookie names, while it lasts. */
  async current(req: Request): Promise<(T & { expiresAt: Date }) | undefined> {
    const token = this.tokenOf(req);
    return token === undefined ? undefined : this.tokens.peek(token);
  }

  /** Starts a new session with a new CSRF secret, sets its cookie and returns the secret. */
  async start(req: Request, res: Response, value: Omit<T, 'csrfSecret'>): Promise<string> {
    await this.forget(req);
    await this.tokens.purgeExpired();
    const csrfSecret = newCsrfSecret();
    const { token } = await this.tokens.issue({ ...value, csrfSecret } as T, this.options.lifetimeMs);
    res.cookie(this.options.cookie, token, { ...this.cookieOptions(), maxAge: this.options.lifetimeMs });
    return csrfSecret;
  }

  /** Ends the request's session and clears its cookie. */
  async end(req: Request, res: Response): Promise<void> {
    await this.forget(req);
    res.clearCookie(this.options.cookie, this.cookieOptions());
  }

  /** Deletes the request's session (the cookie stays, naming nothing). */
  async forget(req: Request): Promise<void> {
    const token = this.tokenOf(req);
    if (token !== undefined) await this.tokens.revoke(token);
  }

  private tokenOf(req: Request): string | undefined {
    return requestCookies(req)[this.options.cookie];
  }

  private cookieOptions(): CookieOptions {
    return { httpOnly: true, sameSite: this.options.sameSite, secure: this.options.secure, path: '/' };
  }
}
