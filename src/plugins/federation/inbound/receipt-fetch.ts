import type { Peer } from '../model';
import type { ReceiptFetch } from './origin-receipts';

/** A receipt is about 2 KB; an answer larger than this is not one. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * Asks the Keiko peer that delivered a statement for its origin receipt, with the credentials this
 * LRS holds there: from its anchoring plugin when the peer is the origin (hops = [origin]), else
 * from its own provenance of the statement. Only the peer's own origin is asked, never a URL a
 * delivery named, and no redirect is followed.
 */
export function receiptFetch(timeoutMs: number): ReceiptFetch {
  return async (peer, entry) => {
    const base = keikoBaseOf(peer);
    if (base === undefined || peer.outboundCredentials === undefined) return { missing: `the peer ${peer.slug} has no endpoint or credentials to ask for the receipt` };
    const fromOrigin = entry.hops.length === 1;
    const url = fromOrigin ? `${base}/plugins/anchoring/receipts/${entry.statementId}` : `${base}/plugins/federation/provenance/${entry.statementId}`;
    try {
      const response = await fetch(url, { headers: { Authorization: basic(peer.outboundCredentials), Accept: 'application/json' }, redirect: 'error', signal: AbortSignal.timeout(timeoutMs) });
      const text = await boundedText(response);
      if (!response.ok) return { missing: `the peer answered ${response.status} ${codeOf(text)}`.trim() };
      const answer = JSON.parse(text) as { receipt?: unknown } | null;
      const receipt = fromOrigin ? answer : answer?.receipt;
      return typeof receipt === 'object' && receipt !== null && !Array.isArray(receipt) ? { receipt } : { missing: 'the peer has no receipt of it yet' };
    } catch (error) {
      return { missing: `the peer could not be asked: ${(error as Error).message}` };
    }
  };
}

/** A Keiko peer's public base URL: its xAPI endpoint is `<base>/xapi`. */
function keikoBaseOf(peer: Peer): string | undefined {
  if (peer.kind !== 'keiko' || peer.endpoint === undefined) return undefined;
  return peer.endpoint.replace(/\/xapi\/?$/, '');
}

function basic({ key, secret }: NonNullable<Peer['outboundCredentials']>): string {
  return `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
}

/** The answer's text, read no further than MAX_ANSWER_BYTES. */
async function boundedText(response: Response): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  const reader = response.body?.getReader();
  for (let read = await reader?.read(); read !== undefined && !read.done; read = await reader!.read()) {
    length += read.value.length;
    if (length > MAX_ANSWER_BYTES) {
      await reader!.cancel();
      throw new Error(`its answer is longer than ${MAX_ANSWER_BYTES} bytes, more than a receipt`);
    }
    chunks.push(Buffer.from(read.value));
  }
  return Buffer.concat(chunks).toString('utf8');
}

function codeOf(text: string): string {
  try {
    const code = (JSON.parse(text) as { code?: unknown }).code;
    return typeof code === 'string' ? code.slice(0, 64) : '';
  } catch {
    return '';
  }
}
