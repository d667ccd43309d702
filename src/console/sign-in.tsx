import { Router, type Response } from 'express';
import type { CredentialStore } from '../auth/credential-store';
import { CredentialVerifier } from '../auth/credential-verifier';
import { holdsScope } from '../auth/scopes';
import type { VerifiedCredentialCache } from '../auth/verified-cache';
import type { Logger } from '../logger';
import { CsrfField, csrfToken, renderPage, requireCsrfToken, webPage } from '../web';
import { consoleMessages, type ConsoleMessages } from './messages';
import { SignInThrottle } from './sign-in-throttle';
import { CONSOLE_PATH, CONSOLE_SIGN_IN_PATH, CONSOLE_SIGN_OUT_PATH, type ConsoleShell } from './shell';

export interface SignInOptions {
  credentials: CredentialStore;
  cache: VerifiedCredentialCache;
  logger: Logger;
  throttle?: SignInThrottle;
}

const SIGNED_OUT_PARAMETER = 'signed_out';
const MAX_NEXT_LENGTH = 500;

/**
 * GET/POST /console/sign-in (key and secret of a credential holding `admin`) and POST
 * /console/sign-out. A refusal says the same whether the key exists, the secret is wrong or the
 * credential lacks `admin`, and is logged without either.
 */
export function signInPages(shell: ConsoleShell, options: SignInOptions): Router {
  const router = Router();
  const verifier = new CredentialVerifier(options.credentials, options.cache);
  const throttle = options.throttle ?? new SignInThrottle();

  router.get(CONSOLE_SIGN_IN_PATH, webPage(), (req, res) => {
    const { c } = consoleMessages(res);
    const notice = req.query[SIGNED_OUT_PARAMETER] === undefined ? undefined : { text: c.signIn.signedOut, isError: false };
    renderSignIn(res, { next: safeNext(req.query.next), notice });
  });

  router.post(CONSOLE_SIGN_IN_PATH, webPage(), ...requireCsrfToken(), async (req, res) => {
    const { key, secret, next } = req.body as Record<string, unknown>;
    const address = req.ip ?? '';
    const { c } = consoleMessages(res);
    const waitMs = throttle.waitMs(address);
    if (waitMs !== undefined) {
      const minutes = Math.ceil(waitMs / 60_000);
      res.setHeader('Retry-After', String(Math.ceil(waitMs / 1000)));
      return renderSignIn(res, { next: safeNext(next), status: 429, notice: { text: c.signIn.tooMany(minutes), isError: true } });
    }
    const credential = typeof key === 'string' && typeof secret === 'string' ? await verifier.verify(key, secret) : null;
    if (credential === null || !holdsScope(credential.scopes, 'admin')) {
      throttle.recordFailure(address);
      options.logger.warn({ ip: address }, 'console sign-in refused');
      return renderSignIn(res, { next: safeNext(next), status: 401, notice: { text: c.signIn.failed, isError: true } });
    }
    throttle.recordSuccess(address);
    await shell.sessions.signIn(req, res, credential.key);
    options.logger.info({ credential: credential.key }, 'console session started');
    res.redirect(303, safeNext(next) ?? CONSOLE_PATH);
  });

  router.post(CONSOLE_SIGN_OUT_PATH, ...shell.requireAdmin(), ...requireCsrfToken(), async (req, res) => {
    await shell.sessions.signOut(req, res);
    res.redirect(303, `${CONSOLE_SIGN_IN_PATH}?${SIGNED_OUT_PARAMETER}=1`);
  });

  return router;
}

interface SignInPageState {
  next?: string;
  status?: number;
  notice?: { text: string; isError: boolean };
}

function renderSignIn(res: Response, state: SignInPageState): void {
  const { c } = consoleMessages(res);
  renderPage(res, { title: c.signIn.title, status: state.status, body: <SignInForm c={c} csrfToken={csrfToken(res)} {...state} /> });
}

function SignInForm({ c, csrfToken, next, notice }: SignInPageState & { c: ConsoleMessages; csrfToken: string }) {
  return (
    <>
      {notice && (
        <p class={notice.isError ? 'error-text' : undefined} role={notice.isError ? 'alert' : 'status'}>
          {notice.text}
        </p>
      )}
      <p class="lead">{c.signIn.lead}</p>
      <form method="post" action={CONSOLE_SIGN_IN_PATH}>
        <CsrfField token={csrfToken} />
        {next && <input type="hidden" name="next" value={next} />}
        <div class="field">
          <label for="console-key">{c.signIn.key}</label>
          <input id="console-key" name="key" autocomplete="username" required spellcheck={false} />
        </div>
        <div class="field">
          <label for="console-secret">{c.signIn.secret}</label>
          <input id="console-secret" name="secret" type="password" autocomplete="current-password" required />
        </div>
        <button class="button" type="submit">
          {c.signIn.submit}
        </button>
      </form>
    </>
  );
}

/** Where to go after signing in: a console path or a plugin's (its console pages), never another site; else undefined. */
function safeNext(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_NEXT_LENGTH) return undefined;
  const isConsolePage = /^\/(?:console|plugins\/[a-z][a-z0-9-]*)(?:[/?]|$)/.test(value) && !value.startsWith(CONSOLE_SIGN_IN_PATH);
  return isConsolePage && !/[\\\s]/.test(value) ? value : undefined;
}

