import type { RequestHandler } from 'express';
import { BadRequestCode, BadRequestError } from '../errors';
import { bodyBytes, mediaTypeOf } from './body';

/** Form fields that stand for request headers in the alternate syntax (Communication 1.3.s3.b6). */
const HEADER_FIELDS = new Set([
  'authorization',
  'x-experience-api-version',
  'content-type',
  'content-length',
  'if-match',
  'if-none-match',
]);
const METHODS = new Set(['GET', 'HEAD', 'PUT', 'POST', 'DELETE']);

/**
 * Alternate Request Syntax (Communication 1.3): `POST <resource>?method=PUT` with a form body
 * carrying headers, query parameters and the `content`. Rewrites the request into the one it
 * stands for, so every route handles both syntaxes alike. Runs after the raw body is read and
 * before authentication (the Authorization header may be a form field).
 */
export function alternateRequestSyntax(): RequestHandler {
  return (req, _res, next) => {
    if (req.method !== 'POST' || req.query.method === undefined) return next();
    const method = checkMethod(req.query);
    if (mediaTypeOf(req) !== 'application/x-www-form-urlencoded') {
      throw invalid('An alternate-syntax request (?method=...) must have Content-Type application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams(bodyBytes(req).toString('utf8'));
    const query = new URLSearchParams();
    let content = '';
    for (const [name, value] of form) {
      const lower = name.toLowerCase();
      if (lower === 'content') content = value;
      else if (HEADER_FIELDS.has(lower)) req.headers[lower] = value;
      else query.append(name, value);
    }
    if (content !== '' && mediaTypeOf(req) === 'application/x-www-form-urlencoded') {
      // No Content-Type form field: xAPI content is JSON (1.3.s3.b10 makes the field a SHOULD).
      req.headers['content-type'] = 'application/json';
    }
    req.headers['content-length'] = String(Buffer.byteLength(content));
    req.body = Buffer.from(content, 'utf8');
    req.method = method;
    const search = query.toString();
    req.url = `${req.path}${search === '' ? '' : `?${search}`}`;
    next();
  };
}

function checkMethod(query: Record<string, unknown>): string {
  const extra = Object.keys(query).filter((name) => name !== 'method');
  if (extra.length > 0) {
    throw invalid(`An alternate-syntax request takes only "method" in the query string; move "${extra.join('", "')}" into the form`);
  }
  const method = typeof query.method === 'string' ? query.method.toUpperCase() : '';
  if (!METHODS.has(method)) throw invalid(`method must be one of ${[...METHODS].join(', ')}`);
  return method;
}

function invalid(message: string): BadRequestError {
  return new BadRequestError(BadRequestCode.InvalidAlternateRequest, message);
}
