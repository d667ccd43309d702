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
  breaker: BreakerView;
}

export interface PullRow {
  id: string;
  peer: string;
  /** xAPI GET /statements parameters (agent, verb, activity, registration, related_*) as given. */
  filters: Record<string, string>;
  state: 'active' | 'paused';
  received: number;
  refused: number;
  /** The newest `stored` (at the peer) pulled so far: how far the pull has come. */
  reached?: string;
  caughtUp: boolean;
  lastError?: string;
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
  replayedAt?: string;
}

export interface FederationOverview {
  peers: PeerRow[];
  subscriptions: SubscriptionRow[];
  pulls: PullRow[];
  /** Dead letters parked and not replayed since. */
  deadLetters: number;
}

/**
 * What the pages read and do, narrowed to functions so the plugin wires its services in (and tests
 * can give rows). `replay` and `replayAll` are the same operations as the dead-letter routes.
 */
export interface FederationConsoleSources {
  overview(): Promise<FederationOverview>;
  /** Dead letters, newest parked first, at most `limit`. */
  deadLetters(limit: number): Promise<DeadLetterRow[]>;
  /** Puts one dead letter back to delivery; throws NotFoundError when there is none under this id. */
  replay(id: string): Promise<void>;
  /** Puts every dead letter of `peer` not replayed yet back to delivery; returns how many. */
  replayAll(peer: string): Promise<number>;
}
