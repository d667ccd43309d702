import type { Request, RequestHandler } from 'express';
import passport from 'passport';
import { BasicStrategy } from 'passport-http';
import { ForbiddenError, UnauthorizedError } from '../errors';
import type { Credential, CredentialStore } from './credential-store';
import { CredentialVerifier } from './credential-verifier';
import { authorize, holdsScope, scopesAllowing, type Operation, type Scope } from './scopes';
import { VerifiedCredentialCache } from './verified-cache';

export const DEFAULT_CACHE_TTL_MS = 60_000;
export const DEFAULT_CACHE_MAX_ENTRIES = 1_000;

const STRATEGY = 'xapi-basic';

export interface AuthenticateOptions {
  store: CredentialStore;
  /**
   * How long a successful verification is reused without scrypt or a database read
   * (default 60 s). Revoking a credential, rotating its secret or changing its scopes takes
   * effect within this time.
   */
  cacheTtlMs?: number;
  /** Most credentials kept verified at once (default 1000). */
  cacheMaxEntries?: number;
  /** Clock for the cache, in milliseconds (tests). */
  now?: () => number;
  /** A cache made by `verifiedCredentialCache`, kept by the caller to invalidate revoked keys at once. */
  cache?: VerifiedCredentialCache;
}

/**
 * Middleware authenticating requests with HTTP Basic credentials (key:secret) against the
 * store. On success sets `req.credential`; otherwise forwards UnauthorizedError (401 with a
 * `WWW-Authenticate: Basic realm="xAPI"` challenge). No session is used.
 */
export function authenticate(options: AuthenticateOptions): RequestHandler {
  const verifier = new CredentialVerifier(options.store, options.cache ?? verifiedCredentialCache(options));
  const authenticator = new passport.Passport();
  authenticator.use(STRATEGY, basicStrategy(verifier));

  return (req, res, next) => {
    const onResult = (error: unknown, credential: Credential | false) => {
      if (error) return next(error);
      if (!credential) return next(new UnauthorizedError());
      req.credential = credential;
      next();
    };
    authenticator.authenticate(STRATEGY, { session: false }, onResult)(req, res, next);
  };
}

/** The verified-credential cache `authenticate` uses, with the default TTL and size unless given. */
export function verifiedCredentialCache(options: Pick<AuthenticateOptions, 'cacheTtlMs' | 'cacheMaxEntries' | 'now'> = {}): VerifiedCredentialCache {
  return new VerifiedCredentialCache({
    ttlMs: options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS,
    maxEntries: options.cacheMaxEntries ?? DEFAULT_CACHE_MAX_ENTRIES,
    now: options.now,
  });
}

/**
 * Middleware allowing the request only if the credential's scopes allow the operation;
 * otherwise throws ForbiddenError naming the scopes that would. Sets `req.readMineOnly` when
 * only statements/read/mine applies. Operations that need no scope (reading /about) pass
 * without a credential; any other operation without one is a 401.
 */
export function requireScope(operation: Operation): RequestHandler {
  return (req, _res, next) => {
    const decision = authorize(req.credential?.scopes ?? [], operation);
    if (decision === 'deny') {
      throw req.credential ? new ForbiddenError(forbiddenMessage(operation)) : new UnauthorizedError();
    }
    req.readMineOnly = decision === 'allow-mine';
    next();
  };
}

/**
 * Middleware allowing the request only if its credential holds a Keiko or plugin scope (or
 * `admin`): 401 without a credential, 403 FORBIDDEN naming the scope otherwise.
 */
export function requireGrant(scope: Scope): RequestHandler {
  return (req, _res, next) => {
    if (!req.credential) throw new UnauthorizedError();
    if (!holdsScope(req.credential.scopes, scope)) {
      throw new ForbiddenError(`This credential may not do this: that requires the scope ${scope} (or admin)`);
    }
    next();
  };
}

function basicStrategy(verifier: CredentialVerifier): BasicStrategy {
  return new BasicStrategy({ passReqToCallback: true }, (req, key, _secret, done) => {
    verifier.verify(key, secretFromHeader(req)).then((credential) => done(null, credential ?? false), done);
  });
}

/**
 * passport-http splits the decoded "user-id:password" on every ":" and passes only the first
 * two parts, truncating secrets that contain a colon, which RFC 7617 §2 allows. The secret is
 * everything after the first colon. (The strategy has already checked that there is one.)
 */
function secretFromHeader(req: Request): string {
  const encoded = (req.headers.authorization ?? '').split(' ')[1] ?? '';
  const userPass = Buffer.from(encoded, 'base64').toString();
  return userPass.slice(userPass.indexOf(':') + 1);
}

function forbiddenMessage(operation: Operation): string {
  const action = `${operation.write ? 'write' : 'read'} ${operation.resource}`;
  return `This credential may not ${action}: that requires one of the scopes ${scopesAllowing(operation).join(', ')}`;
}
