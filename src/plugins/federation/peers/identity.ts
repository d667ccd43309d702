/**
 * This LRS's signing identity (issue 15): one Ed25519 key pair, created on the first start and
 * kept in the store `identity` across restarts, that signs our deliveries to Keiko peers. Its
 * public half is published at GET /plugins/federation/identity, where a peer adding us pins it.
 * The private key lives in the plugin's store like the LRS's other secrets: whoever reads the
 * database can sign as this LRS.
 */
import type { KeyObject } from 'node:crypto';
import { Router } from 'express';
import type { Collection } from '../../../plugin-api';
import { generateSigningKeyPair, keyIdOf, privateKeyOf } from './signing';

export const IDENTITY_STORES = { identity: {} } as const;

/** The one document of the store `identity`. */
export interface StoredIdentity {
  keyId: string;
  publicKey: string;
  privateKeyPkcs8: string;
  createdAt: string;
}

/** What GET /identity answers: enough for a peer to pin our key. */
export interface PublishedIdentity {
  lrs: string;
  keyId: string;
  algorithm: 'Ed25519';
  publicKey: string;
}

/** What signDelivery needs from us. */
export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
}

const SIGNING_KEY_ID = 'signing-key';

export class FederationIdentity {
  private loaded: Promise<{ stored: StoredIdentity; privateKey: KeyObject }> | undefined;

  constructor(
    private readonly store: Collection<StoredIdentity>,
    private readonly publicUrl: string,
  ) {}

  /** Our key pair: the stored one, or a new one stored first (when instances start together, one insert wins and all use it). */
  private load(): Promise<{ stored: StoredIdentity; privateKey: KeyObject }> {
    this.loaded ??= this.storedOrCreated().then((stored) => ({ stored, privateKey: privateKeyOf(stored.privateKeyPkcs8) }));
    // A failed read (the database briefly away) is tried again at the next call rather than kept.
    this.loaded.catch(() => (this.loaded = undefined));
    return this.loaded;
  }

  private async storedOrCreated(): Promise<StoredIdentity> {
    const existing = await this.store.get(SIGNING_KEY_ID);
    if (existing) return existing.value;
    const { publicKey, privateKeyPkcs8 } = generateSigningKeyPair();
    const created: StoredIdentity = { keyId: keyIdOf(publicKey), publicKey, privateKeyPkcs8, createdAt: new Date().toISOString() };
    if (await this.store.insert(SIGNING_KEY_ID, created)) return created;
    return (await this.store.get(SIGNING_KEY_ID))!.value;
  }

  async published(): Promise<PublishedIdentity> {
    const { stored } = await this.load();
    return { lrs: this.publicUrl, keyId: stored.keyId, algorithm: 'Ed25519', publicKey: stored.publicKey };
  }

  async signingKey(): Promise<SigningKey> {
    const { stored, privateKey } = await this.load();
    return { keyId: stored.keyId, privateKey };
  }
}

/** GET /identity: public, no credential (a peer fetches it when it adds us). */
export function identityRoutes(identity: FederationIdentity): Router {
  return Router().get('/identity', async (_req, res) => {
    res.json(await identity.published());
  });
}
