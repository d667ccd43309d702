import pino, { type Logger } from 'pino';
import type { LogLevel } from './config';

export type { Logger };

/** JSON logs on stdout. Authorization headers are redacted wherever they appear. */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { service: 'keiko-lrs' },
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', '*.secret', 'secret'],
      censor: '[redacted]',
    },
  });
}
