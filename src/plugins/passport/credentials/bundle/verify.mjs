// Verifying a share: the same code in Node (LRS, CLI, tests) and in the browser (bundled twice).
// Fail closed: anything that cannot be checked is "cannot-confirm", never "valid".
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { checkStatus } from '@digitalbazaar/vc-bitstring-status-list';
import { bundledContexts, MULTIKEY_V1 } from './contexts.mjs';

export const SHARE_TYPE = 'KeikoPassportShare';
export const ACHIEVEMENT_TYPE = 'AchievementCredential';
const PLUGIN_PATH = '/plugins/passport';

/** The LRS's did:web for its public URL: the host (port as %3A), its path, then plugins:passport. */
export function didOf(publicUrl) {
  const url = new URL(publicUrl);
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  return ['did:web', encodeURIComponent(url.host), ...segments.map(encodeURIComponent), 'plugins', 'passport'].join(':');
}

/** Where the DID document of didOf(publicUrl) is served. */
export function didDocumentUrl(publicUrl) {
  return `${publicUrl}${PLUGIN_PATH}/did.json`;
}

/** The prefix of the LRS's own status list URLs: the only status lists a verifier fetches. */
export function statusListPrefix(publicUrl) {
  return `${publicUrl}${PLUGIN_PATH}/status/`;
}

const loaded = (url, document) => ({ contextUrl: null, documentUrl: url, document });

/**
 * A JSON-LD document loader that loads only the bundled contexts, the issuer's DID document (and
 * its keys) and the issuer's own status lists, each fetched once per loader; everything else throws.
 */
export function documentLoader({ publicUrl, fetchJson }) {
  const did = didOf(publicUrl);
  const statusPrefix = statusListPrefix(publicUrl);
  const fetched = new Map();
  const fetchOnce = (url) => {
    if (!fetched.has(url)) fetched.set(url, Promise.resolve().then(() => fetchJson(url)));
    return fetched.get(url);
  };
  return async (url) => {
    const context = bundledContexts.get(url);
    if (context !== undefined) return loaded(url, context);
    const [base, fragment] = url.split('#');
    if (base === did) return loaded(url, await didResource(await fetchOnce(didDocumentUrl(publicUrl)), did, url, fragment));
    if (url.startsWith(statusPrefix) && /^\d+$/.test(url.slice(statusPrefix.length))) return loaded(url, await fetchOnce(url));
    throw new Error(`refused to load ${url}: not a bundled context nor this LRS's DID document or status list`);
  };
}

function didResource(document, did, url, fragment) {
  if (!isObject(document) || document.id !== did) throw new Error(`the DID document at ${did} does not name ${did}`);
  if (fragment === undefined) return document;
  const method = asArray(document.verificationMethod).find((candidate) => isObject(candidate) && candidate.id === url);
  if (method === undefined) throw new Error(`the DID document has no key ${url}`);
  return { '@context': MULTIKEY_V1, ...method };
}

/** The Data Integrity suite (eddsa-rdfc-2022) for `signer`, or for verifying without one. */
export function suite(signer) {
  return new DataIntegrityProof({ signer, cryptosuite });
}

/**
 * checkStatus for vc.verify that verifies the status list credentials once, not once per credential
 * pointing at them: the first credential naming a set of lists has them verified, the others reuse it.
 */
function statusChecker(loader, verifySuite) {
  const listChecks = new Map();
  return async ({ credential }) => {
    const lists = JSON.stringify([...new Set(asArray(credential.credentialStatus).map((status) => status?.statusListCredential))].sort());
    if (!listChecks.has(lists)) listChecks.set(lists, checkStatus({ credential, documentLoader: loader, suite: verifySuite }));
    const first = await listChecks.get(lists);
    if (!first.verified) return first;
    return checkStatus({ credential, documentLoader: loader, suite: verifySuite, verifyBitstringStatusListCredential: false });
  };
}

/**
 * Verifies a share (a signed presentation) as coming from the LRS at `publicUrl`:
 * { result: 'valid' | 'revoked' | 'expired' | 'cannot-confirm', reasons, items, achievements, expiresAt }.
 */
export async function verifyShare(presentation, { publicUrl, fetchJson, now = new Date(), challenge } = {}) {
  const content = shareContent(presentation);
  const outcome = (result, reasons = []) => ({ result, reasons, ...content });
  try {
    const expiry = expiryOf(presentation, now);
    if (expiry !== undefined) return outcome(expiry.result, expiry.reasons);
    const problems = shapeProblems(presentation, publicUrl, challenge);
    if (problems.length > 0) return outcome('cannot-confirm', problems);
    const loader = documentLoader({ publicUrl, fetchJson });
    const verifySuite = suite();
    const verification = await vc.verify({
      presentation,
      challenge: proofOf(presentation).challenge,
      domain: publicUrl,
      suite: verifySuite,
      documentLoader: loader,
      checkStatus: statusChecker(loader, verifySuite),
      now,
    });
    if (!verification.verified) return outcome('cannot-confirm', errorMessages(verification));
    return isRevoked(verification) ? outcome('revoked', ['the share was revoked']) : outcome('valid');
  } catch (error) {
    return outcome('cannot-confirm', [messageOf(error)]);
  }
}

function shareContent(presentation) {
  const credentials = credentialsOf(presentation);
  const share = credentials.find((credential) => typesOf(credential).includes(SHARE_TYPE));
  const items = share?.credentialSubject?.items;
  return {
    items: Array.isArray(items) ? items : [],
    achievements: credentials.filter((credential) => typesOf(credential).includes(ACHIEVEMENT_TYPE)),
    ...(typeof share?.validUntil === 'string' ? { expiresAt: share.validUntil } : {}),
  };
}

/** Read before any signature: vc.verify reports a passed validUntil as a plain failure. */
function expiryOf(presentation, now) {
  for (const credential of credentialsOf(presentation)) {
    const until = Date.parse(credential.validUntil);
    if (typeof credential.validUntil !== 'string' || Number.isNaN(until)) return { result: 'cannot-confirm', reasons: ['a credential has no valid validUntil'] };
    if (until <= now.getTime()) return { result: 'expired', reasons: [`expired at ${credential.validUntil}`] };
  }
  return undefined;
}

function shapeProblems(presentation, publicUrl, challenge) {
  if (!isObject(presentation) || !typesOf(presentation).includes('VerifiablePresentation')) return ['not a verifiable presentation'];
  const did = didOf(publicUrl);
  const problems = [];
  const credentials = credentialsOf(presentation);
  if (!credentials.some((credential) => typesOf(credential).includes(SHARE_TYPE))) problems.push(`no ${SHARE_TYPE} credential`);
  if (presentation.holder !== did) problems.push(`the presentation's holder is not ${did}`);
  if (challenge !== undefined && proofOf(presentation).challenge !== challenge) problems.push('the presentation is for another share');
  for (const credential of credentials) {
    if (idOf(credential.issuer) !== did) problems.push(`a credential's issuer is not ${did}`);
    const statuses = asArray(credential.credentialStatus);
    if (statuses.length === 0) problems.push('a credential has no status (it could not be revoked)');
    if (statuses.some((status) => typeof status?.statusListCredential !== 'string' || !status.statusListCredential.startsWith(statusListPrefix(publicUrl)))) {
      problems.push(`a credential's status list is not on ${publicUrl}`);
    }
  }
  return problems;
}

function isRevoked(verification) {
  return asArray(verification.credentialResults).some((credentialResult) => asArray(credentialResult.statusResult?.results).some((status) => status.status === true));
}

function errorMessages(verification) {
  const errors = [
    verification.error,
    ...asArray(verification.presentationResult?.results).map((result) => result.error),
    ...asArray(verification.credentialResults).flatMap((result) => [result.error, result.statusResult?.error]),
  ].filter((error) => error !== undefined && error !== null);
  const messages = errors.flatMap((error) => [messageOf(error), ...asArray(error.errors).map(messageOf)]);
  return messages.length > 0 ? [...new Set(messages)] : ['the presentation did not verify'];
}

function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

function credentialsOf(presentation) {
  return isObject(presentation) ? asArray(presentation.verifiableCredential).filter(isObject) : [];
}

function proofOf(presentation) {
  const [proof] = asArray(presentation.proof);
  return isObject(proof) ? proof : {};
}

function typesOf(document) {
  return isObject(document) ? asArray(document.type) : [];
}

function idOf(value) {
  return isObject(value) ? value.id : value;
}

function asArray(value) {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export { vc, checkStatus };
