import fs from 'node:fs';
import path from 'node:path';
import { Router, type Request, type RequestHandler } from 'express';
import { HttpError, i18n, renderPage, usePage, webPage, type Locale, type StoredStatement } from '../../../plugin-api';
import type { ShareItem } from '../credentials';
import { shareMessages } from './messages';
import { qrCodeDataUri } from './qr-code';
import { rateLimit, type RateLimit } from './rate-limit';
import type { Share } from './share-store';
import { SHARE_PATH, type Shares } from './shares';
import { formatDate } from './shares-page';

/** The page script (share-page.js, beside this file; copied into dist with the other assets). */
const SHARE_PAGE_SCRIPT = fs.readFileSync(path.join(__dirname, 'share-page.js'), 'utf8');
export const SHARE_PAGE_SCRIPT_PATH = '/plugins/passport/share-page.js';

/** Requests a client address may make a minute to the public share routes (a visit is two: the page, then its presentation). */
export const PUBLIC_SHARE_RATE_LIMIT: RateLimit = { requests: 120, windowMs: 60_000 };

export interface PublicShareOptions {
  shares: Shares;
  publicUrl: string;
  /** The URL of the browser verifier bundle (credentials/). */
  verifierScript: () => string;
  rateLimit?: RateLimit;
}

/** GET /s/:token (a share: its page, or its signed presentation as JSON) and GET /share-page.js; public and rate-limited. */
export function publicShareRoutes({ shares, publicUrl, verifierScript, rateLimit: limit = PUBLIC_SHARE_RATE_LIMIT }: PublicShareOptions): Router {
  const router = Router();
  router.get('/share-page.js', (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'no-cache').send(SHARE_PAGE_SCRIPT);
  });
  router.get('/s/:token', noStore, rateLimit(limit), pageUnlessJson, async (req, res) => {
    const token = String(req.params.token);
    const share = await openedOrGone(shares, token, req, res);
    if (share === undefined) return;
    const { presentation, items } = await shares.presentationOf(share);
    if (wantsJson(req)) {
      res.json(presentation);
      return;
    }
    const url = `${publicUrl}${SHARE_PATH}/${token}`;
    const shown = items ?? sharedItemsOf(presentation);
    const m = shareMessages(i18n(res).locale);
    const title = share.card?.name ?? m.sharedTitle;
    const description = share.card?.description ?? m.recordsDescription(shown.length);
    renderPage(res, {
      title,
      description,
      scripts: [SHARE_PAGE_SCRIPT_PATH],
      meta: openGraph({ title, description, url }),
      body: <SharePage share={share} items={shown} qr={await qrCodeDataUri(url)} url={url} verifier={verifierScript()} publicUrl={publicUrl} />,
    });
  });
  return router;
}

/** Link previews (OpenGraph): the achievement's card, or a title and the number of records; never the learner's name. */
function openGraph({ title, description, url }: { title: string; description: string; url: string }) {
  return [
    { property: 'og:title', content: title },
    { property: 'og:description', content: description },
    { property: 'og:type', content: 'website' },
    { property: 'og:url', content: url },
  ];
}

/** Nothing about a share is kept by browsers or proxies (it may be revoked at any time), nor indexed by search engines. */
const noStore: RequestHandler = (_req, res, next) => {
  res.set({ 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex' }).vary('Accept');
  next();
};

function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}

/** A browser gets the page and HTML error pages; a client asking for JSON gets JSON errors. */
const pageUnlessJson: RequestHandler = (req, res, next) => (wantsJson(req) ? next() : webPage()(req, res, next));

/**
 * The share, or undefined after answering 410 with a page that says it was revoked, or else that it
 * is no longer available (expired or emptied); JSON clients get the error.
 */
async function openedOrGone(shares: Shares, token: string, req: Request, res: Parameters<RequestHandler>[1]): Promise<Share | undefined> {
  try {
    return await shares.open(token);
  } catch (error) {
    if (wantsJson(req) || !(error instanceof HttpError) || error.status !== 410) throw error;
    const m = shareMessages(i18n(res).locale);
    const revoked = error.code === 'SHARE_REVOKED';
    renderPage(res, { status: 410, title: revoked ? m.revokedGone : m.gone, body: <p>{revoked ? m.revokedGoneLead : m.goneLead}</p> });
    return undefined;
  }
}

/** The items of the share credential in a presentation (as credentials/ signs them), for the page. */
function sharedItemsOf(presentation: object): ShareItem[] {
  const credentials = (presentation as { verifiableCredential?: unknown }).verifiableCredential;
  for (const credential of Array.isArray(credentials) ? credentials : []) {
    const { type, credentialSubject } = credential as { type?: unknown; credentialSubject?: { items?: unknown } };
    if (Array.isArray(type) && type.includes('KeikoPassportShare') && Array.isArray(credentialSubject?.items)) return credentialSubject.items as ShareItem[];
  }
  return [];
}

function SharePage({ share, items, qr, url, verifier, publicUrl }: { share: Share; items: ShareItem[]; qr: string; url: string; verifier: string; publicUrl: string }) {
  const { locale } = usePage();
  const m = shareMessages(locale);
  return (
    <>
      <p class="lead">{m.sharedLead(items.length)}</p>
      <section aria-labelledby="share-verification-heading">
        <h2 id="share-verification-heading">{m.verification}</h2>
        <p
          id="share-verification"
          role="status"
          data-verifier={verifier}
          data-public-url={publicUrl}
          data-checking={m.checking}
          data-valid={m.valid}
          data-revoked={m.revoked}
          data-expired={m.expired}
          data-cannot-confirm={m.cannotConfirm}
        >
          {m.needsJavaScript}
        </p>
        <p>
          {m.validUntil}: {formatDate(share.expiresAt, locale)}
        </p>
      </section>
      <ol class="shared-items">
        {items.map((item) => (
          <li>
            <SharedItem item={item} locale={locale} />
          </li>
        ))}
      </ol>
      <section aria-labelledby="share-link-heading">
        <h2 id="share-link-heading">{m.shareLink}</h2>
        <img class="share-qr" src={qr} alt={m.shareLink} width={200} height={200} />
        <p>
          <a href={url}>{url}</a>
        </p>
      </section>
    </>
  );
}

function SharedItem({ item, locale }: { item: ShareItem; locale: Locale }) {
  const m = shareMessages(locale);
  const { statement } = item;
  const result = statement.result;
  return (
    <article class="shared-item">
      <h3>
        {displayed(statement.verb.display, locale) ?? lastSegment(statement.verb.id)} · {objectName(statement, locale) ?? m.someoneElse}
      </h3>
      <p>
        <time dateTime={item.statement.timestamp}>{formatDate(item.statement.timestamp, locale)}</time>
        {result?.score && ` · ${m.score} ${scoreText(result.score)}`}
        {result?.success !== undefined && ` · ${result.success ? m.passed : m.failed}`}
        {result?.completion === true && ` · ${m.completed}`}
      </p>
      {statement.authority?.name && (
        <p>
          {m.recordedBy}: {statement.authority.name}
        </p>
      )}
    </article>
  );
}

function objectName(statement: StoredStatement, locale: Locale): string | undefined {
  const { object } = statement;
  if (object.objectType !== undefined && object.objectType !== 'Activity') return undefined;
  const activity = object as { id: string; definition?: { name?: Record<string, string> } };
  return displayed(activity.definition?.name, locale) ?? activity.id;
}

/** Text in the page's language, else English, else the first language given. */
function displayed(text: Record<string, string> | undefined, locale: Locale): string | undefined {
  if (text === undefined) return undefined;
  const languages = Object.keys(text);
  const chosen = languages.find((language) => language.toLowerCase().startsWith(locale)) ?? languages.find((language) => language.toLowerCase().startsWith('en')) ?? languages[0];
  return chosen === undefined ? undefined : text[chosen];
}

function lastSegment(iri: string): string {
  return iri.split(/[/#]/).filter(Boolean).at(-1) ?? iri;
}

function scoreText(score: NonNullable<StoredStatement['result']>['score'] & object): string {
  if (score.raw !== undefined && score.max !== undefined) return `${score.raw}/${score.max}`;
  if (score.scaled !== undefined) return `${Math.round(score.scaled * 100)} %`;
  return String(score.raw ?? '');
}
