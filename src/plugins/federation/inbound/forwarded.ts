/**
 * Statement forwarding from other LRSs, as they send it (issue 15: "a receiving endpoint for their
 * statement forwarding"):
 * - Learning Locker's forwarder (worker/src/handlers/statement/statementForwarding/
 *   statementForwardingRequestHandler.js) POSTs one stored statement per request to the configured
 *   URL: the statement object alone, or with "Send full database record?" its whole database
 *   record `{ _id, statement, stored, lrs_id, organisation, … }`; JSON, or multipart/mixed with
 *   its attachments; X-Experience-API-Version is the statement's own version (e.g. 1.0.0).
 * - SCORM Cloud / Rustici Engine forward as an xAPI client to `<destination endpoint>/statements`:
 *   POST with a statement or a list of them, or PUT with `statementId`.
 * Each statement's `stored` and `authority` there are kept as its provenance.
 */
import { BadRequestError, objectFields } from '../../../plugin-api';
import type { Peer } from '../model';
import { MAX_DELIVERY_STATEMENTS } from './envelope';
import type { IncomingStatement } from './receiver';

export const INVALID_FORWARD = 'INVALID_FORWARD';

/** The statements of a forwarded body: a statement, a list of them, or a Learning Locker database record. */
export function parseForwarded(json: unknown, peer: Peer, receivedAt: Date): IncomingStatement[] {
  const list = Array.isArray(json) ? json : [statementOfRecord(json)];
  if (list.length === 0 || list.length > MAX_DELIVERY_STATEMENTS) throw new BadRequestError(INVALID_FORWARD, `Forward 1 to ${MAX_DELIVERY_STATEMENTS} statements at a time`);
  return list.map((statement, index) => {
    const checked = objectFields(statement, INVALID_FORWARD, { path: Array.isArray(json) ? `statements[${index}]` : 'The statement' });
    return { statement: checked, provenance: forwardedProvenance(checked, peer, receivedAt) };
  });
}

/** Learning Locker's "full database record" holds the statement under `statement`; a statement has an `actor`. */
function statementOfRecord(json: unknown): unknown {
  const record = objectFields(json, INVALID_FORWARD);
  const isRecord = record.actor === undefined && typeof record.statement === 'object' && record.statement !== null && !Array.isArray(record.statement);
  return isRecord ? record.statement : record;
}

/**
 * The provenance of a statement another LRS stored and sends as it is (forwarding, pull): that LRS
 * is its origin, which stored it (`stored`, else when it arrived here) under its `authority`.
 */
export function forwardedProvenance(statement: Record<string, unknown>, peer: Peer, receivedAt: Date): IncomingStatement['provenance'] {
  const originLrs = peer.endpoint ?? `urn:keiko:federation:peer:${peer.slug}`;
  const stored = typeof statement.stored === 'string' && !Number.isNaN(Date.parse(statement.stored)) ? statement.stored : receivedAt.toISOString();
  const authority = statement.authority;
  return {
    originLrs,
    originStored: stored,
    ...(typeof authority === 'object' && authority !== null && !Array.isArray(authority) && { originAuthority: authority }),
    hops: [originLrs],
  };
}
