/**
 * The peer registry (store `peers`, id: the slug): the LRSs and systems this LRS federates with,
 * how it reaches them (endpoint, the credentials it uses there) and how it recognises them (the
 * credential keys they use here, a Keiko peer's pinned signing key). Peers are few (at most a
 * thousand are listed), so lookups by credential read them all.
 */
import { BadRequestError, ConflictError, NotFoundError, type Collection } from '../../../plugin-api';
import type { Peer } from '../model';
import { isRemoteOutcome, keikoBaseOf, RemoteLrs } from '../remote/remote-lrs';
import { IDENTITY_PATH } from '../vocabulary';
import { parsePeerInput, parsePeerPatch, parseSigningKey, patched, type PeerInput } from './input';

export const REGISTRY_STORES = { peers: {} } as const;

export const PeerCode = {
  Exists: 'PEER_EXISTS',
  NotFound: 'PEER_NOT_FOUND',
  CredentialTaken: 'PEER_CREDENTIAL_TAKEN',
  IdentityUnavailable: 'PEER_IDENTITY_UNAVAILABLE',
} as const;

/** A peer as routes show it: the secret of the credentials used at its LRS never leaves. */
export type PeerView = Omit<Peer, 'outboundCredentials'> & { outboundCredentials?: { key: string } };

export interface PeerRegistryOptions {
  /** Limits of the request fetching a Keiko peer's identity. */
  timeoutMs?: number;
  maxResponseBytes?: number;
}

const MAX_PEERS_LISTED = 1000;
const UPDATE_ATTEMPTS = 5;

export class PeerRegistry {
  private readonly limits: Required<PeerRegistryOptions>;

  constructor(
    private readonly store: Collection<Peer>,
    { timeoutMs = 10_000, maxResponseBytes = 64 * 1024 }: PeerRegistryOptions = {},
  ) {
    this.limits = { timeoutMs, maxResponseBytes };
  }

  /**
   * Registers a peer. A keiko peer given without signingKey gets the one it publishes at
   * <base>/plugins/federation/identity pinned (trust on first use: give signingKey to pin a key
   * obtained otherwise).
   */
  async create(input: unknown): Promise<Peer> {
    const parsed = parsePeerInput(input);
    await this.requireFreeCredentials(parsed.slug, parsed.inboundCredentialKeys);
    if (await this.store.get(parsed.slug)) throw peerExists(parsed.slug);
    const peer: Peer = { ...parsed, ...(parsed.kind === 'keiko' && parsed.signingKey === undefined && { signingKey: await this.fetchSigningKey(parsed) }), createdAt: new Date().toISOString() };
    if (!(await this.store.insert(peer.slug, peer))) throw peerExists(peer.slug);
    return peer;
  }

  async get(slug: string): Promise<Peer | undefined> {
    return (await this.store.get(slug))?.value;
  }

  /** The peer, or 404 PEER_NOT_FOUND. */
  async existing(slug: string): Promise<Peer> {
    const peer = await this.get(slug);
    if (peer === undefined) throw new NotFoundError(`No peer ${slug}`, PeerCode.NotFound);
    return peer;
  }

  /** Every peer, by slug. */
  async list(): Promise<Peer[]> {
    return (await this.store.find({ limit: MAX_PEERS_LISTED })).map(({ value }) => value);
  }

  /** Changes the fields given (null removes an optional one); slug, kind and createdAt never change. */
  async update(slug: string, input: unknown): Promise<Peer> {
    const patch = parsePeerPatch(input);
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      const stored = await this.store.get(slug);
      if (stored === undefined) throw new NotFoundError(`No peer ${slug}`, PeerCode.NotFound);
      const peer = patched(stored.value, patch);
      if (patch.inboundCredentialKeys) await this.requireFreeCredentials(slug, patch.inboundCredentialKeys);
      if (await this.store.update(slug, peer, stored.revision)) return peer;
    }
    throw new ConflictError('PEER_BUSY', `Peer ${slug} is being changed by someone else: try again`);
  }

  /** Removes a peer; its subscriptions and pulls find it gone and stop. 404 when there is none. */
  async delete(slug: string): Promise<void> {
    if (!(await this.store.delete(slug))) throw new NotFoundError(`No peer ${slug}`, PeerCode.NotFound);
  }

  /** The peer that authenticates here with the credential `key`, if any. */
  async byInboundCredential(key: string): Promise<Peer | undefined> {
    return (await this.list()).find((peer) => peer.inboundCredentialKeys.includes(key));
  }

  /** 409 when another peer already uses one of the keys: a credential stands for one peer only. */
  private async requireFreeCredentials(slug: string, keys: string[]): Promise<void> {
    const taken = (await this.list()).find((peer) => peer.slug !== slug && peer.inboundCredentialKeys.some((key) => keys.includes(key)));
    if (taken) throw new ConflictError(PeerCode.CredentialTaken, `A credential in inboundCredentialKeys already stands for the peer ${taken.slug}: a credential stands for one peer`);
  }

  private async fetchSigningKey(peer: PeerInput): Promise<{ keyId: string; publicKey: string }> {
    const url = keikoBaseOf(peer) + IDENTITY_PATH;
    const answer = await new RemoteLrs({ endpoint: peer.endpoint!, ...this.limits }).getJson(url);
    const unavailable = (why: string) => new BadRequestError(PeerCode.IdentityUnavailable, `The signing key of the keiko peer could not be read at ${url} (${why}): give signingKey, or try again`);
    if (isRemoteOutcome(answer)) throw unavailable(answer.kind === 'unavailable' ? answer.reason : `it answered ${answer.kind === 'refused' ? answer.status : 200}`);
    const { algorithm, keyId, publicKey } = (answer.json ?? {}) as Record<string, unknown>;
    if (algorithm !== 'Ed25519') throw unavailable('it publishes no Ed25519 key');
    try {
      return parseSigningKey({ keyId, publicKey }, 'the published identity', PeerCode.IdentityUnavailable);
    } catch (error) {
      throw unavailable((error as Error).message);
    }
  }
}

/** What routes show of a peer. */
export function peerView({ outboundCredentials, ...peer }: Peer): PeerView {
  return { ...peer, ...(outboundCredentials && { outboundCredentials: { key: outboundCredentials.key } }) };
}

/** The client for a peer's LRS, with the credentials this LRS uses there. */
export function remoteLrsOf(peer: Peer, limits: { timeoutMs: number; maxResponseBytes: number }): RemoteLrs {
  if (peer.endpoint === undefined) throw new Error(`Peer ${peer.slug} has no endpoint`);
  return new RemoteLrs({ endpoint: peer.endpoint, ...(peer.outboundCredentials && { credentials: peer.outboundCredentials }), ...limits });
}

function peerExists(slug: string): ConflictError {
  return new ConflictError(PeerCode.Exists, `A peer ${slug} exists already`);
}
