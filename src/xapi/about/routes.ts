import { Router } from 'express';

/** xAPI versions this LRS accepts and serves (About, Communication 2.8). */
export const SUPPORTED_VERSIONS = ['1.0.3', '1.0.2', '1.0.1', '1.0.0'];

/** GET /about: no credentials needed, no version header needed (Communication 2.8). */
export function aboutRoutes(extensions: Record<string, unknown>): Router {
  const router = Router();
  router.get('/about', (_req, res) => {
    res.json({ version: SUPPORTED_VERSIONS, extensions });
  });
  return router;
}
