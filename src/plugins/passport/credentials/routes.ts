import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router, type Response } from 'express';
import { NotFoundError } from '../../../plugin-api';
import type { PassportIssuer } from './issuer';
import { STATUS_LIST_NUMBER } from './status-list';
import { GENERATED_DIR } from './vc-bundle';

const BROWSER_BUNDLE = path.join(GENERATED_DIR, 'verify-browser.js');
/** Under 60 s, so that a revocation reaches every verifier within a minute. */
const STATUS_LIST_MAX_AGE_S = 30;
const DID_DOCUMENT_MAX_AGE_S = 300;
const IMMUTABLE = 'public, max-age=31536000, immutable';

const SCRIPT_PATH = '/static/verify.js';

interface VerifierScript {
  version: string;
  source: Buffer;
}

let verifierScript: VerifierScript | undefined;

/** The browser verifier bundle and its content version (read once). */
function browserVerifier(): VerifierScript {
  if (verifierScript === undefined) {
    const source = readFileSync(BROWSER_BUNDLE);
    verifierScript = { version: createHash('sha256').update(source).digest('hex').slice(0, 16), source };
  }
  return verifierScript;
}

/**
 * The URL path of the browser verifier (an ES module exporting verifyShare and didOf) for a share
 * page's module script: /plugins/passport/static/verify.js?v=<content hash>, cached for good.
 */
export function verifierScriptPath(): string {
  return `/plugins/passport${SCRIPT_PATH}?v=${browserVerifier().version}`;
}

/**
 * The public routes of the passport's credentials, mounted at /plugins/passport: the DID
 * document, the status list, and the browser verifier. Public documents, readable from any origin.
 */
export function credentialRoutes(issuer: PassportIssuer): Router {
  const script = browserVerifier();
  const router = Router();
  router.get('/did.json', (_req, res) => {
    publicDocument(res, DID_DOCUMENT_MAX_AGE_S).json(issuer.didDocument());
  });
  router.get('/status/:list', async (req, res) => {
    if (req.params.list !== String(STATUS_LIST_NUMBER)) throw new NotFoundError('No such status list.', 'STATUS_LIST_NOT_FOUND');
    const credential = await issuer.statusList.credential();
    publicDocument(res, STATUS_LIST_MAX_AGE_S).json(credential);
  });
  // As the web shell's stylesheet: the current version's URL is cached for a year, any other revalidates (ETag).
  router.get(SCRIPT_PATH, (req, res) => {
    res.set('Cache-Control', req.query.v === script.version ? IMMUTABLE : 'no-cache').type('text/javascript').send(script.source);
  });
  return router;
}

function publicDocument(res: Response, maxAgeSeconds: number): Response {
  return res.set({ 'Cache-Control': `public, max-age=${maxAgeSeconds}`, 'Access-Control-Allow-Origin': '*' });
}
