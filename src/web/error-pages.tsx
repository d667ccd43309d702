import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { toHttpError } from '../http/error-handler';
import type { Logger } from '../logger';
import { renderPage } from './render-page';
import { i18n, webState } from './web-state';

export interface WebNotFoundOptions {
  /** Path prefixes that stay JSON APIs even for a browser (default: /xapi). */
  apiPrefixes?: string[];
}

/**
 * An HTML 404 page for a GET or HEAD that no route answered, when the client prefers HTML to JSON
 * (a browser) and the path is not an API's; everything else falls through to the JSON 404.
 */
export function webNotFound(options: WebNotFoundOptions = {}): RequestHandler {
  const apiPrefixes = options.apiPrefixes ?? ['/xapi'];
  return (req, res, next) => {
    const isApiPath = apiPrefixes.some((prefix) => req.path === prefix || req.path.startsWith(`${prefix}/`));
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApiPath) {
      next();
      return;
    }
    res.vary('Accept');
    if (req.accepts(['application/json', 'text/html']) !== 'text/html') {
      next();
      return;
    }
    renderNotFound(res);
  };
}

/**
 * Errors of web pages (routes after webPage(), or that called renderPage) as HTML pages: a typed
 * error keeps its status (a 4xx shows its message), as does a form body that body-parser refused
 * (413, 415, 400); anything else is logged and shown as a 500. Errors of other routes go on to the
 * JSON error handler. Mount it just before that handler.
 */
export function webErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (!webState(res).isPage || res.headersSent) {
      next(error);
      return;
    }
    const { t } = i18n(res);
    // The same mapping as the JSON handler's: what the API answers 4xx, a page answers 4xx too.
    const httpError = toHttpError(error, req.get('content-encoding'));
    if (httpError === undefined) {
      logger.error({ err: error, method: req.method, url: req.originalUrl }, 'unhandled error in a web page');
      renderErrorPage(res, 500, t.errors.serverErrorTitle, t.errors.serverError);
    } else if (httpError.status === 404) {
      renderNotFound(res);
    } else {
      // A Basic challenge would open the browser's password dialog: pages send people to /sign-in instead.
      const { 'WWW-Authenticate': _challenge, ...headers } = httpError.headers;
      res.set(headers);
      const isClientError = httpError.status < 500;
      renderErrorPage(
        res,
        httpError.status,
        isClientError ? t.errors.requestErrorTitle : t.errors.serverErrorTitle,
        isClientError ? httpError.message : t.errors.serverError,
      );
    }
  };
}

export function renderNotFound(res: Response): void {
  const { t } = i18n(res);
  renderErrorPage(res, 404, t.errors.notFoundTitle, t.errors.notFound);
}

function renderErrorPage(res: Response, status: number, title: string, message: string): void {
  const { t } = i18n(res);
  renderPage(res, {
    status,
    title,
    body: (
      <>
        <p>{message}</p>
        <p>
          <a href="/">{t.errors.backHome}</a>
        </p>
      </>
    ),
  });
}
