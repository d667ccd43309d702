import { IDENTITY_STORES } from './identity';
import { REGISTRY_STORES } from './registry';

/** The stores of peers/: the registry and our signing identity. */
export const PEER_STORES = { ...REGISTRY_STORES, ...IDENTITY_STORES } as const;

export { FederationIdentity, identityRoutes, type PublishedIdentity, type SigningKey, type StoredIdentity } from './identity';
export { INVALID_PEER, PEER_KINDS, parsePeerSlug } from './input';
export { PeerCode, PeerRegistry, peerView, remoteLrsOf, type PeerView } from './registry';
export { peerRoutes, type PeerRoutesOptions } from './routes';
export { DeliverySignatureCode, signDelivery, signedPathOf, verifyDelivery } from './signing';
export { setUpPeers, type PeersFeature } from './setup';
