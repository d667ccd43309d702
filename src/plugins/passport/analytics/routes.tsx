import { Router, type Request } from 'express';
import { i18n, ifiKey, renderPage, webPage, type Collection, type NavItem, type PeopleForPlugins, type ReputationSummaries, type ReputationSummary } from '../../../plugin-api';
import { requireSignedIn, signedInIfis } from '../routes';
import type { TimelineEntry } from '../timeline-entries';
import { passportAnalytics, type PassportAnalytics } from './analytics';
import { FiguresCache } from './figures-cache';
import { analyticsMessages } from './messages';
import { AnalyticsPage } from './page';
import { personEntries } from './person-entries';

export const ANALYTICS_PAGE_PATH = '/plugins/passport/analytics';
export const ANALYTICS_NAV: NavItem = { href: ANALYTICS_PAGE_PATH, label: { en: 'Learning profile', es: 'Perfil de aprendizaje' } };

/**
 * The entries read for one person's figures: older ones beyond this are left out (and the page
 * says so), so that one request's work stays bounded (10,000 entries take ~230 ms of CPU).
 */
export const MAX_ANALYTICS_ENTRIES = 20_000;

type Figures = { analytics: PassportAnalytics; truncated: boolean };

export interface AnalyticsRoutesOptions {
  /** The timeline index's collection (`entries`). */
  entries: Collection<TimelineEntry>;
  people: PeopleForPlugins;
  /** The reputation plugin's service, looked up per request (undefined while that plugin is off). */
  reputation: () => ReputationSummaries | undefined;
}

/**
 * Mounted at /plugins/passport: GET /analytics (the signed-in person's learning profile page) and
 * GET /api/analytics (the same figures as JSON). Both count the person's own learning only, from
 * every entry of their linked identities, hidden ones too: the figures are shown to no one else.
 */
export function analyticsRoutes({ entries, people, reputation }: AnalyticsRoutesOptions): Router {
  const router = Router();
  const cache = new FiguresCache<Figures>(entries);
  const figures = async (req: Request): Promise<Figures> => {
    const ifis = await signedInIfis(people, req);
    return cache.get(people.signedIn(req)!.person.id, ifis, async () => {
      const { entries: read, truncated } = await personEntries(entries, ifis, MAX_ANALYTICS_ENTRIES);
      return { analytics: passportAnalytics(read), truncated };
    });
  };
  const reputationOf = async (req: Request): Promise<ReputationSummary | undefined> => {
    const service = reputation();
    if (service === undefined) return undefined;
    const identities = await people.identitiesOf(people.signedIn(req)!.person.id);
    return service.summaryOf(identities.map((identity) => ifiKey(identity)).filter((key) => key !== undefined));
  };
  router.get('/analytics', webPage(), people.requireSignIn(), async (req, res) => {
    const [{ analytics, truncated }, summary] = await Promise.all([figures(req), reputationOf(req)]);
    const m = analyticsMessages(i18n(res).locale);
    renderPage(res, {
      title: m.title,
      body: <AnalyticsPage analytics={analytics} {...(truncated && { truncatedAt: MAX_ANALYTICS_ENTRIES })} {...(summary && { reputation: summary })} />,
    });
  });
  router.get('/api/analytics', requireSignedIn(people), async (req, res) => {
    const { analytics, truncated } = await figures(req);
    res.json({ ...analytics, ...(truncated && { truncated: true }) } satisfies PassportAnalytics & { truncated?: true });
  });
  return router;
}
