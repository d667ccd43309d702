import fs from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import YAML from 'yaml';
import { mergeOpenApi, readOpenApiFragment } from '../platform/plugins/platform';

export const OPENAPI_PATH = path.resolve(__dirname, '../../openapi/openapi.yaml');

/** Core features outside the xAPI that document their routes beside their code (paths as served). */
const FEATURE_FRAGMENTS = { profiles: '../profiles/openapi.yaml', events: '../platform/events/openapi.yaml', people: '../people/openapi.yaml', credentials: '../auth/openapi.yaml', console: '../console/openapi.yaml' };

/** The core document: openapi/openapi.yaml with the core features' fragments (plugins' come on top). */
export function loadOpenApiDocument(file = OPENAPI_PATH): Record<string, unknown> {
  const document = YAML.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const features = Object.entries(FEATURE_FRAGMENTS).map(([name, fragment]) => ({
    name,
    openapi: readOpenApiFragment(name, path.resolve(__dirname, fragment), ''),
  }));
  return mergeOpenApi(document, features);
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
