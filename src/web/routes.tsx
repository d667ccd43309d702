import { Router } from 'express';
import { HomePage } from './home-page';
import { renderPage, webPage } from './render-page';
import { staticRoutes } from './static-files';
import { i18n, webState, type NavItem } from './web-state';

export interface WebOptions {
  /** Links every page's header shows after Home (e.g. plugins' pages). */
  siteNav?: NavItem[];
}

/**
 * The web shell's own routes: /static/* and the home page. Mount it after the API routes and
 * before every other page router (its first middleware hands the site navigation to the pages
 * after it).
 */
export function webRoutes(options: WebOptions = {}): Router {
  const siteNav = options.siteNav ?? [];
  const router = Router();
  router.use((_req, res, next) => {
    webState(res).siteNav = siteNav;
    next();
  });
  router.use(staticRoutes());
  router.get('/', webPage(), (_req, res) => {
    const { t } = i18n(res);
    renderPage(res, { title: t.home.title, description: t.home.lead, body: <HomePage /> });
  });
  return router;
}
