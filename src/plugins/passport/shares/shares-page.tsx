import { Router, type Request, type Response } from 'express';
import { CsrfField, csrfToken, i18n, parseUuidParameter, renderPage, requireCsrfToken, usePage, webPage, type Locale, type PeopleForPlugins } from '../../../plugin-api';
import { shareMessages } from './messages';
import { qrCodeDataUri } from './qr-code';
import { parseShareForm, SHARE_LIMITS } from './share-request';
import type { Shares, ShareSummary } from './shares';

export const SHARES_PAGE_PATH = '/plugins/passport/shares';

/**
 * The token of a share just made, for the page the form redirects to: the only time its link is
 * shown (only the token's hash is kept). An HttpOnly cookie for this page alone, never a URL
 * (URLs end up in logs and histories), gone after a few minutes or once shown.
 */
const NEW_SHARE_COOKIE = 'keiko_new_share';
const NEW_SHARE_COOKIE_MS = 5 * 60 * 1000;

export interface SharesPageOptions {
  shares: Shares;
  people: PeopleForPlugins;
  publicUrl: string;
}

/** GET /shares (the signed-in person's shares), POST /shares (the form making one) and POST /shares/:id/revoke. */
export function sharesPage({ shares, people, publicUrl }: SharesPageOptions): Router {
  const router = Router();
  const personOf = (req: Request) => people.signedIn(req)!.person;
  const page = [webPage(), people.requireSignIn()];
  router.get('/shares', ...page, async (req, res) => {
    const personId = personOf(req).id;
    const created = await newShareOf(req, res, shares, personId, publicUrl);
    const list = await shares.list(personId);
    renderPage(res, { title: shareMessages(i18n(res).locale).title, body: <SharesBody created={created} shares={list} csrf={csrfToken(res)} /> });
  });
  router.post('/shares', ...page, ...requireCsrfToken(), async (req, res) => {
    const { token } = await shares.create(personOf(req), parseShareForm(req.body as Record<string, unknown>, new Date()));
    res.cookie(NEW_SHARE_COOKIE, token, { path: SHARES_PAGE_PATH, httpOnly: true, sameSite: 'strict', secure: req.secure, maxAge: NEW_SHARE_COOKIE_MS });
    res.redirect(303, SHARES_PAGE_PATH);
  });
  router.post('/shares/:id/revoke', ...page, ...requireCsrfToken(), async (req, res) => {
    await shares.revoke(personOf(req), parseUuidParameter('id', String(req.params.id)));
    res.redirect(303, SHARES_PAGE_PATH);
  });
  return router;
}

/** The share just made by this person (from the cookie, which is cleared), with its link and QR code. */
async function newShareOf(req: Request, res: Response, shares: Shares, personId: string, publicUrl: string): Promise<{ url: string; qr: string } | undefined> {
  const token = cookieOf(req, NEW_SHARE_COOKIE);
  if (token === undefined) return undefined;
  res.clearCookie(NEW_SHARE_COOKIE, { path: SHARES_PAGE_PATH });
  if ((await shares.byToken(token))?.personId !== personId) return undefined;
  const url = `${publicUrl}/plugins/passport/s/${token}`;
  return { url, qr: await qrCodeDataUri(url) };
}

function cookieOf(req: Request, name: string): string | undefined {
  for (const pair of (req.get('cookie') ?? '').split(';')) {
    const [key, ...value] = pair.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

function SharesBody({ created, shares, csrf }: { created?: { url: string; qr: string }; shares: ShareSummary[]; csrf: string }) {
  const m = shareMessages(usePage().locale);
  return (
    <>
      <p class="lead">{m.lead}</p>
      {created && (
        <section aria-labelledby="new-share">
          <h2 id="new-share">{m.created}</h2>
          <p>{m.createdNote}</p>
          <p>
            <a href={created.url} class="share-link">
              {created.url}
            </a>
          </p>
          <img class="share-qr" src={created.qr} alt={m.qrAlt} width={200} height={200} />
        </section>
      )}
      <section aria-labelledby="new-share-form">
        <h2 id="new-share-form">{m.newShare}</h2>
        <form method="post" action={SHARES_PAGE_PATH}>
          <CsrfField token={csrf} />
          <input type="hidden" name="all" value="1" />
          <p>{m.wholePassport}</p>
          <div class="field">
            <label for="share-days">{m.expiresInDays}</label>
            <input id="share-days" name="expiresInDays" type="number" min={1} max={SHARE_LIMITS.maxDays} value={SHARE_LIMITS.defaultDays} required />
          </div>
          <button type="submit">{m.create}</button>
        </form>
      </section>
      <section aria-labelledby="share-list">
        <h2 id="share-list">{m.list}</h2>
        {shares.length === 0 ? <p>{m.none}</p> : <ShareTable shares={shares} csrf={csrf} />}
      </section>
    </>
  );
}

function ShareTable({ shares, csrf }: { shares: ShareSummary[]; csrf: string }) {
  const { locale } = usePage();
  const m = shareMessages(locale);
  return (
    <div class="table-scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">{m.scope}</th>
            <th scope="col" class="number">
              {m.items}
            </th>
            <th scope="col">{m.createdAt}</th>
            <th scope="col">{m.expiresAt}</th>
            <th scope="col">{m.state}</th>
            <th scope="col">{m.actions}</th>
          </tr>
        </thead>
        <tbody>
          {shares.map((share) => (
            <tr>
              <td>{m.scopes[share.scope]}</td>
              <td class="number">{share.itemCount}</td>
              <td>{formatDate(share.createdAt, locale)}</td>
              <td>{formatDate(share.expiresAt, locale)}</td>
              <td>{m.states[share.state]}</td>
              <td>
                {share.state === 'active' && (
                  <form method="post" action={`${SHARES_PAGE_PATH}/${share.id}/revoke`}>
                    <CsrfField token={csrf} />
                    <button type="submit" class="button--secondary" aria-label={m.revokeLabel(formatDate(share.createdAt, locale))}>
                      {m.revoke}
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function formatDate(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso));
}
