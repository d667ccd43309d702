/**
 * The whole LRS on one engine with the federation plugin stood in for by its inbound Receiver
 * (the real one, storing through statements.receive) and the caliper routes, over an in-memory
 * peer list (the peers feature's port). Shared by the caliper route tests.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Router } from 'express';
import { createTestLrs, type TestLrs } from '../../../../test-support/app';
import { credentialKeyOf } from '../../../../test-support/institutions-lrs';
import { loadPlugins } from '../../../platform/plugins/load';
import { definePlugin } from '../../../plugin-api';
import type { StorageEngine } from '../../../storage/backend';
import { createInbound, PROVENANCE_STORES } from '../inbound';
import type { Peer } from '../model';
import { readFederationSettings } from '../settings';
import { FEDERATION_SCOPES } from '../vocabulary';
import { createCaliper, type JwkSets } from './index';

export interface CaliperLrs {
  lrs: TestLrs;
  /** A peer of this kind with a credential of its own holding `deliver` (and the Basic header of it). */
  addPeer(kind: Peer['kind'], fields?: Partial<Peer>): Promise<{ peer: Peer; auth: string }>;
}

export async function startCaliperLrs(engine: StorageEngine, { keySets }: { keySets?: JwkSets } = {}): Promise<CaliperLrs> {
  const peers = new Map<string, Peer>();
  const peerLookup = { byInboundCredential: async (key: string) => [...peers.values()].find((peer) => peer.inboundCredentialKeys.includes(key)), get: async (slug: string) => peers.get(slug) };
  const { settings } = readFederationSettings({});
  const federation = definePlugin({
    manifest: { name: 'federation', version: '0.0.1', description: 'caliper test', profiles: [], scopes: FEDERATION_SCOPES, stores: PROVENANCE_STORES, jobs: [], openapi: ['caliper/openapi.yaml', 'inbound/openapi.yaml'] },
    settings: readFederationSettings,
    setup(context) {
      const inbound = createInbound({ context, settings, peers: peerLookup });
      return { routes: Router().use(inbound.routes).use(createCaliper({ context, receiver: inbound.receiver, peers: peerLookup, ...(keySets && { keySets }) }).routes) };
    },
  });
  const others = loadPlugins('all', {}).filter((loaded) => loaded.plugin.manifest.name !== 'federation');
  const engineBefore = process.env.KEIKO_TEST_ENGINE;
  process.env.KEIKO_TEST_ENGINE = engine;
  const lrs = await createTestLrs({}, [...others, { plugin: federation, folder: path.resolve(__dirname, '..'), settings }]).finally(() => {
    process.env.KEIKO_TEST_ENGINE = engineBefore;
  });
  const addPeer = async (kind: Peer['kind'], fields: Partial<Peer> = {}) => {
    const slug = `canvas-${randomUUID().slice(0, 8)}`;
    const auth = await lrs.credential(['plugins/federation/deliver'], `${slug} sending`);
    const peer: Peer = { slug, name: `Canvas ${slug}`, kind, inboundCredentialKeys: [credentialKeyOf(auth)], createdAt: new Date().toISOString(), ...fields };
    peers.set(slug, peer);
    return { peer, auth };
  };
  return { lrs, addPeer };
}
