import { Router } from 'express';
import type { PluginContext } from '../../../plugin-api';
import type { Peer } from '../model';
import type { FederationSettings } from '../settings';
import { FederationIdentity, identityRoutes, type StoredIdentity } from './identity';
import { PeerRegistry } from './registry';
import { peerRoutes } from './routes';

/** The largest identity document read from a Keiko peer being registered. */
const MAX_IDENTITY_BYTES = 64 * 1024;

export interface PeersFeature {
  peers: PeerRegistry;
  identity: FederationIdentity;
  /** GET /identity and the /peers admin routes. */
  routes: Router;
}

/** peers/ as the plugin wires it: the registry, our identity, their routes (stores PEER_STORES). */
export function setUpPeers(context: Pick<PluginContext, 'store' | 'publicUrl' | 'http' | 'settings'>): PeersFeature {
  const { requestTimeoutMs } = context.settings as FederationSettings;
  const peers = new PeerRegistry(context.store<Peer>('peers'), { timeoutMs: requestTimeoutMs, maxResponseBytes: MAX_IDENTITY_BYTES });
  const identity = new FederationIdentity(context.store<StoredIdentity>('identity'), context.publicUrl);
  const routes = Router().use(identityRoutes(identity)).use(peerRoutes({ peers, http: context.http }));
  return { peers, identity, routes };
}
