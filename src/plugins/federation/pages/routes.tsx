import { Router, type Request } from 'express';
import {
  BadRequestCode,
  BadRequestError,
  csrfToken,
  formStep,
  i18n,
  parseUuidParameter,
  requireCsrfToken,
  singleParameters,
  type NavItem,
  type PluginConsole,
} from '../../../plugin-api';
import { DeadLettersPage } from './dead-letters-page';
import { federationConsoleMessages } from './messages';
import { OverviewPage } from './overview-page';
import { DEAD_LETTERS_PATH, FEDERATION_CONSOLE_PATH } from './parts';
import type { FederationConsoleSources, ReplayAllOutcome } from './views';

export const FEDERATION_CONSOLE_SECTION: NavItem = { href: FEDERATION_CONSOLE_PATH, label: { en: 'Federation', es: 'Federación' } };
/** Dead letters listed on the page, newest first. */
export const DEAD_LETTERS_SHOWN = 100;

const PEER_SLUG = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** The notice's counts after a replay, as the redirect wrote them (anything else is ignored). */
const COUNT = /^\d{1,9}$/;

export interface FederationConsoleOptions {
  console: PluginConsole;
  sources: FederationConsoleSources;
}

/**
 * The federation section of the admin console, mounted by the plugin's routes at /console (so at
 * FEDERATION_CONSOLE_PATH): the overview of peers, subscriptions and pull sources, and the dead
 * letters with their replay forms, which call the same operations as the dead-letter routes and
 * answer 303 back to the list with a notice.
 */
export function federationConsole({ console: shell, sources }: FederationConsoleOptions): Router {
  const router = Router();
  const admin = shell.requireAdmin();
  const form = [...admin, ...requireCsrfToken()];

  router.get('/', ...admin, async (_req, res) => {
    const m = federationConsoleMessages(i18n(res).locale);
    shell.renderPage(res, { title: m.overview.title, body: <OverviewPage overview={await sources.overview()} /> });
  });

  router.get('/dead-letters', ...admin, async (req, res) => {
    const m = federationConsoleMessages(i18n(res).locale);
    const peer = req.query.peer === undefined ? undefined : slugOf(req.query.peer);
    const found = await sources.deadLetters(DEAD_LETTERS_SHOWN + 1, peer);
    const letters = found.slice(0, DEAD_LETTERS_SHOWN);
    const view = { letters, more: found.length > DEAD_LETTERS_SHOWN, peer, notice: replayNotice(req), csrf: csrfToken(res) };
    shell.renderPage(res, { title: m.deadLetters.title, body: <DeadLettersPage view={view} /> });
  });

  router.post('/dead-letters/replay', ...form, (req, res) => replayStep(res, () => sources.replayAll(peerOf(req.body))));

  router.post('/dead-letters/:id/replay', ...form, (req, res) =>
    replayStep(res, async () => {
      await sources.replay(parseUuidParameter('id', String(req.params.id)));
      return { replayed: 1, failed: 0 };
    }),
  );

  return router;
}

/** A replay form's step: back to the list saying how many letters went back to delivery (and could not), or the refusal explained. */
function replayStep(res: Parameters<typeof formStep>[0], replay: () => Promise<ReplayAllOutcome>): Promise<void> {
  return formStep(res, {
    run: async () => {
      const { replayed, failed } = await replay();
      return `${DEAD_LETTERS_PATH}?replayed=${replayed}${failed > 0 ? `&failed=${failed}` : ''}`;
    },
    from: () => DEAD_LETTERS_PATH,
    fallback: DEAD_LETTERS_PATH,
    explain: (code, locale) => federationConsoleMessages(locale).deadLetters.refusals[code],
  });
}

function replayNotice(req: Request): ReplayAllOutcome | undefined {
  const count = (value: unknown) => (typeof value === 'string' && COUNT.test(value) ? Number(value) : undefined);
  const replayed = count(req.query.replayed);
  return replayed === undefined ? undefined : { replayed, failed: count(req.query.failed) ?? 0 };
}

/** The replay-all form's peer: one slug, else 400 naming the field. */
function peerOf(body: unknown): string {
  const { _csrf: _token, ...fields } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  return slugOf(singleParameters(fields, { resource: 'the replay-all form', required: ['peer'] }).peer);
}

/** A `peer` parameter: one peer's slug, else 400 naming it. */
function slugOf(peer: unknown): string {
  if (typeof peer !== 'string' || !PEER_SLUG.test(peer)) throw new BadRequestError(BadRequestCode.InvalidParameter, `"peer" must be a peer's slug, got ${JSON.stringify(peer)}`);
  return peer;
}
