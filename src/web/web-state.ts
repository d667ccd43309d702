import type { Response } from 'express';
import { requestCookies } from './cookies';
import { LANGUAGE_PARAMETER, messagesFor, resolveLocale, type Locale, type LocalizedText, type Messages } from './i18n';

/** A link in the header's navigation. */
export interface NavItem {
  href: string;
  label: LocalizedText;
  /** Listed only to signed-in people holding this role (e.g. `moderator`): others would get 403 there. */
  role?: string;
}

/** The signed-in person the header shows (set by the session middleware of the people feature). */
export interface Viewer {
  displayName: string;
  /** The person's roles: which role-bound navigation links the header lists. */
  roles: readonly string[];
  /** Where the header's sign-out form posts (default SIGN_OUT_PATH, the people's sign-out). */
  signOutPath?: string;
}

/** What the web shell keeps about one request, in res.locals (read and written only through this module). */
interface WebState {
  locale?: Locale;
  isPage: boolean;
  siteNav: NavItem[];
  viewer?: Viewer;
  /** The secret forms of this request carry: the session's, or the visitor cookie's once created. */
  csrfSecret?: string;
  /** Origins this response's forms may lead to besides Keiko (allowFormTarget). */
  formTargets: string[];
  /** The page loads same-origin scripts (PageOptions.scripts): its CSP allows them and their fetches to this origin. */
  runsScripts: boolean;
}

const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

export function webState(res: Response): WebState {
  const locals = res.locals as { keikoWeb?: WebState };
  locals.keikoWeb ??= { isPage: false, siteNav: [], formTargets: [], runsScripts: false };
  return locals.keikoWeb;
}

/**
 * The request's language and its messages. Resolved once per request; a language chosen with
 * `?lang=` is remembered in the `lang` cookie, so it must be first called before the response is
 * sent (webPage() and renderPage() do).
 */
export function i18n(res: Response): { locale: Locale; t: Messages } {
  const state = webState(res);
  if (state.locale === undefined) {
    const { locale, chosenInQuery } = resolveLocale(res.req, requestCookies(res.req));
    if (chosenInQuery && requestCookies(res.req)[LANGUAGE_PARAMETER] !== locale && !res.headersSent) {
      res.cookie(LANGUAGE_PARAMETER, locale, { path: '/', maxAge: ONE_YEAR_MS, sameSite: 'lax', httpOnly: true, secure: res.req.secure });
    }
    state.locale = locale;
  }
  return { locale: state.locale, t: messagesFor(state.locale) };
}

/** The header shows this person as signed in (with a sign-out button) on the pages of this request. */
export function setViewer(res: Response, viewer: Viewer): void {
  webState(res).viewer = viewer;
}
