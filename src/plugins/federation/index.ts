import { Router } from 'express';
import { definePlugin, type PluginContext, type PluginHooks } from '../../plugin-api';
import { createCaliper } from './caliper';
import { createInbound, PROVENANCE_STORES } from './inbound';
import { createOutbound, DELIVER_JOB, OUTBOUND_STORES } from './outbound';
import { FEDERATION_CONSOLE_SECTION, federationConsole, federationConsoleSources } from './pages';
import { PEER_STORES, setUpPeers } from './peers';
import { createPull, PULL_JOB, PULL_STORES, type Pull } from './pull';
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
    stores: { ...PEER_STORES, ...PROVENANCE_STORES, ...OUTBOUND_STORES, ...PULL_STORES },
    jobs: [DELIVER_JOB, PULL_JOB],
    openapi: ['peers/openapi.yaml', 'inbound/openapi.yaml', 'outbound/openapi.yaml', 'pull/openapi.yaml', 'caliper/openapi.yaml', 'pages/openapi.yaml'],
  },
  settings: readFederationSettings,
  setup: setUpFederation,
});

function setUpFederation(context: PluginContext): PluginHooks {
  const settings = context.settings as FederationSettings;
  const { peers, identity, routes: peerRoutes } = setUpPeers(context);
  const inbound = createInbound({ context, settings, peers });
  const breakers = new CircuitBreakers();
  // Dead letters (outbound) replay pulled statements through pull, which parks its refusals there.
  let pull: Pull | undefined;
  const outbound = createOutbound({
    context,
    settings,
    peers,
    breakers,
    provenance: inbound.provenance,
    signingKey: () => identity.signingKey(),
    receivePulled: (letter) => pull!.replay(letter),
  });
  pull = createPull({ context, settings, peers, receiver: inbound.receiver, deadLetters: outbound.deadLetters });
  const caliper = createCaliper({ context, receiver: inbound.receiver, peers });
  const consoleSources = federationConsoleSources({
    peers,
    subscriptions: outbound.subscriptions,
    breakerOf: (peer) => breakers.snapshotOf(peer),
    statements: context.statements,
    pulls: pull.sources,
    deadLetters: outbound.deadLetters,
  });
  return {
    routes: Router()
      .use(peerRoutes)
      .use(inbound.routes)
      .use(outbound.routes)
      .use(pull.routes)
      .use(caliper.routes)
      .use('/console', federationConsole({ console: context.console, sources: consoleSources })),
    console: [FEDERATION_CONSOLE_SECTION],
    jobs: { [DELIVER_JOB]: outbound.job, [PULL_JOB]: pull.job },
  };
}
