import { Router, type RequestHandler } from 'express';
import { requireGrant } from '../auth/authenticate';
import type { CredentialStore } from '../auth/credential-store';
import { authorize, holdsScope } from '../auth/scopes';
import { BadRequestCode, BadRequestError, ForbiddenError, NotFoundError, UnauthorizedError } from '../errors';
import { rawBody, readJsonBody } from '../http/body';
import { singleParameters } from '../http/parameters';
import { parseUuidParameter } from '../xapi/parameters';
import type { StatementStorage } from '../xapi/statements/statement-storage';
import { ProfileErrorCode } from './errors';
import type { PatternTracker } from './pattern-tracker';
import { PROFILE_MODES, type ProfileMode } from './profile-store';
import type { ProfileRegistry } from './registry';
import type { StatementReportStore } from './statement-reports';

export const JSON_LD = 'application/ld+json';

export interface ProfileRoutesOptions {
  registry: ProfileRegistry;
  patterns: PatternTracker;
  reports: StatementReportStore;
  credentials: Pick<CredentialStore, 'findActive'>;
  statements: Pick<StatementStorage, 'getById'>;
  authenticate: RequestHandler;
  /** Largest profile document accepted, in bytes. */
  bodyLimitBytes: number;
}

/**
 * The xAPI Profiles routes. `/admin/profiles…` (scope `admin`): upload, list, modes, retire.
 * `GET /profiles` (no credential, like /about): the registry's profiles, and each version's
 * JSON-LD. `/profiles/conformance` and `/profiles/reports` (statements/read, all/read, all or
 * admin): pattern progress of a registration and the warn-mode report of a statement.
 */
export function profileRoutes(options: ProfileRoutesOptions): Router {
  const { registry } = options;
  const router = Router();
  router.use('/admin/profiles', rawBody(options.bodyLimitBytes), options.authenticate, requireGrant('admin'));

  router.post('/admin/profiles', async (req, res) => {
    const uploaded = await registry.upload(readJsonBody(req));
    res.status(uploaded.outcome === 'created' ? 201 : 200).json({ id: uploaded.profileId, versionId: uploaded.versionId, outcome: uploaded.outcome });
  });

  router.get('/admin/profiles', async (_req, res) => {
    const [profiles, credentialModes] = await Promise.all([registry.list(), registry.credentialModes()]);
    res.json({ profiles, credentialModes: credentialModes.map(({ credential, profileId, mode }) => ({ credential, profile: profileId, mode })) });
  });

  router.put('/admin/profiles/mode', async (req, res) => {
    const body = fields(readJsonBody(req), { profile: 'required', mode: 'required' });
    const entry = await registry.setMode(iri(body, 'profile'), mode(body.mode, false)!);
    res.json({ id: entry.profileId, mode: entry.mode, status: entry.status });
  });

  router.put('/admin/profiles/credential-mode', async (req, res) => {
    const body = fields(readJsonBody(req), { credential: 'required', profile: 'optional', mode: 'required' });
    if (typeof body.credential !== 'string' || body.credential === '') throw invalid('credential must be a credential key');
    if ((await options.credentials.findActive(body.credential)) === null) {
      throw new NotFoundError(`No active credential with key ${body.credential}`, ProfileErrorCode.CredentialNotFound);
    }
    const profile = body.profile === undefined ? null : iri(body, 'profile');
    const chosen = mode(body.mode, true);
    await registry.setCredentialMode(body.credential, profile, chosen);
    res.json({ credential: body.credential, profile, mode: chosen });
  });

  router.post('/admin/profiles/retire', async (req, res) => {
    const body = fields(readJsonBody(req), { profile: 'required' });
    const entry = await registry.retire(iri(body, 'profile'));
    res.json({ id: entry.profileId, status: entry.status });
  });

  router.get('/profiles', async (req, res) => {
    const { id, version } = singleParameters(req.query, { optional: ['id', 'version'], resource: 'GET profiles' });
    if (id === undefined) {
      if (version !== undefined) throw new BadRequestError(BadRequestCode.MissingParameter, 'version needs id: GET /profiles?id=<profile IRI>&version=<version IRI>');
      const profiles = await registry.list();
      res.json({ profiles: profiles.map(({ id, prefLabel, status, latestVersion, versions }) => ({ id, prefLabel, status, latestVersion, versions: versions.map((v) => v.id) })) });
      return;
    }
    res.type(JSON_LD).send(await registry.documentText(id, version));
  });

  router.get('/profiles/conformance', options.authenticate, requireStatementReadOrAdmin(), async (req, res) => {
    const { registration } = singleParameters(req.query, { required: ['registration'], resource: 'GET profiles/conformance' });
    res.json(await options.patterns.conformance(parseUuidParameter('registration', registration!)));
  });

  router.get('/profiles/reports', options.authenticate, requireStatementReadOrAdmin(), async (req, res) => {
    const { statementId } = singleParameters(req.query, { required: ['statementId'], resource: 'GET profiles/reports' });
    const id = parseUuidParameter('statementId', statementId!);
    const report = await options.reports.get(id);
    if (report !== undefined) {
      res.json(report);
      return;
    }
    if ((await options.statements.getById(id)) === undefined) {
      throw new NotFoundError(`No statement ${id} in this LRS`, ProfileErrorCode.ReportNotFound);
    }
    res.json({ statementId: id, profiles: [] });
  });

  return router;
}

/** Pattern progress and reports span every credential's statements: statements/read (not …/mine), all/read, all, or admin. */
function requireStatementReadOrAdmin(): RequestHandler {
  return (req, _res, next) => {
    const scopes = req.credential?.scopes;
    if (scopes === undefined) throw new UnauthorizedError();
    if (authorize(scopes, { resource: 'statements', write: false }) !== 'allow' && !holdsScope(scopes, 'admin')) {
      throw new ForbiddenError('This credential may not read profile conformance or reports: that requires one of the scopes statements/read, all/read, all or admin');
    }
    next();
  };
}

type Body = Record<string, unknown>;

/** The body as an object with no fields but the named ones, the required ones present. */
function fields(value: unknown, allowed: Record<string, 'required' | 'optional'>): Body {
  const expected = Object.keys(allowed).join(', ');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`The body must be a JSON object with ${expected}`);
  const body = value as Body;
  for (const name of Object.keys(body)) if (!Object.hasOwn(allowed, name)) throw invalid(`Unknown field "${name}"; expected ${expected}`);
  for (const [name, presence] of Object.entries(allowed)) if (presence === 'required' && body[name] === undefined) throw invalid(`Missing field "${name}"`);
  return body;
}

function iri(body: Body, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || !/^[a-z][a-z0-9+.-]*:\S+$/i.test(value)) throw invalid(`${name} must be a profile IRI, got ${JSON.stringify(value)}`);
  return value;
}

function mode(value: unknown, nullable: boolean): ProfileMode | null {
  if (nullable && value === null) return null;
  if (typeof value !== 'string' || !(PROFILE_MODES as readonly string[]).includes(value)) {
    throw invalid(`mode must be one of ${PROFILE_MODES.join(', ')}${nullable ? ' (or null to remove the override)' : ''}, got ${JSON.stringify(value)}`);
  }
  return value as ProfileMode;
}

function invalid(message: string): BadRequestError {
  return new BadRequestError(BadRequestCode.InvalidParameter, message);
}
