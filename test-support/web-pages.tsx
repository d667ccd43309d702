import express, { Router, type Express, type NextFunction, type Request, type Response } from 'express';
import pino from 'pino';
import { ForbiddenError } from '../src/errors';
import { errorHandler, notFoundHandler } from '../src/http/error-handler';
import { CollectionDocumentError } from '../src/storage/collections/collection-store';
import {
  allowFormTarget,
  BarChart,
  CsrfField,
  csrfToken,
  i18n,
  LineChart,
  renderPage,
  requireCsrfToken,
  setSessionCsrfSecret,
  setViewer,
  webErrorHandler,
  webNotFound,
  webPage,
  webRoutes,
} from '../src/web';

/**
 * The web shell mounted as src/app.ts mounts it, around a JSON API stand-in (/xapi) and a few
 * pages that exercise it: charts, a CSRF-protected form, a signed-in viewer, errors.
 */
export function webShellTestApp(): Express {
  const logger = pino({ level: 'silent' });
  const app = express();
  app.set('query parser', 'simple');
  app.get('/xapi/about', (_req, res) => {
    res.json({ version: ['1.0.3'] });
  });
  app.use(webRoutes({ siteNav: [{ href: '/demo/charts', label: { en: 'Charts', es: 'Gráficos' } }, { href: '/demo/review', label: { en: 'Review', es: 'Revisión' }, role: 'moderator' }] }));
  app.use('/demo', demoPages());
  app.use(webNotFound());
  app.use(notFoundHandler());
  app.use(webErrorHandler(logger));
  app.use(errorHandler(logger));
  return app;
}

/** The session secret of the demo's "signed-in" requests (?viewer=1). */
export const DEMO_SESSION_CSRF_SECRET = 'demo-session-secret';

function demoPages(): Router {
  const router = Router();
  router.use(webPage());
  router.use((req, res, next) => {
    if (req.query.viewer === '1') {
      setViewer(res, { displayName: 'Ana <Pérez>', roles: req.query.role === undefined ? [] : [String(req.query.role)] });
      setSessionCsrfSecret(res, DEMO_SESSION_CSRF_SECRET);
    }
    next();
  });
  router.get('/charts', (_req, res) => {
    const { locale } = i18n(res);
    const spanish = locale === 'es';
    renderPage(res, {
      title: spanish ? 'Gráficos' : 'Charts',
      body: (
        <>
          <BarChart
            title={spanish ? 'Sentencias por verbo' : 'Statements by verb'}
            description={spanish ? 'Completado es el verbo más frecuente.' : 'Completed is the most frequent verb.'}
            categoryHeader={spanish ? 'Verbo' : 'Verb'}
            valueHeader={spanish ? 'Sentencias' : 'Statements'}
            data={[
              { label: 'completed', value: 1250 },
              { label: 'attempted', value: 830.5 },
              { label: 'voided <script>', value: -12 },
            ]}
          />
          <LineChart
            title={spanish ? 'Sentencias por día' : 'Statements per day'}
            description={spanish ? 'Las sentencias crecen durante la semana.' : 'Statements grow during the week.'}
            labelHeader={spanish ? 'Día' : 'Day'}
            labels={['Mon', 'Tue', 'Wed', 'Thu', 'Fri']}
            series={[
              { name: 'stored', values: [10, 20, 15, 40, 38] },
              { name: 'voided', values: [0, 1, 0, 2, 1] },
            ]}
          />
        </>
      ),
    });
  });
  router.get('/form', (_req, res) => {
    renderPage(res, {
      title: 'Form',
      body: (
        <form method="post" action="/demo/form">
          <CsrfField token={csrfToken(res)} />
          <div class="field">
            <label for="demo-name">Name</label>
            <input id="demo-name" name="name" />
          </div>
          <button type="submit">Send</button>
        </form>
      ),
    });
  });
  router.post('/form', ...requireCsrfToken(), (req, res) => {
    renderPage(res, { title: 'Sent', body: <p class="sent">{`Received ${String(req.body.name)}`}</p> });
  });
  router.get('/provider-form', (_req, res) => {
    allowFormTarget(res, 'https://id.example.org:8443/authorize?client=keiko');
    renderPage(res, { title: 'Sign in elsewhere', body: <p>A form whose handler redirects to a provider.</p> });
  });
  router.get('/scripted', (_req, res) => {
    renderPage(res, {
      title: 'Scripted',
      body: <p>A page that loads a script of its own.</p>,
      scripts: ['/static/demo.js?v=1'],
      meta: [{ property: 'og:title', content: 'A "card" <title>' }],
    });
  });
  router.get('/script-elsewhere', (_req, res) => {
    renderPage(res, { title: 'Scripted', body: <p>Never sent.</p>, scripts: ['//cdn.example.org/lib.js'] });
  });
  router.get('/bad-form-target', (_req, res) => {
    allowFormTarget(res, 'javascript:alert(1)');
    renderPage(res, { title: 'Never', body: null });
  });
  router.get('/forbidden', () => {
    throw new ForbiddenError('This page belongs to someone else');
  });
  router.get('/unstorable', () => {
    throw new CollectionDocumentError('A field name may not contain "."');
  });
  router.get('/broken', () => {
    throw new Error('a bug with a secret detail');
  });
  return router;
}

/** What a plugin's pages read of people in stand-in tests (the parts of PeopleForPlugins they use). */
export interface StandInPeople {
  requireSignIn(): (req: Request, res: Response, next: NextFunction) => void;
  requireRole(role: string): (req: Request, res: Response, next: NextFunction) => void;
  hasRole(personId: string, role: string): Promise<boolean>;
  signedIn(req: Request): Request['signedIn'];
  identitiesOf(personId: string): Promise<Array<{ mbox: string }>>;
}

/**
 * A plugin's pages behind the web shell, with stand-in services: the header `x-test-roles` signs
 * Ana García in (with those roles, comma-separated; empty for none), as the session middleware
 * would; `mount` adds the plugin's routers. `hasRole` answers the pages' own role checks.
 */
export function pluginPagesTestApp(
  mount: (app: Express, people: StandInPeople) => void,
  { nowMs, mbox, hasRole = () => false, logLevel = 'silent' }: { nowMs: number; mbox: string; hasRole?: (role: string) => boolean; logLevel?: string },
): Express {
  const logger = pino({ level: logLevel });
  const app = express();
  app.set('query parser', 'simple');
  app.use((req: Request, res: Response, next: NextFunction) => {
    const roles = req.get('x-test-roles');
    if (roles !== undefined) {
      req.signedIn = { person: { id: 'p-ana', name: 'Ana García', roles: roles === '' ? [] : roles.split(',') }, expiresAt: new Date(nowMs + 3_600_000) } as unknown as Request['signedIn'];
      setViewer(res, { displayName: 'Ana García', roles: roles.split(',') });
      setSessionCsrfSecret(res, 'session-secret');
    }
    next();
  });
  const signIn = (req: Request, res: Response, next: NextFunction) => (req.signedIn ? next() : res.redirect(303, '/sign-in'));
  const rolesOf = (req: Request) => (req.signedIn?.person.roles as readonly string[] | undefined) ?? [];
  const people: StandInPeople = {
    requireSignIn: () => signIn,
    requireRole: (role) => (req, res, next) => (rolesOf(req).includes(role) ? next() : req.signedIn ? res.status(403).send('ROLE_REQUIRED') : signIn(req, res, next)),
    hasRole: async (_personId, role) => hasRole(role),
    signedIn: (req) => req.signedIn,
    identitiesOf: async () => [{ mbox }],
  };
  app.use(webRoutes());
  mount(app, people);
  app.use(webNotFound());
  app.use(notFoundHandler());
  app.use(webErrorHandler(logger));
  app.use(errorHandler(logger));
  return app;
}
