/**
 * The outbound feature on a whole LRS of the engine under test, wired by createOutbound as
 * index.ts wires it, with the real provenance store and signing identity, and peers in a map (the
 * peer registry's port) that tests fill. The job is not scheduled: tests run the engine
 * themselves. Named `.contract.ts` so that the build, the import graph and jest leave it out.
 */
import path from 'node:path';
import { Router } from 'express';
import { createTestLrs, type TestLrs } from '../../../../test-support/app';
import type { StorageEngine } from '../../../storage/backend';
import { definePlugin, type Collection, type PluginContext } from '../../../plugin-api';
import { PROVENANCE_STORES, ProvenanceStore } from '../inbound';
import type { Peer, ProvenanceEntry } from '../model';
import { FederationIdentity, IDENTITY_STORES, type StoredIdentity } from '../peers/identity';
import { CircuitBreakers, type BreakerOptions } from '../remote/breaker';
import { readFederationSettings } from '../settings';
import { FEDERATION_SCOPES } from '../vocabulary';
import { createOutbound, OUTBOUND_STORES, type Outbound, type Retry, type StoredLetter, type Subscription } from './index';

export interface OutboundHarness extends Outbound {
  lrs: TestLrs;
  peers: Map<string, Peer>;
  context: PluginContext;
  breakers: CircuitBreakers;
  identity: FederationIdentity;
  stores: { subscriptions: Collection<Subscription>; retries: Collection<Retry>; deadLetters: Collection<StoredLetter>; provenance: Collection<ProvenanceEntry> };
  close(): Promise<void>;
}

export function testPeer(slug: string, endpoint: string | undefined, kind: Peer['kind'] = 'xapi', extra: Partial<Peer> = {}): Peer {
  return { slug, name: slug, kind, ...(endpoint !== undefined && { endpoint }), inboundCredentialKeys: [], createdAt: new Date(0).toISOString(), ...extra };
}

export async function startOutboundLrs(engine: StorageEngine, options: { env?: Record<string, string>; breaker?: BreakerOptions } = {}): Promise<OutboundHarness> {
  const env = options.env ?? {};
  const peers = new Map<string, Peer>();
  const breakers = new CircuitBreakers(options.breaker);
  let wired: Omit<OutboundHarness, 'lrs' | 'close'> | undefined;
  const plugin = definePlugin({
    manifest: {
      name: 'federation',
      version: '0.0.1',
      description: 'outbound test',
      profiles: [],
      scopes: FEDERATION_SCOPES,
      stores: { ...OUTBOUND_STORES, ...PROVENANCE_STORES, ...IDENTITY_STORES },
      jobs: [],
      openapi: 'outbound/openapi.yaml',
    },
    setup(context) {
      const { settings } = readFederationSettings(env);
      const identity = new FederationIdentity(context.store<StoredIdentity>('identity'), context.publicUrl);
      const provenance = new ProvenanceStore(context.store<ProvenanceEntry>('provenance'));
      const outbound = createOutbound({ context, settings, peers: { get: async (slug) => peers.get(slug) }, breakers, provenance, signingKey: () => identity.signingKey() });
      const stores = {
        subscriptions: context.store<Subscription>('subscriptions'),
        retries: context.store<Retry>('retries'),
        deadLetters: context.store<StoredLetter>('dead-letters'),
        provenance: context.store<ProvenanceEntry>('provenance'),
      };
      wired = { ...outbound, peers, context, breakers, identity, stores };
      return { routes: Router().use(outbound.routes) };
    },
  });
  const engineBefore = process.env.KEIKO_TEST_ENGINE;
  process.env.KEIKO_TEST_ENGINE = engine;
  const lrs = await createTestLrs(env, [{ plugin, folder: path.resolve(__dirname, '..'), settings: undefined }]).finally(() => {
    process.env.KEIKO_TEST_ENGINE = engineBefore;
  });
  return { ...wired!, lrs, close: () => lrs.close() };
}
