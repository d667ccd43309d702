import express, { type Express, type Router } from 'express';
import pino, { type Logger } from 'pino';
import pinoHttp from 'pino-http';
import { Writable } from 'node:stream';
import { authenticate } from '../src/auth/authenticate';
import { errorHandler, notFoundHandler } from '../src/http/error-handler';
import { requireXapiVersion, sendXapiVersion } from '../src/http/xapi-version';
import { createLogger } from '../src/logger';
import { openPeople, peopleRoutes, signInRoutes, type People, type PeopleOptions } from '../src/people';
import { webErrorHandler, webNotFound, webRoutes } from '../src/web';
import { agentRoutes } from '../src/xapi/agents/routes';
import { createStatementValidator } from '../src/xapi/statements/validation/validate-statement';
import type { TestLrs } from './app';

export interface PeopleTestApp {
  app: Express;
  people: People;
  /** Everything the app logged, as JSON lines. */
  log(): string;
}

/**
 * The people feature assembled as src/app.ts assembles it (session middleware, the people API,
 * /xapi/agents with linked people, the web shell and the sign-in pages, the error handlers), on
 * the storage of a test LRS, with a log that tests can read. `extraRoutes` come after the session
 * middleware (e.g. a page guarded by requireRole).
 */
export async function createPeopleTestApp(lrs: TestLrs, options: Partial<PeopleOptions> & { extraRoutes?: Router } = {}): Promise<PeopleTestApp> {
  const lines: string[] = [];
  const logger: Logger = createLogger('info', new Writable({ write: (chunk: Buffer, _encoding, done) => done(void lines.push(chunk.toString())) }));
  const people = await openPeople(lrs.storage.collections, { publicUrl: 'http://lrs.test', ...options });
  const validator = createStatementValidator();
  const validateActor = (actor: unknown, path: string) => validator.validateActor(actor, path);
  const authenticateCredentials = authenticate({ store: lrs.storage.credentials });
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(pinoHttp({ logger }));
  app.use(people.sessions.middleware());
  app.use(peopleRoutes(people, { authenticate: authenticateCredentials, validateActor, jsonBodyLimitBytes: 1024 * 1024 }));
  app.use('/xapi', sendXapiVersion(), requireXapiVersion(), authenticateCredentials, agentRoutes(lrs.storage.agents, validateActor, people.service));
  app.use(webRoutes());
  app.use(signInRoutes(people, { validateActor, logger }));
  if (options.extraRoutes) app.use(options.extraRoutes);
  app.use(webNotFound());
  app.use(webErrorHandler(logger));
  app.use(notFoundHandler());
  app.use(errorHandler(pino({ level: 'silent' })));
  return { app, people, log: () => lines.join('') };
}

/** The value of the hidden CSRF field of the first form in an HTML page. */
export function csrfFieldOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error(`No CSRF field in the page: ${html.slice(0, 500)}`);
  return match[1]!;
}

/** A cookie's Set-Cookie header of a response, if it set one. */
export function setCookie(headers: Record<string, unknown>, name: string): string | undefined {
  const values = (headers['set-cookie'] as string[] | undefined) ?? [];
  return values.find((value) => value.startsWith(`${name}=`));
}
