import { Router } from 'express';
import type { StorageBackend } from '../storage/backend';
import { ServiceUnavailableError } from '../errors';
import type { Metrics } from './metrics';

/** /health (the process is up), /ready (the database answers) and /metrics (Prometheus). */
export function operationsRoutes(storage: Pick<StorageBackend, 'ping'>, metrics: Metrics): Router {
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
  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
  return router;
}
