import type { Response } from 'express';
import { webState } from './web-state';

/**
 * The Content-Security-Policy of every web response: only this origin's stylesheet and images (and
 * data: images), no script at all — except on a page that asks for its own (PageOptions.scripts),
 * which gets this origin's scripts and fetches to this origin, still nothing inline — forms post only
 * here (and to the origins a page allowed with allowFormTarget), never framed. Style attributes are
 * blocked too (style-src without 'unsafe-inline'): style with classes in keiko.css.
 */
export function contentSecurityPolicy(formTargets: readonly string[] = [], runsScripts = false): string {
  return [
    "default-src 'none'",
    ...(runsScripts ? ["script-src 'self'", "connect-src 'self'"] : []),
    "style-src 'self'",
    "img-src 'self' data:",
    ["form-action 'self'", ...formTargets].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

/**
 * Lets this response's forms lead to `origin` too: browsers apply form-action to the redirects
 * after a submission, so a form whose handler redirects to another site (an OpenID Connect
 * provider) needs it. Only the origin of the URL is used (scheme, host, port).
 */
export function allowFormTarget(res: Response, url: string): void {
  const { protocol, origin } = new URL(url);
  if (protocol !== 'https:' && protocol !== 'http:') throw new TypeError(`A form target must be an http(s) URL, not ${protocol}`);
  const state = webState(res);
  if (!state.formTargets.includes(origin)) state.formTargets.push(origin);
  if (res.hasHeader('Content-Security-Policy')) res.setHeader('Content-Security-Policy', contentSecurityPolicy(state.formTargets, state.runsScripts));
}

/**
 * Set on pages, web error pages and static files. A constant table rather than helmet: these are
 * fixed values, and one list is easier to review than a library's defaults with overrides.
 */
const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

export function setSecurityHeaders(res: Response): void {
  res.set(SECURITY_HEADERS);
  const { formTargets, runsScripts } = webState(res);
  res.set('Content-Security-Policy', contentSecurityPolicy(formTargets, runsScripts));
}
