import type { Request, RequestHandler, Response } from 'express';
import type { CredentialStore } from '../auth/credential-store';
import { HttpError } from '../errors';
import type { Logger } from '../logger';
import type { CollectionStore } from '../storage/collections/collection-store';
import { renderPage, setSessionCsrfSecret, setViewer, webPage, type NavItem, type PageOptions } from '../web';
import { ConsoleSessions } from './sessions';

export const CONSOLE_PATH = '/console';
export const CONSOLE_SIGN_IN_PATH = `${CONSOLE_PATH}/sign-in`;
export const CONSOLE_SIGN_OUT_PATH = `${CONSOLE_PATH}/sign-out`;
/** The code of the 403 a request other than GET/HEAD gets without a console session. */
export const CONSOLE_SIGN_IN_REQUIRED = 'CONSOLE_SIGN_IN_REQUIRED';

/** The operator signed in to the console on this request (req.consoleAdmin). */
export interface ConsoleAdmin {
  credentialKey: string;
  name: string;
}

declare global {
  namespace Express {
    interface Request {
      consoleAdmin?: ConsoleAdmin;
    }
  }
}

export interface ConsoleShell {
  /**
   * Middleware list for console pages: marks them as web pages, resolves the console session from
   * the cookie (sets req.consoleAdmin, the page's CSRF secret and header viewer) and, without one,
   * redirects GET/HEAD to /console/sign-in?next=<path> (303) and answers other methods 403
   * CONSOLE_SIGN_IN_REQUIRED. Put it on each route (`router.get(path, ...shell.requireAdmin(), handler)`),
   * not `router.use(path, …)`: there it would answer every other method on the path too (403
   * rather than the app's 404), which the OpenAPI route test (src/ops/openapi-routes.test.ts) refuses.
   */
  requireAdmin(): RequestHandler[];
  /** renderPage (src/web) with the console's sections (core, then plugins') as the page's `nav`. */
  renderPage(res: Response, options: PageOptions): void;
  /** Sections contributed by plugins (set once, after the plugins' setup). */
  addSections(sections: NavItem[]): void;
  /** Every section, core then plugins'. */
  sections(): NavItem[];
  /** The sessions behind requireAdmin (the sign-in and sign-out routes start and end them). */
  readonly sessions: ConsoleSessions;
}

export interface ConsoleShellOptions {
  credentials: CredentialStore;
  /** Where console sessions are kept (as digests). */
  collections: CollectionStore;
  /** Whether the session cookie is `Secure`: when the LRS's public URL is https. */
  secureCookies: boolean;
  logger: Logger;
  now?: () => Date;
}

/** The console's own sections, in this order, before the plugins'. */
export const CORE_SECTIONS: NavItem[] = [
  { href: CONSOLE_PATH, label: { en: 'Overview', es: 'Resumen' } },
  { href: `${CONSOLE_PATH}/credentials`, label: { en: 'Credentials', es: 'Credenciales' } },
  { href: `${CONSOLE_PATH}/statements`, label: { en: 'Statements', es: 'Sentencias' } },
  { href: `${CONSOLE_PATH}/events`, label: { en: 'Events', es: 'Eventos' } },
  { href: `${CONSOLE_PATH}/profiles`, label: { en: 'Profiles', es: 'Perfiles' } },
];

const SIGN_IN_REQUIRED_MESSAGE = 'Sign in to the console first: your console session has ended or was never started.';

export async function createConsoleShell(options: ConsoleShellOptions): Promise<ConsoleShell> {
  const sessions = await ConsoleSessions.open(options);
  const pluginSections: NavItem[] = [];
  const requireSession: RequestHandler = async (req, res, next) => {
    const session = await sessions.current(req);
    if (session === undefined) return refuseWithoutSession(req, res);
    req.consoleAdmin = { credentialKey: session.credential.key, name: session.credential.name };
    setSessionCsrfSecret(res, session.csrfSecret);
    setViewer(res, { displayName: session.credential.name, roles: [], signOutPath: CONSOLE_SIGN_OUT_PATH });
    next();
  };
  return {
    sessions,
    requireAdmin: () => [webPage(), requireSession],
    renderPage: (res, page) => renderPage(res, { ...page, nav: [...CORE_SECTIONS, ...pluginSections, ...(page.nav ?? [])] }),
    addSections: (sections) => {
      pluginSections.push(...sections);
    },
    sections: () => [...CORE_SECTIONS, ...pluginSections],
  };
}

function refuseWithoutSession(req: Request, res: Response): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(403, CONSOLE_SIGN_IN_REQUIRED, SIGN_IN_REQUIRED_MESSAGE);
  res.redirect(303, `${CONSOLE_SIGN_IN_PATH}?${new URLSearchParams({ next: req.originalUrl }).toString()}`);
}
