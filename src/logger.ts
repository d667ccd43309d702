import pino, { type Logger } from 'pino';
import type { LogLevel } from './config';

export type { Logger };

/**
 * JSON logs on stdout (or `destination`). Secrets are redacted wherever they appear: authorization
 * headers, cookies (session ids, CSRF secrets) and the secrets some URLs carry (see redactUrl), in
 * requests (URL, parsed query and path parameters) and in redirects (Location).
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'keiko-lrs' },
    redact: {
      paths: [
        'req.headers.authorization',
        'headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.secret',
        'secret',
        'req.url',
        'url',
        ...SECRET_QUERY_PARAMETERS.map((name) => `req.query.${name}`),
        'req.params.token',
        'res.headers.location',
      ],
      censor: (value, path) => (URL_FIELDS.has(path[path.length - 1]!) && typeof value === 'string' ? redactUrl(value) : '[redacted]'),
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/** Fields holding URLs, whose secrets only are redacted. */
const URL_FIELDS = new Set(['url', 'location']);
/** Path segments that are secrets: the token of a login link (/sign-in/link/{token}). */
const SECRET_PATH = /^(\/sign-in\/link\/)[^/?#]+/;
/** Query parameters that are secrets: OpenID Connect's code, state and nonce (callbacks, redirects to the provider), any token. */
const SECRET_QUERY_PARAMETERS = ['code', 'state', 'nonce', 'token', 'session_state'];
const SECRET_PARAMETERS = new RegExp(`([?&](?:${SECRET_QUERY_PARAMETERS.join('|')})=)[^&#]*`, 'gi');

/** The URL (path and query) with its secrets replaced by [redacted]. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PATH, '$1[redacted]').replace(SECRET_PARAMETERS, '$1[redacted]');
}
