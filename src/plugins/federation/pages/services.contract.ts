/**
 * The console pages wired to the plugin's real services as index.ts wires them, on an engine:
 * subscriptions and dead letters (outbound/), pull sources (pull/), the peers' circuit breakers
 * (remote/) and the peer registry (peers/) (sources.test.ts, for the figures too). Named
 * `.contract.ts` so that the build, the import graph and jest leave it out.
 */
import path from 'node:path';
import { Router } from 'express';
import { createTestLrs, type TestLrs } from '../../../../test-support/app';
import type { StorageEngine } from '../../../storage/backend';
import { definePlugin, type Collection, type PluginContext } from '../../../plugin-api';
import type { DeadLetter, Peer } from '../model';
import { DeadLetters } from '../outbound/dead-letters';
import { OUTBOUND_STORES, type Retry, type Subscription } from '../outbound/records';
import { Subscriptions } from '../outbound/subscriptions';
import { PULL_STORES, type PullSource } from '../pull/records';
import { PullSources } from '../pull/sources';
import { PeerRegistry, REGISTRY_STORES } from '../peers/registry';
import { CircuitBreakers } from '../remote/breaker';
import { FEDERATION_SCOPES } from '../vocabulary';
import { FEDERATION_CONSOLE_SECTION, federationConsole } from './routes';
import { federationConsoleSources } from './sources';

export const NOW = Date.parse('2027-03-10T10:00:00.000Z');

export interface Services {
  lrs: TestLrs;
  context: PluginContext;
  peers: PeerRegistry;
  subscriptions: Subscriptions;
  deadLetters: DeadLetters;
  pulls: PullSources;
  breakers: CircuitBreakers;
  retries: Collection<Retry>;
}

/** An xAPI peer's registration, as POST /peers takes it. */
export const xapiPeer = (slug: string) => ({ slug, name: `${slug} LRS`, kind: 'xapi', endpoint: `https://${slug}.example/xapi` });

/** The console pages wired to the real services as index.ts wires them, on `engine`. */
export async function servicesLrs(engine: StorageEngine): Promise<Services> {
  const breakers = new CircuitBreakers({ now: () => NOW });
  let wired: Omit<Services, 'lrs'> | undefined;
  const plugin = definePlugin({
    manifest: { name: 'federation', version: '0.0.1', description: 'console pages over the services (a test plugin)', profiles: [], scopes: FEDERATION_SCOPES, stores: { ...REGISTRY_STORES, ...OUTBOUND_STORES, ...PULL_STORES }, jobs: [] },
    setup(context) {
      const peers = new PeerRegistry(context.store<Peer>('peers'));
      const retries = context.store<Retry>('retries');
      const subscriptionStore = context.store<Subscription>('subscriptions');
      const subscriptions = new Subscriptions({ store: subscriptionStore, retries, peers, statements: context.statements });
      const deadLetters = new DeadLetters({ store: context.store<DeadLetter>('dead-letters'), retries, subscriptions: subscriptionStore });
      const pulls = new PullSources(context.store<PullSource>('pulls'), peers, () => NOW);
      wired = { context, peers, subscriptions, deadLetters, pulls, breakers, retries };
      const sources = federationConsoleSources({
        peers,
        subscriptions,
        breakerOf: (slug) => breakers.snapshotOf(slug),
        statements: context.statements,
        pulls,
        deadLetters,
        now: () => NOW,
      });
      return { routes: Router().use('/console', federationConsole({ console: context.console, sources })), console: [FEDERATION_CONSOLE_SECTION] };
    },
  });
  const engineBefore = process.env.KEIKO_TEST_ENGINE;
  process.env.KEIKO_TEST_ENGINE = engine;
  const lrs = await createTestLrs({}, [{ plugin, folder: path.resolve(__dirname, '..'), settings: undefined }]).finally(() => {
    process.env.KEIKO_TEST_ENGINE = engineBefore;
  });
  return { ...wired!, lrs };
}

