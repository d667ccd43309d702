import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import type { StorageBackend } from '../storage/backend';
import { HttpError, ServiceUnavailableError } from '../errors';
import type { Metrics } from './metrics';

export interface OperationsOptions {
  /**
   * METRICS_TOKEN: when set, /metrics answers only requests with `Authorization: Bearer <token>`.
   * When unset it is open, as Prometheus scrapers on a private network expect.
   */
  metricsToken?: string;
}

/** /health (the process is up), /ready (the database answers) and /metrics (Prometheus). */
export function operationsRoutes(storage: Pick<StorageBackend, 'ping'>, metrics: Metrics, options: OperationsOptions = {}): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/ready', async (_req, res) => {
    try {
      await storage.ping();
    } catch {
      throw new ServiceUnavailableError('The database does not answer');
    }
    res.json({ status: 'ready' });
  });
  const guard = options.metricsToken === undefined ? [] : [requireBearerToken(options.metricsToken)];
  router.get('/metrics', ...guard, async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
  return router;
}

/** 401 METRICS_TOKEN_REQUIRED unless the request carries `Authorization: Bearer <token>`. */
function requireBearerToken(token: string): RequestHandler {
  const expected = sha256(token);
  return (req, _res, next) => {
    const presented = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    // Digests of equal length, so the comparison takes the same time whatever was presented.
    if (presented === undefined || !timingSafeEqual(sha256(presented), expected)) {
      throw new HttpError(401, 'METRICS_TOKEN_REQUIRED', '/metrics needs the header Authorization: Bearer <METRICS_TOKEN>', {
        'WWW-Authenticate': 'Bearer realm="metrics"',
      });
    }
    next();
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
