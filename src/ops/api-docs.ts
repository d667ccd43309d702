import fs from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import YAML from 'yaml';

export const OPENAPI_PATH = path.resolve(__dirname, '../../openapi/openapi.yaml');

export function loadOpenApiDocument(file = OPENAPI_PATH): Record<string, unknown> {
  return YAML.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** The OpenAPI document at /openapi.json and rendered by swagger-ui at /docs. */
export function apiDocsRoutes(document = loadOpenApiDocument()): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.use('/docs', swaggerUi.serve, swaggerUi.setup(document));
  return router;
}
