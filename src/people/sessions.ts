import type { CookieOptions, NextFunction, Request, RequestHandler, Response } from 'express';
import { HttpError } from '../errors';
import type { CollectionStore } from '../storage/collections/collection-store';
import { newCsrfSecret, requestCookies, setSessionCsrfSecret, setViewer, SIGN_IN_PATH } from '../web';
import type { PeopleService, PersonRecord } from './people-service';
import type { Role } from './roles';
import { TokenCollection } from './token-collection';

export const SESSION_COOKIE = 'keiko_session';
/** How long a session lasts from sign-in (the seeds' 24 h); it is not extended by use. */
export const SESSION_LIFETIME_MS = 24 * 3600 * 1000;

interface SessionValue {
  personId: string;
  /** The secret this session's forms carry (src/web/csrf.tsx). */
  csrfSecret: string;
}

/** Who is signed in on this request (set by Sessions.middleware). */
export interface SignedIn {
  person: PersonRecord;
  expiresAt: Date;
}

declare global {
  namespace Express {
    interface Request {
      signedIn?: SignedIn;
    }
  }
}

export interface SessionOptions {
  /** Whether the cookie is `Secure`: when the LRS's public URL is https (see docs/people.md). */
  secureCookies: boolean;
  now?: () => Date;
}

/**
 * Server-side sessions: a random id in the `keiko_session` cookie (HttpOnly, SameSite=Lax, Secure
 * behind https), stored only as a digest with the person and the session's CSRF secret. A session
 * lasts 24 hours; signing in always starts a new one (the id a browser had before is dropped, so a
 * planted id never becomes a signed-in one); signing out deletes it.
 */
export class Sessions {
  private constructor(
    private readonly tokens: TokenCollection<SessionValue>,
    private readonly people: PeopleService,
    private readonly options: SessionOptions,
  ) {}

  static async open(store: CollectionStore, people: PeopleService, options: SessionOptions): Promise<Sessions> {
    const now = options.now ?? (() => new Date());
    return new Sessions(await TokenCollection.open<SessionValue>(store, 'sessions', now), people, options);
  }

  /** Sets `req.signedIn` (and the page header's viewer and form secret) when the cookie names a live session. */
  middleware(): RequestHandler {
    return async (req, res, next) => {
      const token = requestCookies(req)[SESSION_COOKIE];
      const session = token === undefined ? undefined : await this.tokens.peek(token);
      const person = session && (await this.people.get(session.personId));
      if (session && person) {
        req.signedIn = { person, expiresAt: session.expiresAt };
        setSessionCsrfSecret(res, session.csrfSecret);
        setViewer(res, { displayName: person.name });
      }
      next();
    };
  }

  /** Starts a new session for the person (ending the one the browser had) and sets its cookie. */
  async signIn(req: Request, res: Response, personId: string): Promise<void> {
    await this.endCurrent(req);
    await this.tokens.purgeExpired();
    const csrfSecret = newCsrfSecret();
    const { token } = await this.tokens.issue({ personId, csrfSecret }, SESSION_LIFETIME_MS);
    res.cookie(SESSION_COOKIE, token, { ...this.cookieOptions(), maxAge: SESSION_LIFETIME_MS });
    setSessionCsrfSecret(res, csrfSecret);
  }

  async signOut(req: Request, res: Response): Promise<void> {
    await this.endCurrent(req);
    res.clearCookie(SESSION_COOKIE, this.cookieOptions());
  }

  private async endCurrent(req: Request): Promise<void> {
    const token = requestCookies(req)[SESSION_COOKIE];
    if (token !== undefined) await this.tokens.revoke(token);
  }

  private cookieOptions(): CookieOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.options.secureCookies, path: '/' };
  }
}

/** Web pages for signed-in people only: others are sent to sign in (303), then back here. */
export function requireSignIn(): RequestHandler {
  return (req, res, next) => {
    if (req.signedIn) return next();
    redirectToSignIn(req, res);
  };
}

/**
 * Web pages (and plugin routes) for people holding a role: others are sent to sign in, and a
 * signed-in person without the role gets 403 ROLE_REQUIRED.
 */
export function requireRole(role: Role): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.signedIn) return redirectToSignIn(req, res);
    if (!req.signedIn.person.roles.includes(role)) {
      throw new HttpError(403, 'ROLE_REQUIRED', `This page is for people with the role ${role}`);
    }
    next();
  };
}

function redirectToSignIn(req: Request, res: Response): void {
  const back = req.method === 'GET' ? `?${new URLSearchParams({ return: req.originalUrl }).toString()}` : '';
  res.redirect(303, `${SIGN_IN_PATH}${back}`);
}
