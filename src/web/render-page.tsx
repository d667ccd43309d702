import type { RequestHandler, Response } from 'express';
import type { ComponentChildren } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { csrfToken } from './csrf';
import { LANGUAGE_PARAMETER, LOCALES, type Locale } from './i18n';
import { Layout } from './layout';
import { PageContext, type PageContextValue } from './page-context';
import { setSecurityHeaders } from './security-headers';
import { i18n, webState, type NavItem } from './web-state';

export interface PageOptions {
  /** The page's h1 and <title>: already in the request's language (see i18n(res)). */
  title: string;
  /** The content of <main> after the h1. */
  body: ComponentChildren;
  /** Default 200. */
  status?: number;
  /** The page's <meta name="description">. */
  description?: string;
  /** Links of this page in the header, after the site's (webRoutes' siteNav). */
  nav?: NavItem[];
  /**
   * Module scripts of this origin (paths starting with one `/`) the page loads; only then does its
   * CSP allow scripts and fetches, both to this origin only. A page must work without them.
   */
  scripts?: string[];
  /** `<meta property content>` in the head, e.g. OpenGraph's og:title for link previews. */
  meta?: PageMeta[];
}

export interface PageMeta {
  property: string;
  content: string;
}

/**
 * Marks the routes after it as web pages: their errors become HTML error pages (webErrorHandler)
 * and their responses carry the security headers even when an error answers them. Also resolves
 * the language (remembering a `?lang=` choice in the cookie).
 */
export function webPage(): RequestHandler {
  return (_req, res, next) => {
    webState(res).isPage = true;
    setSecurityHeaders(res);
    i18n(res);
    next();
  };
}

/** Sends a whole HTML page: status, security headers, no caching, the layout around `body`. */
export function renderPage(res: Response, options: PageOptions): void {
  const state = webState(res);
  state.isPage = true;
  const scripts = sameOriginPaths(options.scripts ?? []);
  state.runsScripts = scripts.length > 0;
  const { locale, t } = i18n(res);
  const url = new URL(res.req.originalUrl, 'http://keiko.invalid');
  const page: PageContextValue = {
    locale,
    t,
    path: url.pathname,
    languageLinks: languageLinks(url),
    viewer: state.viewer,
    csrfToken: state.viewer === undefined ? undefined : csrfToken(res),
  };
  const html = renderToString(
    <PageContext.Provider value={page}>
      <Layout title={options.title} description={options.description} nav={[...state.siteNav, ...(options.nav ?? [])]} scripts={scripts} meta={options.meta ?? []}>
        {options.body}
      </Layout>
    </PageContext.Provider>,
  );
  setSecurityHeaders(res);
  res.vary('Accept-Language').vary('Cookie');
  res
    .status(options.status ?? 200)
    .set({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
    .send(`<!DOCTYPE html>\n${html}`);
}

function sameOriginPaths(paths: string[]): string[] {
  const elsewhere = paths.find((path) => !/^\/(?![/\\])/.test(path));
  if (elsewhere !== undefined) throw new TypeError(`A page's scripts must be paths on this origin, not ${elsewhere}`);
  return paths;
}

/** This request's URL (path and query) with `lang` set to each language. */
function languageLinks(url: URL): Record<Locale, string> {
  const links = {} as Record<Locale, string>;
  for (const locale of LOCALES) {
    url.searchParams.set(LANGUAGE_PARAMETER, locale);
    // A path such as /.//host would otherwise become a link to another site.
    links[locale] = `${url.pathname.replace(/^\/+/, '/')}${url.search}`;
  }
  return links;
}
