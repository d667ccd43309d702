import { Router, type Response } from 'express';
import type { Logger } from '../../logger';
import { allowFormTarget, csrfToken, renderPage, requestCookies, requireCsrfToken, SIGN_IN_PATH, SIGN_OUT_PATH, webPage } from '../../web';
import type { ActorValidator } from '../../xapi/parameters';
import { keyedIdentity, parseAgent, type KeyedIdentity } from '../identities';
import type { OidcIdentity } from '../oidc';
import { SIGN_IN_TRANSACTION_LIFETIME_MS, type People } from '../people';
import { requireSignIn } from '../sessions';
import { peopleMessages, type PeopleMessages } from './messages';
import { AccountPage, LOGIN_LINK_PATH, LoginLinkPage, MessagePage, SignInPage } from './pages';

export const ACCOUNT_PATH = '/me';
const CALLBACK_PATH = '/sign-in/callback';
/** Binds a sign-in at the provider to the browser that started it. */
const TRANSACTION_COOKIE = 'keiko_oidc';
const MAX_RETURN_PATH_LENGTH = 500;

export interface SignInRouteOptions {
  validateActor: ActorValidator;
  logger: Logger;
}

/**
 * The web pages of signing in and out: /sign-in (OpenID Connect), /sign-in/callback, login links
 * (/sign-in/link/{token}), /sign-out and the account page /me. Mount after the session middleware.
 */
export function signInRoutes(people: People, options: SignInRouteOptions): Router {
  const router = Router();
  const { oidc, sessions, signInTransactions, service } = people;

  router.get(SIGN_IN_PATH, webPage(), async (req, res) => {
    await renderSignIn(res, { returnTo: returnPath(req.query.return) });
  });

  router.post(SIGN_IN_PATH, webPage(), ...requireCsrfToken(), async (req, res) => {
    if (oidc === undefined) return renderSignIn(res, {});
    let started;
    try {
      started = await oidc.start();
    } catch (error) {
      options.logger.warn({ err: error }, 'the OpenID Connect provider could not be reached');
      return renderSignIn(res, { status: 503, notice: (p) => p.signIn.providerUnavailable });
    }
    const returnTo = returnPath((req.body as Record<string, unknown>).return);
    await signInTransactions.purgeExpired();
    const { token } = await signInTransactions.issue({ ...started.transaction, ...(returnTo && { returnTo }) }, SIGN_IN_TRANSACTION_LIFETIME_MS);
    res.cookie(TRANSACTION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: people.secureCookies, path: SIGN_IN_PATH, maxAge: SIGN_IN_TRANSACTION_LIFETIME_MS });
    res.redirect(303, started.url);
  });

  router.get(CALLBACK_PATH, webPage(), async (req, res) => {
    const token = requestCookies(req)[TRANSACTION_COOKIE];
    res.clearCookie(TRANSACTION_COOKIE, { path: SIGN_IN_PATH });
    const transaction = token === undefined ? undefined : await signInTransactions.take(token);
    if (oidc === undefined || transaction === undefined) return renderSignIn(res, { status: 400, notice: (p) => p.signIn.expired });
    if (req.query.error !== undefined) {
      const cancelled = req.query.error === 'access_denied';
      return renderSignIn(res, { status: 400, notice: (p) => (cancelled ? p.signIn.cancelled : p.signIn.failed) });
    }
    let identity: OidcIdentity;
    try {
      identity = await oidc.finish(req, transaction);
    } catch (error) {
      options.logger.warn({ err: withoutValues(error) }, 'an OpenID Connect sign-in failed');
      return renderSignIn(res, { status: 400, notice: (p) => p.signIn.failed });
    }
    const person = await service.findOrCreate(signInIdentities(identity, options.validateActor), identity.displayName, 'sign-in');
    await sessions.signIn(req, res, person.id);
    res.redirect(303, transaction.returnTo ?? ACCOUNT_PATH);
  });

  router.get(`${LOGIN_LINK_PATH}/:token`, webPage(), async (req, res) => {
    const token = String(req.params.token);
    if ((await people.loginLinks.peek(token)) === undefined) return renderLinkUnusable(res);
    const { p } = peopleMessages(res);
    renderPage(res, { title: p.loginLink.title, body: <LoginLinkPage p={p} csrfToken={csrfToken(res)} token={token} /> });
  });

  router.post(LOGIN_LINK_PATH, webPage(), ...requireCsrfToken(), async (req, res) => {
    const token = (req.body as Record<string, unknown>).token;
    const link = typeof token === 'string' ? await people.loginLinks.take(token) : undefined;
    if (link === undefined) return renderLinkUnusable(res);
    await sessions.signIn(req, res, link.personId);
    res.redirect(303, ACCOUNT_PATH);
  });

  router.post(SIGN_OUT_PATH, webPage(), ...requireCsrfToken(), async (req, res) => {
    await sessions.signOut(req, res);
    res.redirect(303, SIGN_IN_PATH);
  });

  router.get(ACCOUNT_PATH, webPage(), requireSignIn(), async (req, res) => {
    const { p } = peopleMessages(res);
    const { person: signedIn, expiresAt } = req.signedIn!;
    const person = await service.withIdentities(signedIn);
    renderPage(res, { title: p.me.title, body: <AccountPage p={p} person={person} sessionEndsAt={expiresAt} csrfToken={csrfToken(res)} /> });
  });

  async function renderSignIn(res: Response, view: { status?: number; notice?: (p: PeopleMessages) => string; returnTo?: string }): Promise<void> {
    const { p } = peopleMessages(res);
    let provider: string | undefined;
    let notice = view.notice?.(p);
    let status = view.status;
    if (oidc !== undefined) {
      try {
        const origin = await oidc.authorizationOrigin();
        allowFormTarget(res, origin);
        provider = new URL(origin).host;
      } catch (error) {
        options.logger.warn({ err: error }, 'the OpenID Connect provider could not be reached');
        notice ??= p.signIn.providerUnavailable;
        status ??= 503;
      }
    }
    renderPage(res, {
      status,
      title: p.signIn.title,
      body: <SignInPage p={p} csrfToken={csrfToken(res)} provider={provider} notice={notice} returnTo={view.returnTo} />,
    });
  }

  return router;
}

function renderLinkUnusable(res: Response): void {
  const { p } = peopleMessages(res);
  renderPage(res, { status: 410, title: p.loginLink.invalidTitle, body: <MessagePage message={p.loginLink.invalid} /> });
}

/**
 * The provider's account (issuer as homePage, subject as name) and, when the provider verified
 * it, the email address as an mbox (dropped if it does not make a valid xAPI mbox).
 */
export function signInIdentities(identity: OidcIdentity, validateActor: ActorValidator): KeyedIdentity[] {
  const identities = [keyedIdentity({ account: identity.account })];
  if (identity.verifiedEmail !== undefined) {
    try {
      identities.push(parseAgent({ mbox: `mailto:${identity.verifiedEmail}` }, validateActor));
    } catch {
      // Not an address xAPI accepts: the person is still known by the account.
    }
  }
  return identities;
}

/** openid-client's messages quote what they compared ("state mismatch, expected …, got: …"): logged without those values. */
function withoutValues(error: unknown): { name: string; message: string } {
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  return { name, message: message.replace(/,? expected [\s\S]*$/, '') };
}

/** A path on this site (never another origin: no `//host`, no backslash tricks), else undefined. */
function returnPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_RETURN_PATH_LENGTH) return undefined;
  return /^\/(?![/\\])[^\s\\]*$/.test(value) ? value : undefined;
}
