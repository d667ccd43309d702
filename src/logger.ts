import pino, { type Logger } from 'pino';
import type { LogLevel } from './config';

export type { Logger };

/**
 * JSON logs on stdout (or `destination`). Secrets are redacted wherever they appear: authorization headers, cookies
 * (session ids, CSRF secrets) and the secrets some URLs carry (see redactUrl).
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
      ],
      censor: (value, path) => (path[path.length - 1] === 'url' && typeof value === 'string' ? redactUrl(value) : '[redacted]'),
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/** Path segments that are secrets: the token of a login link (/sign-in/link/{token}). */
const SECRET_PATH = /^(\/sign-in\/link\/)[^/?#]+/;
/** Query parameters that are secrets: an OpenID Connect callback's code and state, any token. */
const SECRET_PARAMETERS = /([?&](?:code|state|token|session_state)=)[^&#]*/gi;

/** The URL (path and query) with its secrets replaced by [redacted]. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PATH, '$1[redacted]').replace(SECRET_PARAMETERS, '$1[redacted]');
}
