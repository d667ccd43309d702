/** What the federation plugin's feature folders share (docs/federation.md). */

export interface Peer {
  /** [a-z0-9][a-z0-9-]{0,39}; its id in the store `peers`. */
  slug: string;
  name: string;
  /**
   * keiko: signed deliveries to its inbox; xapi: any conformant xAPI 1.0.3 LRS (push is POST
   * /statements, pull is GET); caliper: a Canvas (Caliper 1.1) sender, inbound only.
   */
  kind: 'keiko' | 'xapi' | 'caliper';
  /** Its xAPI base URL, e.g. https://lrs.example/xapi (no trailing slash): needed to push and pull. */
  endpoint?: string;
  /** HTTP Basic credentials this LRS uses at the peer's. Never returned by a route, never logged. */
  outboundCredentials?: { key: string; secret: string };
  /** Keys of this LRS's credentials the peer authenticates with when it delivers, forwards or sends. */
  inboundCredentialKeys: string[];
  /**
   * Caliper peers: where the keys that sign its events are published (a JWK Set). Canvas's Live
   * Events HTTPS delivery signs each event as a JWT (RS256) instead of sending a credential.
   */
  jwksUrl?: string;
  /** Keiko peers: the Ed25519 key it signs its deliveries with, pinned when the peer was added. */
  signingKey?: { keyId: string; publicKey: string };
  /**
   * The governance community (slug) standing for this peer: origin authorities are kept only where
   * this LRS's community (FEDERATION_COMMUNITY) recognises it (Data 2.4.9).
   */
  community?: string;
  createdAt: string;
}

/** What a sender says about each statement it delivers to a Keiko peer, and what the receiver keeps. */
export interface DeliveryProvenance {
  /** Base URL of the LRS that first stored it. */
  originLrs: string;
  /** Its `stored` there (ISO 8601). */
  originStored: string;
  /** Its authority there. */
  originAuthority?: object;
  /** Base URLs of every LRS it was stored in, origin first, the sender last. */
  hops: string[];
  /** The origin's anchoring receipt (docs/anchoring.md), when the sender had it. */
  receipt?: object;
}

/** The store `provenance` (id: the statement id), written only by the inbound Receiver. */
export interface ProvenanceEntry extends DeliveryProvenance {
  statementId: string;
  /** Slug of the peer it came from. */
  peer: string;
  via: 'inbox' | 'forward' | 'pull' | 'caliper';
  /** Whether the origin authority was kept (a recognition in force) or this LRS's applied (Data 2.4.9). */
  authorityKept: boolean;
  receivedAt: string;
  /** Caliper: the id of the event it was translated from. */
  sourceEventId?: string;
  receiptCheck?: { state: 'verified' | 'invalid' | 'pending'; checkedAt: string; reason?: string };
}

/** The store `dead-letters`: a statement that could not be delivered (push) or received (pull). */
export interface DeadLetter {
  id: string;
  direction: 'push' | 'pull';
  peer: string;
  subscription?: string;
  source?: string;
  statementId?: string;
  /** Pull: the refused statement as the peer sent it (this LRS does not hold it). */
  statement?: object;
  attempts: number;
  /** The remote's answer (push) or this LRS's refusal (pull); absent for a network failure. */
  status?: number;
  /** At most 4 KiB. */
  body?: string;
  /** Why it was parked, never empty. */
  reason: string;
  firstFailedAt: string;
  parkedAt: string;
  replayedAt?: string;
}
