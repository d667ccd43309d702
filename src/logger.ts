import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LogLevel } from './config';

export type { Logger };

/** `pretty`: one readable line per entry, for people at a terminal; `json`: one JSON object per line, for machines. */
export type LogFormat = 'json' | 'pretty';

/**
 * Logs on stdout (or `destination`) with ISO times, as JSON or readable lines (`auto`: readable
 * when stdout is a terminal). Secrets are redacted wherever they appear: authorization headers, cookies (session
 * ids, CSRF secrets) and the secrets some URLs carry (see redactUrl), in requests (URL, parsed
 * query and path parameters) and in redirects (Location).
 */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream, format: 'auto' | LogFormat = 'auto'): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'keiko-lrs' },
    timestamp: pino.stdTimeFunctions.isoTime,
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
        'req.query',
        'req.params.token',
        'res.headers.location',
      ],
      censor: (value, path) => (URL_FIELDS.has(path[path.length - 1]!) && typeof value === 'string' ? redactUrl(value) : '[redacted]'),
    },
  };
  const readable = format === 'auto' ? destination === undefined && process.stdout.isTTY : format === 'pretty';
  const stream = readable ? prettyStream(destination) : destination;
  return stream === undefined ? pino(options) : pino(options, stream);
}

/** Synchronous, so nothing is lost when the process exits right after logging (a failed start). */
function prettyStream(destination: pino.DestinationStream | undefined): pino.DestinationStream {
  return pretty({
    destination: destination ?? 1,
    sync: true,
    colorize: destination === undefined && pretty.isColorSupported,
    singleLine: true,
    translateTime: "UTC:yyyy-mm-dd'T'HH:MM:ss.l'Z'",
    ignore: 'service',
  });
}

/**
 * pino-http's request line: method, URL (its secrets redacted by the logger), status and, beside
 * them, responseTime; no headers, whose cookies and credentials have no place in logs.
 */
export const requestLogSerializers = {
  req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
  res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
};

/** Fields holding URLs, whose secrets and personal data only are redacted. */
const URL_FIELDS = new Set(['url', 'location']);
/**
 * Path segments that are secrets: the token of a login link (/sign-in/link/{token}) and of a
 * plugin's secret links, which the plugin API asks plugins to put under /plugins/<name>/s/{token}
 * (the passport's shares).
 */
const SECRET_PATH = /^(\/sign-in\/link\/|\/plugins\/[a-z][a-z0-9-]*\/s\/)[^/?#]+/;
/**
 * Query parameters whose values may be logged: they name no person and hold no secret. Every other
 * value (an xAPI `agent` filter's email, an OpenID Connect `code`, a document id…) is redacted, so
 * request logs carry no personal data or secrets; the parameter names stay, for debugging.
 */
const LOGGABLE_QUERY_PARAMETERS = new Set(['limit', 'format', 'ascending', 'attachments', 'since', 'until', 'verb', 'lang', 'method', 'iss']);
const QUERY_PARAMETER = /([?&])([^=&#]*)=([^&#]*)/g;

/** The URL (path and query) with its secrets and personal data replaced by [redacted]. */
export function redactUrl(url: string): string {
  return url
    .replace(SECRET_PATH, '$1[redacted]')
    .replace(QUERY_PARAMETER, (parameter, separator: string, name: string) =>
      LOGGABLE_QUERY_PARAMETERS.has(decodedName(name)) ? parameter : `${separator}${name}=[redacted]`,
    );
}

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name).toLowerCase();
  } catch {
    return name;
  }
}
