import { Router } from 'express';
import { definePlugin, type PluginContext, type PluginHooks } from '../../plugin-api';
import { readFederationSettings } from './settings';
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
    stores: {},
    jobs: [],
  },
  settings: readFederationSettings,
  setup: setUpFederation,
});

function setUpFederation(_context: PluginContext): PluginHooks {
  return { routes: Router() };
}
