/** Push (docs/federation.md): subscriptions, the delivery engine and its job, dead letters and their replay. */
import type { Router } from 'express';
import type { DeadLetter } from '../model';
import type { PluginContext, PluginJob } from '../../../plugin-api';
import type { FederationSettings } from '../settings';
import type { CircuitBreakers } from '../remote/breaker';
import { peerChannel, type ChannelDependencies } from './channels';
import { DeadLetters, type StoredLetter } from './dead-letters';
import { DeliveryEngine } from './delivery';
import { registerOutboundMetrics } from './metrics';
import type { Retry, Subscription } from './records';
import { outboundRoutes } from './routes';
import { Subscriptions, type PeerLookup } from './subscriptions';

export { OUTBOUND_STORES, type Retry, type Subscription } from './records';
export { DeadLetters, type DeadLetterFilter, type Parking, type StoredLetter } from './dead-letters';
export { Subscriptions, type PeerLookup } from './subscriptions';
export type { SubscriptionView } from './routes';
export type { SubscriptionFilters } from './filters';

export const DELIVER_JOB = 'deliver';

export interface OutboundDependencies {
  context: PluginContext;
  settings: FederationSettings;
  peers: PeerLookup;
  breakers: CircuitBreakers;
  provenance: ChannelDependencies['provenance'];
  signingKey: ChannelDependencies['signingKey'];
  /** Receives a pull dead letter's statement again (the pull feature's), for its replay. */
  receivePulled?: (letter: DeadLetter) => Promise<void>;
}

export interface Outbound {
  subscriptions: Subscriptions;
  deadLetters: DeadLetters;
  engine: DeliveryEngine;
  routes: Router;
  /** The job `deliver`: one run keeps delivering, and looks for new statements every 100 ms, for 5 s. */
  job: PluginJob;
}

export function createOutbound({ context, settings, peers, breakers, provenance, signingKey, receivePulled }: OutboundDependencies): Outbound {
  const { statements, publicUrl, logger } = context;
  const stores = { subscriptions: context.store<Subscription>('subscriptions'), retries: context.store<Retry>('retries'), deadLetters: context.store<StoredLetter>('dead-letters') };
  const subscriptions = new Subscriptions({ store: stores.subscriptions, retries: stores.retries, peers, statements });
  const deadLetters = new DeadLetters({ store: stores.deadLetters, retries: stores.retries, subscriptions: stores.subscriptions, receivePulled });
  const channels: ChannelDependencies = {
    statements,
    publicUrl,
    provenance,
    receipts: () => context.service('receipts'),
    signingKey,
    remote: { timeoutMs: settings.requestTimeoutMs, maxResponseBytes: settings.maxResponseBytes },
  };
  const engine = new DeliveryEngine({
    subscriptions,
    retries: stores.retries,
    deadLetters,
    statements,
    peers,
    channelFor: (peer) => peerChannel(peer, channels),
    breakers,
    batchSize: settings.batchSize,
    counters: registerOutboundMetrics(context.metrics, { subscriptions, statements, breakers }),
    logger,
  });
  const routes = outboundRoutes({ http: context.http, subscriptions, deadLetters, statements, breakerOf: (peer) => breakers.snapshotOf(peer) });
  return { subscriptions, deadLetters, engine, routes, job: { schedule: settings.deliverCron, run: () => engine.run() } };
}
