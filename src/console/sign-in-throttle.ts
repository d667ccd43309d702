/** Failed console sign-ins allowed per client address in a window, before it must wait. */
export const MAX_FAILED_SIGN_INS = 10;
export const FAILED_SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
/** Addresses remembered at most; the oldest is forgotten first, so memory stays bounded under a flood. */
const MAX_ADDRESSES = 10_000;

/**
 * Slows down guessing at the console's sign-in: after MAX_FAILED_SIGN_INS failures from one
 * address within FAILED_SIGN_IN_WINDOW_MS, that address waits until its oldest failure leaves the
 * window, and no secret is checked meanwhile. Per instance (behind a load balancer each instance
 * counts its own); a successful sign-in clears the address's failures.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** How long the address must wait before trying again, or undefined when it may try now. */
  waitMs(address: string): number | undefined {
    const recent = this.recentFailures(address);
    if (recent.length < MAX_FAILED_SIGN_INS) return undefined;
    return recent[0]! + FAILED_SIGN_IN_WINDOW_MS - this.now();
  }

  recordFailure(address: string): void {
    const recent = this.recentFailures(address);
    this.failures.delete(address); // re-inserted last: the Map's order is least recently failed first
    this.failures.set(address, [...recent, this.now()].slice(-MAX_FAILED_SIGN_INS));
    if (this.failures.size > MAX_ADDRESSES) this.failures.delete(this.failures.keys().next().value!);
  }

  recordSuccess(address: string): void {
    this.failures.delete(address);
  }

  private recentFailures(address: string): number[] {
    const since = this.now() - FAILED_SIGN_IN_WINDOW_MS;
    return (this.failures.get(address) ?? []).filter((time) => time > since);
  }
}
