import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler, type Response } from 'express';
import { HttpError } from '../errors';
import { requestCookies } from './cookies';
import { webState } from './web-state';

/**
 * CSRF protection for forms: a synchronizer token. A signed-in session keeps a secret of its own
 * (newCsrfSecret() when the session is created, handed over per request with
 * setSessionCsrfSecret()); a visitor without a session gets one in the `keiko_csrf` cookie, so the
 * sign-in forms are protected too. Every form carries the secret in a hidden `_csrf` field
 * (<CsrfField token={csrfToken(res)} />) and requireCsrfToken() compares the two in constant time.
 */
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';
export const CSRF_COOKIE = 'keiko_csrf';

const FORM_BODY_LIMIT = '64kb';

export function newCsrfSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** For this request, forms are checked against the signed-in session's secret. */
export function setSessionCsrfSecret(res: Response, secret: string): void {
  webState(res).csrfSecret = secret;
}

/** The token to put in this request's forms (creates the visitor's cookie when there is none yet). */
export function csrfToken(res: Response): string {
  const expected = expectedCsrfToken(res);
  if (expected !== undefined) return expected;
  const secret = newCsrfSecret();
  res.cookie(CSRF_COOKIE, secret, { path: '/', sameSite: 'lax', httpOnly: true, secure: res.req.secure });
  webState(res).csrfSecret = secret;
  return secret;
}

/** Constant-time comparison (of digests, so that lengths leak nothing either). */
export function csrfTokensMatch(expected: string, submitted: unknown): boolean {
  if (typeof submitted !== 'string' || submitted === '') return false;
  return timingSafeEqual(digest(expected), digest(submitted));
}

/**
 * Parses an application/x-www-form-urlencoded body into `req.body` (string fields) and answers
 * 403 INVALID_CSRF_TOKEN, changing nothing, unless its `_csrf` field (or the X-CSRF-Token header)
 * holds this request's token. Put it before every handler of a POST form.
 */
export function requireCsrfToken(): RequestHandler[] {
  return [
    express.urlencoded({ extended: false, limit: FORM_BODY_LIMIT }),
    (req, res, next) => {
      const body = req.body as Record<string, unknown> | undefined;
      const submitted = body?.[CSRF_FIELD] ?? req.get(CSRF_HEADER);
      const expected = expectedCsrfToken(res);
      if (expected === undefined || !csrfTokensMatch(expected, submitted)) {
        throw new HttpError(
          403,
          'INVALID_CSRF_TOKEN',
          'This form has expired or did not come from this site: reload the page and send it again.',
        );
      }
      next();
    },
  ];
}

/** The hidden field every POST form carries. */
export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={token} />;
}

function expectedCsrfToken(res: Response): string | undefined {
  return webState(res).csrfSecret ?? nonEmpty(requestCookies(res.req)[CSRF_COOKIE]);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
