import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { HttpError } from '../errors';
import type { CollectionStore } from '../storage/collections/collection-store';
import { setSessionCsrfSecret, setViewer, SIGN_IN_PATH } from '../web';
import { CookieSessions, type SessionValue } from './cookie-sessions';
import type { PeopleService, PersonRecord } from './people-service';
import type { Role } from './roles';
import { TokenCollection } from './token-collection';

export const SESSION_COOKIE = 'keiko_session';
/** How long a session lasts from sign-in (the seeds' 24 h); it is not extended by use. */
export const SESSION_LIFETIME_MS = 24 * 3600 * 1000;

interface PersonSession extends SessionValue {
  personId: string;
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
 * People's sessions: `keiko_session` cookie (SameSite=Lax, so a link from another site arrives
 * signed in), 24 hours, with the person's id (CookieSessions has the rest).
 */
export class Sessions {
  private constructor(
    private readonly sessions: CookieSessions<PersonSession>,
    private readonly people: PeopleService,
  ) {}

  static async open(store: CollectionStore, people: PeopleService, options: SessionOptions): Promise<Sessions> {
    const now = options.now ?? (() => new Date());
    const tokens = await TokenCollection.open<PersonSession>(store, 'sessions', now);
    const cookie = { cookie: SESSION_COOKIE, lifetimeMs: SESSION_LIFETIME_MS, sameSite: 'lax', secure: options.secureCookies } as const;
    return new Sessions(new CookieSessions(tokens, cookie), people);
  }

  /** Sets `req.signedIn` (and the page header's viewer and form secret) when the cookie names a live session. */
  middleware(): RequestHandler {
    return async (req, res, next) => {
      const session = await this.sessions.current(req);
      const person = session && (await this.people.get(session.personId));
      if (session && person) {
        req.signedIn = { person, expiresAt: session.expiresAt };
        setSessionCsrfSecret(res, session.csrfSecret);
        setViewer(res, { displayName: person.name, roles: person.roles });
      }
      next();
    };
  }

  /** Starts a new session for the person (ending the one the browser had) and sets its cookie. */
  async signIn(req: Request, res: Response, personId: string): Promise<void> {
    setSessionCsrfSecret(res, await this.sessions.start(req, res, { personId }));
  }

  async signOut(req: Request, res: Response): Promise<void> {
    await this.sessions.end(req, res);
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
