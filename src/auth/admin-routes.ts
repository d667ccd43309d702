import { Router, type RequestHandler } from 'express';
import { BadRequestCode, BadRequestError, NotFoundError } from '../errors';
import { rawBody, readJsonBody } from '../http/body';
import { requireGrant } from './authenticate';
import { INVALID_CREDENTIAL_CODE, type Credential, type CredentialStore } from './credential-store';
import { DEFAULT_SCOPES, type Scope } from './scopes';
import type { VerifiedCredentialCache } from './verified-cache';

export interface CredentialAdminOptions {
  store: CredentialStore;
  /** The cache `authenticate` uses: a revoked key is dropped from it at once. */
  cache: VerifiedCredentialCache;
  authenticate: RequestHandler;
  jsonBodyLimitBytes: number;
}

/**
 * Credentials administered over HTTP (scope `admin`): create one (its secret is in the response
 * and nowhere else, ever), list them, revoke one. A revocation here takes effect at once on this
 * instance; other instances keep accepting the credential until their verified-credential cache
 * forgets it (at most its TTL, 60 s).
 */
export function credentialAdminRoutes(options: CredentialAdminOptions): Router {
  const router = Router();
  const admin = [options.authenticate, requireGrant('admin')];

  router.post('/admin/credentials', ...admin, rawBody(options.jsonBodyLimitBytes), async (req, res) => {
    const issued = await options.store.create(creationRequest(readJsonBody(req, options.jsonBodyLimitBytes)));
    res.status(201).setHeader('Cache-Control', 'no-store');
    res.json({ key: issued.key, secret: issued.secret, credential: credentialView(issued.credential) });
  });

  router.get('/admin/credentials', ...admin, async (_req, res) => {
    res.json({ credentials: (await options.store.list()).map(credentialView) });
  });

  router.delete('/admin/credentials/:key', ...admin, async (req, res) => {
    const key = String(req.params.key);
    const revoked = await options.store.revoke(key);
    options.cache.invalidate(key);
    if (!revoked) throw new NotFoundError(`No active credential has the key ${JSON.stringify(key)}`, 'NO_SUCH_CREDENTIAL');
    res.status(204).end();
  });

  return router;
}

/** `{ name, scopes? }`: the key and the secret are always generated. */
function creationRequest(body: unknown): { name: string; scopes: Scope[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestError(BadRequestCode.InvalidJson, 'The request body must be a JSON object { "name": ..., "scopes": [...] }');
  }
  const { name, scopes, ...others } = body as Record<string, unknown>;
  const problems = [
    ...Object.keys(others).map((field) => `unknown field "${field}" (the key and secret are generated)`),
    ...(typeof name === 'string' ? [] : ['"name" must be a string']),
    ...(scopes === undefined || (Array.isArray(scopes) && scopes.every((scope) => typeof scope === 'string')) ? [] : ['"scopes" must be an array of strings']),
  ];
  if (problems.length > 0) throw new BadRequestError(INVALID_CREDENTIAL_CODE, `Invalid credential: ${problems.join('; ')}`);
  return { name: name as string, scopes: (scopes as Scope[] | undefined) ?? [...DEFAULT_SCOPES] };
}

function credentialView(credential: Credential): Record<string, unknown> {
  const { key, name, scopes, authority, createdAt, updatedAt, revokedAt } = credential;
  return { key, name, scopes, authority, createdAt, updatedAt, ...(revokedAt && { revokedAt }), status: revokedAt ? 'revoked' : 'active' };
}
