// The ESM bundle the share page loads (script-src 'self'): the shared verifier, fetching with no cache.
import { verifyShare as verify } from './verify.mjs';

export { didOf } from './verify.mjs';

async function fetchJson(url) {
  const response = await fetch(url, { cache: 'no-store', credentials: 'omit', headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

/** verifyShare(presentation, { publicUrl, now?, challenge?, fetchJson? }): see credentials-api. */
export function verifyShare(presentation, options) {
  return verify(presentation, { fetchJson, ...options });
}
