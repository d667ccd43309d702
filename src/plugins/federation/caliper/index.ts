/** Canvas's Caliper 1.1 live events received as xAPI statements (docs/federation.md, "Canvas"). */
import type { Router } from 'express';
import type { PluginContext } from '../../../plugin-api';
import { caliperRoutes, type CaliperReceiver, type CaliperRoutesOptions } from './routes';
import { JwkSets } from './signed-events';

export { readCaliperBody, translateEnvelope, CALIPER_ENVELOPE_INVALID } from './envelope';
export { translateEvent, statementIdOf, SUPPORTED_EVENTS, type Translation, type XapiStatement } from './mapping';
export type { CaliperAnswer, CaliperEventOutcome, CaliperReceiver } from './routes';
export { JwkSets, SignedEventCode, SIGNED_EVENT_LIMITS } from './signed-events';

export interface CaliperDependencies {
  context: Pick<PluginContext, 'http' | 'metrics' | 'publicUrl'>;
  /** The inbound Receiver (inbound/receiver.ts). */
  receiver: CaliperReceiver;
  /** The peer registry (peers/registry.ts). */
  peers: CaliperRoutesOptions['peers'];
  /** The JWK Sets signed events are verified with; one per setup (tests give their own to watch it). */
  keySets?: JwkSets;
}

/** The webhook `POST /caliper/:peer` (signed events or credentials), counting events by peer and outcome. */
export function createCaliper({ context, receiver, peers, keySets = new JwkSets() }: CaliperDependencies): { routes: Router } {
  const events = context.metrics.counter({
    name: 'keiko_plugin_federation_caliper_events_total',
    help: 'Caliper events received, by peer and outcome (stored, skipped, refused)',
    labelNames: ['peer', 'outcome'],
  });
  return { routes: caliperRoutes({ receiver, peers, http: context.http, events, publicUrl: context.publicUrl, keySets }) };
}
