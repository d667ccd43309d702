import type { RequestHandler } from 'express';
import { HttpError } from '../../../plugin-api';

export interface RateLimit {
  /** Requests allowed per client address within `windowMs`. */
  requests: number;
  windowMs: number;
}

/** Addresses tracked at most: beyond it the oldest windows are forgotten, so memory stays bounded under a flood of addresses. */
const MAX_CLIENTS = 10_000;

/**
 * A fixed-window limiter per client address (`req.ip`, which honours TRUST_PROXY), in this
 * process's memory: each LRS instance limits on its own. Beyond the limit, 429 RATE_LIMITED with
 * Retry-After (seconds until the window ends).
 */
export function rateLimit({ requests, windowMs }: RateLimit, now: () => number = Date.now): RequestHandler {
  const windows = new Map<string, { start: number; count: number }>();
  return (req, _res, next) => {
    const client = req.ip ?? 'unknown';
    const time = now();
    let window = windows.get(client);
    if (window === undefined || time - window.start >= windowMs) {
      windows.delete(client);
      if (windows.size >= MAX_CLIENTS) windows.delete(windows.keys().next().value!);
      window = { start: time, count: 0 };
      windows.set(client, window);
    }
    window.count += 1;
    if (window.count <= requests) return next();
    const retryAfter = Math.max(1, Math.ceil((window.start + windowMs - time) / 1000));
    throw new HttpError(429, 'RATE_LIMITED', `Too many requests: try again in ${retryAfter} s`, { 'Retry-After': String(retryAfter) });
  };
}
