import { parse } from 'cookie';
import type { Request } from 'express';

/** The request's cookies (express 5 does not parse them); parsed once per request. */
export function requestCookies(req: Request): Record<string, string | undefined> {
  const cached = parsedCookies.get(req);
  if (cached) return cached;
  const cookies = parse(req.get('cookie') ?? '');
  parsedCookies.set(req, cookies);
  return cookies;
}

const parsedCookies = new WeakMap<Request, Record<string, string | undefined>>();
