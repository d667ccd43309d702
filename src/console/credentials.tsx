import { Router, type Response } from 'express';
import type { Credential, CredentialStore } from '../auth/credential-store';
import { DEFAULT_SCOPES, SCOPES, type Scope } from '../auth/scopes';
import type { VerifiedCredentialCache } from '../auth/verified-cache';
import { HttpError } from '../errors';
import { CsrfField, csrfToken, requireCsrfToken, usePage } from '../web';
import { consoleMessages, type ConsoleMessages } from './messages';
import { CONSOLE_PATH, type ConsoleShell } from './shell';

export const CREDENTIALS_PATH = `${CONSOLE_PATH}/credentials`;
const NEW_PATH = `${CREDENTIALS_PATH}/new`;
const REVOKE_PATH = `${CREDENTIALS_PATH}/revoke`;
const REVOKED_PARAMETER = 'revoked';

export interface CredentialPageOptions {
  store: CredentialStore;
  /** The cache `authenticate` trusts: a revoked key is dropped from it at once. */
  cache: VerifiedCredentialCache;
  /** Plugins' scopes (`plugins/<name>/<scope>`) with what each allows: offered with Keiko's. */
  pluginScopes: Record<string, string>;
}

interface ScopeChoice {
  scope: string;
  description?: string;
}

interface CreationForm {
  name: string;
  scopes: string[];
  problem?: string;
}

/**
 * /console/credentials: the list, a form creating one (its secret is shown on the answer to that
 * POST and never again), and revoking one after a confirmation page. A revocation invalidates the
 * key in this process's verified-credential cache, so it is refused at once here.
 */
export function credentialPages(shell: ConsoleShell, options: CredentialPageOptions): Router {
  const router = Router();
  // On each route, not router.use: other methods on these paths stay the app's 404.
  const admin = shell.requireAdmin();
  const choices: ScopeChoice[] = [
    ...SCOPES.map((scope) => ({ scope })),
    ...Object.entries(options.pluginScopes).map(([scope, description]) => ({ scope, description })),
  ];

  router.get(CREDENTIALS_PATH, ...admin, async (req, res) => {
    const { c } = consoleMessages(res);
    const revoked = typeof req.query[REVOKED_PARAMETER] === 'string' ? req.query[REVOKED_PARAMETER] : undefined;
    const credentials = await options.store.list();
    shell.renderPage(res, { title: c.credentials.title, body: <CredentialList c={c} credentials={credentials} revoked={revoked} /> });
  });

  router.get(NEW_PATH, ...admin, (_req, res) => {
    renderCreationForm(shell, res, choices, { name: '', scopes: [...DEFAULT_SCOPES] });
  });

  router.post(CREDENTIALS_PATH, ...admin, ...requireCsrfToken(), async (req, res) => {
    const form = creationForm(req.body as Record<string, unknown>);
    let issued;
    try {
      issued = await options.store.create({ name: form.name, scopes: form.scopes as Scope[] });
    } catch (error) {
      if (!(error instanceof HttpError) || error.status !== 400) throw error;
      return renderCreationForm(shell, res, choices, { ...form, problem: error.message }, 400);
    }
    const { c } = consoleMessages(res);
    shell.renderPage(res, { title: c.credentials.createdTitle, status: 201, body: <CreatedCredential c={c} keyValue={issued.key} secret={issued.secret} /> });
  });

  router.get(REVOKE_PATH, ...admin, async (req, res) => {
    const stored = typeof req.query.key === 'string' ? await options.store.findActive(req.query.key) : null;
    if (stored === null) return renderNoSuchCredential(shell, res);
    const { credential } = stored;
    const { c } = consoleMessages(res);
    shell.renderPage(res, { title: c.credentials.revokeTitle, body: <RevokeConfirmation c={c} credential={credential} csrfToken={csrfToken(res)} /> });
  });

  router.post(REVOKE_PATH, ...admin, ...requireCsrfToken(), async (req, res) => {
    const key = (req.body as Record<string, unknown>).key;
    const revoked = typeof key === 'string' && (await options.store.revoke(key));
    if (typeof key === 'string') options.cache.invalidate(key);
    if (!revoked) return renderNoSuchCredential(shell, res);
    res.redirect(303, `${CREDENTIALS_PATH}?${new URLSearchParams({ [REVOKED_PARAMETER]: key }).toString()}`);
  });

  return router;
}

/** 404: the key is unknown or already revoked (a page saying so, with the way back). */
function renderNoSuchCredential(shell: ConsoleShell, res: Response): void {
  const { c } = consoleMessages(res);
  shell.renderPage(res, {
    title: c.credentials.revokeTitle,
    status: 404,
    body: (
      <>
        <p class="error-text" role="alert">
          {c.credentials.noSuchCredential}
        </p>
        <p>
          <a href={CREDENTIALS_PATH}>{c.credentials.backToList}</a>
        </p>
      </>
    ),
  });
}

/** The form's fields as sent (a scope checkbox repeats its name once per checked box). */
function creationForm(body: Record<string, unknown>): CreationForm {
  const scopes = body.scopes === undefined ? [] : [body.scopes].flat();
  return {
    name: typeof body.name === 'string' ? body.name : '',
    scopes: scopes.filter((scope): scope is string => typeof scope === 'string'),
  };
}

function renderCreationForm(shell: ConsoleShell, res: Response, choices: ScopeChoice[], form: CreationForm, status = 200): void {
  const { c } = consoleMessages(res);
  shell.renderPage(res, {
    title: c.credentials.createTitle,
    status,
    body: <CreationFormPage c={c} choices={choices} form={form} csrfToken={csrfToken(res)} />,
  });
}

function CredentialList({ c, credentials, revoked }: { c: ConsoleMessages; credentials: Credential[]; revoked?: string }) {
  return (
    <>
      {revoked !== undefined && <p role="status">{c.credentials.revokedNotice(revoked)}</p>}
      <p class="lead">{c.credentials.lead}</p>
      <p>
        <a class="button" href={NEW_PATH}>
          {c.credentials.newCredential}
        </a>
      </p>
      {credentials.length === 0 ? <p>{c.credentials.none}</p> : <CredentialTable c={c} credentials={credentials} />}
    </>
  );
}

function CredentialTable({ c, credentials }: { c: ConsoleMessages; credentials: Credential[] }) {
  const { locale } = usePage();
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
  return (
    <div class="table-scroll">
      <table>
        <caption>{c.credentials.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{c.credentials.key}</th>
            <th scope="col">{c.credentials.name}</th>
            <th scope="col">{c.credentials.scopes}</th>
            <th scope="col">{c.credentials.authority}</th>
            <th scope="col">{c.credentials.created}</th>
            <th scope="col">{c.credentials.status}</th>
          </tr>
        </thead>
        <tbody>
          {credentials.map((credential) => (
            <tr key={credential.key}>
              <td>
                <code>{credential.key}</code>
              </td>
              <td>{credential.name}</td>
              <td>{credential.scopes.join(', ')}</td>
              <td>{credential.authority.account.homePage}</td>
              <td>{date.format(credential.createdAt)}</td>
              <td>
                {credential.revokedAt ? (
                  c.credentials.revoked(date.format(credential.revokedAt))
                ) : (
                  <>
                    {c.credentials.active}{' '}
                    <a href={`${REVOKE_PATH}?${new URLSearchParams({ key: credential.key }).toString()}`} aria-label={c.credentials.revokeLabel(credential.name)}>
                      {c.credentials.revoke}
                    </a>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CreationFormPage({ c, choices, form, csrfToken }: { c: ConsoleMessages; choices: ScopeChoice[]; form: CreationForm; csrfToken: string }) {
  return (
    <>
      {form.problem && (
        <p class="error-text" role="alert">
          {form.problem}
        </p>
      )}
      <p class="lead">{c.credentials.createLead}</p>
      <form method="post" action={CREDENTIALS_PATH}>
        <CsrfField token={csrfToken} />
        <div class="field">
          <label for="credential-name">{c.credentials.nameLabel}</label>
          <input id="credential-name" name="name" value={form.name} required maxLength={200} aria-describedby="credential-name-hint" />
          <p id="credential-name-hint">{c.credentials.nameHint}</p>
        </div>
        <fieldset class="field">
          <legend>{c.credentials.scopesLegend}</legend>
          {choices.map((choice) => (
            <label key={choice.scope}>
              <input type="checkbox" name="scopes" value={choice.scope} checked={form.scopes.includes(choice.scope)} /> <code>{choice.scope}</code>
              {choice.description && ` — ${choice.description}`}
            </label>
          ))}
        </fieldset>
        <button class="button" type="submit">
          {c.credentials.create}
        </button>
      </form>
    </>
  );
}

function CreatedCredential({ c, keyValue, secret }: { c: ConsoleMessages; keyValue: string; secret: string }) {
  return (
    <>
      <p class="lead" role="status">
        {c.credentials.createdLead}
      </p>
      <dl>
        <dt>{c.credentials.key}</dt>
        <dd>
          <code>{keyValue}</code>
        </dd>
        <dt>{c.credentials.secret}</dt>
        <dd>
          <code>{secret}</code>
        </dd>
      </dl>
      <p>
        <a href={CREDENTIALS_PATH}>{c.credentials.backToList}</a>
      </p>
    </>
  );
}

function RevokeConfirmation({ c, credential, csrfToken }: { c: ConsoleMessages; credential: Credential; csrfToken: string }) {
  return (
    <>
      <p>{c.credentials.revokeQuestion(credential.name, credential.key)}</p>
      <form method="post" action={REVOKE_PATH}>
        <CsrfField token={csrfToken} />
        <input type="hidden" name="key" value={credential.key} />
        <button class="button" type="submit">
          {c.credentials.revokeConfirm}
        </button>{' '}
        <a href={CREDENTIALS_PATH}>{c.credentials.cancel}</a>
      </form>
    </>
  );
}
