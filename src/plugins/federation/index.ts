import { Router } from 'express';
import { definePlugin, type PluginContext, type PluginHooks } from '../../plugin-api';
import { createCaliper } from './caliper';
import { createInbound, PROVENANCE_STORES } from './inbound';
import { createOutbound, DELIVER_JOB, OUTBOUND_STORES } from './outbound';
import { PEER_STORES, setUpPeers } from './peers';
import { CircuitBreakers } from './remote/breaker';
import { readFederationSettings, type FederationSettings } from './settings';
import { FEDERATION_SCOPES } from './vocabulary';

/**
 * Federation between LRSs and import from other systems (docs/federation.md, issue 15): push
 * subscriptions to any conformant LRS from a durable outbox, pulls with checkpoints, provenance
 * kept outside the statements, signed deliveries between Keiko instances, statement forwarding
 * and Canvas's Caliper events received.
 */
export default definePlugin({
  manifest: {
    name: 'federation',
    version: '0.1.0',
    description: 'Statements flow between LRSs with their provenance; history imported from Learning Locker, SCORM Cloud, Moodle and Canvas.',
    profiles: [],
    scopes: FEDERATION_SCOPES,
    stores: { ...PEER_STORES, ...PROVENANCE_STORES, ...OUTBOUND_STORES },
    jobs: [DELIVER_JOB],
    openapi: ['peers/openapi.yaml', 'inbound/openapi.yaml', 'outbound/openapi.yaml', 'caliper/openapi.yaml'],
  },
  settings: readFederationSettings,
  setup: setUpFederation,
});

function setUpFederation(context: PluginContext): PluginHooks {
  const settings = context.settings as FederationSettings;
  const { peers, identity, routes: peerRoutes } = setUpPeers(context);
  const inbound = createInbound({ context, settings, peers });
  const breakers = new CircuitBreakers();
  const outbound = createOutbound({
    context,
    settings,
    peers,
    breakers,
    provenance: inbound.provenance,
    signingKey: () => identity.signingKey(),
  });
  const caliper = createCaliper({ context, receiver: inbound.receiver, peers });
  return {
    routes: Router().use(peerRoutes).use(inbound.routes).use(outbound.routes).use(caliper.routes),
    jobs: { [DELIVER_JOB]: outbound.job },
  };
}
