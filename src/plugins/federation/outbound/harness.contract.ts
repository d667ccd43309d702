/**
 * The outbound feature alone on a whole LRS of the engine under test, as index.ts wires it, with
 * peers in a map (the peer registry's port) that tests fill. Named `.contract.ts` so that the
 * build, the import graph and jest leave it out.
 */
import path from 'node:path';
import { Router } from 'express';
import { createTestLrs, type TestLrs } from '../../../../test-support/app';
import type { StorageEngine } from '../../../storage/backend';
import { definePlugin, type Collection, type PluginContext } from '../../../plugin-api';
import type { DeadLetter, Peer } from '../model';
import { CircuitBreakers } from '../remote/breaker';
import { FEDERATION_SCOPES } from '../vocabulary';
import { DeadLetters } from './dead-letters';
import { OUTBOUND_STORES, type Retry, type Subscription } from './records';
import { outboundRoutes } from './routes';
import { Subscriptions } from './subscriptions';

export interface OutboundHarness {
  lrs: TestLrs;
  peers: Map<string, Peer>;
  context: PluginContext;
  subscriptions: Subscriptions;
  deadLetters: DeadLetters;
  breakers: CircuitBreakers;
  stores: { subscriptions: Collection<Subscription>; retries: Collection<Retry>; deadLetters: Collection<DeadLetter> };
  close(): Promise<void>;
}

export function testPeer(slug: string, endpoint: string | undefined, kind: Peer['kind'] = 'xapi'): Peer {
  return { slug, name: slug, kind, ...(endpoint !== undefined && { endpoint }), inboundCredentialKeys: [], createdAt: new Date(0).toISOString() };
}

export async function startOutboundLrs(engine: StorageEngine, env: Record<string, string> = {}): Promise<OutboundHarness> {
  const peers = new Map<string, Peer>();
  const breakers = new CircuitBreakers();
  let harness: Omit<OutboundHarness, 'lrs' | 'close'> | undefined;
  const plugin = definePlugin({
    manifest: { name: 'federation', version: '0.0.1', description: 'outbound test', profiles: [], scopes: FEDERATION_SCOPES, stores: OUTBOUND_STORES, jobs: [], openapi: 'outbound/openapi.yaml' },
    setup(context) {
      const stores = {
        subscriptions: context.store<Subscription>('subscriptions'),
        retries: context.store<Retry>('retries'),
        deadLetters: context.store<DeadLetter>('dead-letters'),
      };
      const subscriptions = new Subscriptions({ store: stores.subscriptions, retries: stores.retries, peers: { get: async (slug) => peers.get(slug) }, statements: context.statements });
      const deadLetters = new DeadLetters({ store: stores.deadLetters, retries: stores.retries, subscriptions: stores.subscriptions });
      harness = { peers, context, subscriptions, deadLetters, breakers, stores };
      return { routes: Router().use(outboundRoutes({ http: context.http, subscriptions, deadLetters, statements: context.statements, breakerOf: (peer) => breakers.snapshotOf(peer) })) };
    },
  });
  const engineBefore = process.env.KEIKO_TEST_ENGINE;
  process.env.KEIKO_TEST_ENGINE = engine;
  const lrs = await createTestLrs(env, [{ plugin, folder: path.resolve(__dirname, '..'), settings: undefined }]).finally(() => {
    process.env.KEIKO_TEST_ENGINE = engineBefore;
  });
  return { ...harness!, lrs, close: () => lrs.close() };
}
