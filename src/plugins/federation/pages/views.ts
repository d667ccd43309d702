/**
 * What the console pages show, as plain rows: the services (peers, subscriptions, pulls, dead
 * letters) are read into these by `FederationConsoleSources`, so the pages never see a secret
 * (a peer's outbound credentials are not part of `PeerRow`).
 */
import type { Peer } from '../model';

export interface PeerRow {
  slug: string;
  name: string;
  kind: Peer['kind'];
  endpoint?: string;
}

/** A subscription's or pull's filters: each kind given must match (AND across kinds, OR within one). */
export interface FilterView {
  /** Agents as their inverse functional identifier: `mbox`, `mbox_sha1sum`, `openid` or `account`. */
  agents?: object[];
  verbs?: string[];
  activities?: string[];
  registrations?: string[];
  profiles?: string[];
}

/** A peer's circuit breaker: open after 5 consecutive failures, for 30 s, then one trial (half-open). */
export interface BreakerView {
  state: 'closed' | 'open' | 'half-open';
  /** While open: when the next trial may go. */
  openUntil?: string;
}

export interface SubscriptionRow {
  id: string;
  peer: string;
  filters: FilterView;
  state: 'active' | 'paused';
  /** Statements stored here not yet acknowledged by the peer: the feed's head − the subscription's cursor. */
  lag: number;
  /** Statements the peer refused alone, waiting for their next try (before they are parked). */
  retrying: number;
  breaker: BreakerView;
}

export interface PullRow {
  id: string;
  peer: string;
  /** The xAPI GET /statements parameters it sends (agent, verb, activity, registration, related_*), as text. */
  filters: Record<string, string>;
  state: 'active' | 'paused';
  received: number;
  refused: number;
  /** How far it has come: the newest `stored` (at the peer) received, and that as a fraction of the time from the first one to now. */
  progress: { through?: string; fraction: number };
  /** The last page read had no `more`: everything the peer held then is here. */
  caughtUp: boolean;
  /** The last peer-level failure, cleared by the next page stored. */
  lastError?: { at: string; reason: string };
  updatedAt: string;
}

export interface DeadLetterRow {
  id: string;
  direction: 'push' | 'pull';
  peer: string;
  statementId?: string;
  attempts: number;
  /** The remote's HTTP status (push) or ours (pull); absent when there was no answer. */
  status?: number;
  /** The answer's body (truncated to 4 KiB). */
  body?: string;
  reason: string;
  parkedAt: string;
}

export interface FederationOverview {
  peers: PeerRow[];
  subscriptions: SubscriptionRow[];
  pulls: PullRow[];
  /** Dead letters waiting (parked, not replayed since). */
  deadLetters: number;
}

/** What a replay-all did: letters back to delivery, and those that could not go (they stay parked). */
export interface ReplayAllOutcome {
  replayed: number;
  failed: number;
}

/**
 * What the pages read and do, narrowed to functions so the plugin wires its services in
 * (`federationConsoleSources`) and tests can give rows. `replay` and `replayAll` are the same
 * operations as the dead-letter routes, and throw the same refusals.
 */
export interface FederationConsoleSources {
  overview(): Promise<FederationOverview>;
  /** Dead letters waiting (of `peer` when given), newest parked first, at most `limit`. */
  deadLetters(limit: number, peer?: string): Promise<DeadLetterRow[]>;
  /** Puts one dead letter back to delivery: NotFoundError when there is none, ConflictError when it cannot be replayed. */
  replay(id: string): Promise<void>;
  /** Puts every dead letter of `peer` waiting back to delivery. */
  replayAll(peer: string): Promise<ReplayAllOutcome>;
}
