/**
 * A circuit breaker per peer (issue 15): after 5 failures in a row the peer is left alone for
 * 30 s (open), then one trial request is let through (half-open): its success closes the breaker,
 * its failure opens it for another 30 s. It keeps a peer that is down from being hammered by every
 * subscription's retries. State is per process: the delivery job runs in one instance at a time.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Failures in a row that open the breaker (5). */
  failureThreshold?: number;
  /** How long it stays open before a trial (30 s). */
  openMs?: number;
  now?: () => number;
}

export const BREAKER = { failureThreshold: 5, openMs: 30_000 } as const;

export interface BreakerSnapshot {
  state: BreakerState;
  consecutiveFailures: number;
  /** While open: when a trial will be let through (epoch ms). */
  retryAt?: number;
}

export class CircuitBreaker {
  private readonly failureThreshold: number;
  private readonly openMs: number;
  private readonly now: () => number;
  private failures = 0;
  private openedAt: number | undefined;
  /** When the half-open trial was let through; another is allowed if it never reports within openMs. */
  private trialStartedAt: number | undefined;

  constructor({ failureThreshold = BREAKER.failureThreshold, openMs = BREAKER.openMs, now = Date.now }: BreakerOptions = {}) {
    this.failureThreshold = failureThreshold;
    this.openMs = openMs;
    this.now = now;
  }

  get state(): BreakerState {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt < this.openMs ? 'open' : 'half-open';
  }

  /**
   * Whether a request may go now. Closed: always. Open: never. Half-open: once (the trial), until
   * it reports; a trial lost without a report (a crashed run) is replaced after openMs.
   */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open') return false;
    const now = this.now();
    if (this.trialStartedAt !== undefined && now - this.trialStartedAt < this.openMs) return false;
    this.trialStartedAt = now;
    return true;
  }

  recordSuccess(): void {
    this.failures = 0;
    this.openedAt = undefined;
    this.trialStartedAt = undefined;
  }

  recordFailure(): void {
    this.failures += 1;
    this.trialStartedAt = undefined;
    const state = this.state;
    // A late failure of a request sent before the breaker opened does not prolong the open period.
    if (state === 'half-open' || (state === 'closed' && this.failures >= this.failureThreshold)) this.openedAt = this.now();
  }

  snapshot(): BreakerSnapshot {
    const state = this.state;
    return { state, consecutiveFailures: this.failures, ...(state === 'open' && { retryAt: this.openedAt! + this.openMs }) };
  }
}

/** One breaker per peer (by slug), created closed on first use. */
export class CircuitBreakers {
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(private readonly options: BreakerOptions = {}) {}

  of(peer: string): CircuitBreaker {
    let breaker = this.breakers.get(peer);
    if (breaker === undefined) {
      breaker = new CircuitBreaker(this.options);
      this.breakers.set(peer, breaker);
    }
    return breaker;
  }

  /** The state of a peer's breaker (closed for a peer never tried). */
  snapshotOf(peer: string): BreakerSnapshot {
    return this.breakers.get(peer)?.snapshot() ?? { state: 'closed', consecutiveFailures: 0 };
  }
}
