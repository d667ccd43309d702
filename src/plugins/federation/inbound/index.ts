/** Inbound federation (docs/federation.md): the Receiver every incoming path stores through, its provenance, the inbox and forwarding routes. */
import type { Router } from 'express';
import type { PluginContext } from '../../../plugin-api';
import type { ProvenanceEntry } from '../model';
import type { FederationSettings } from '../settings';
import { OriginReceipts } from './origin-receipts';
import { ProvenanceStore } from './provenance-store';
import { receiptFetch } from './receipt-fetch';
import { Receiver } from './receiver';
import { inboundRoutes, type PeerLookup } from './routes';

export { PROVENANCE_STORES, ProvenanceStore } from './provenance-store';
export { Receiver, type IncomingStatement, type ReceiveOutcome, type ReceivedVia } from './receiver';
export { parseDelivery, INVALID_DELIVERY } from './envelope';
export { forwardedProvenance } from './forwarded';
export type { PeerLookup } from './routes';

/** A pending origin receipt is asked of the peer again at most this often. */
const RECEIPT_RETRY_MS = 10_000;

export interface InboundDependencies {
  context: PluginContext;
  settings: FederationSettings;
  peers: PeerLookup;
  /** How often a pending origin receipt may be asked of the peer again (10 s). */
  receiptRetryMs?: number;
}

/** The Receiver (for pull and Caliper too), the provenance store, and the inbound routes. */
export function createInbound({ context, settings, peers, receiptRetryMs = RECEIPT_RETRY_MS }: InboundDependencies): { receiver: Receiver; provenance: ProvenanceStore; routes: Router } {
  const provenance = new ProvenanceStore(context.store<ProvenanceEntry>('provenance'));
  const originReceipts = new OriginReceipts({
    verifier: () => context.service('receiptVerifier'),
    statements: context.statements,
    fetchReceipt: receiptFetch(Math.min(settings.requestTimeoutMs, 5_000)),
    retryAfterMs: receiptRetryMs,
  });
  const receiver = new Receiver({
    statements: context.statements,
    provenance,
    governance: () => context.service('governance'),
    community: settings.community,
    originReceipts,
  });
  const routes = inboundRoutes({ receiver, provenance, originReceipts, peers, statements: context.statements, http: context.http, publicUrl: context.publicUrl });
  return { receiver, provenance, routes };
}
