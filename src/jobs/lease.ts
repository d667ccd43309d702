import type { LeaseStore } from './lease-store';

/**
 * One holder's handle on a named lease in a LeaseStore, so that one instance of the LRS at a
 * time runs a job. How long the lease lasts is the caller's choice at each acquire (a
 * ScheduledJob derives it from its schedule).
 */
export class Lease {
  constructor(
    private readonly store: LeaseStore,
    readonly name: string,
    readonly holder: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Takes the lease, or renews it, for `durationMs` from now; true when this holder now holds it. */
  async acquire(durationMs: number): Promise<boolean> {
    const now = this.clock();
    return this.store.acquire(this.name, this.holder, new Date(now.getTime() + durationMs), now);
  }

  /** Gives the lease up if this holder holds it. */
  async release(): Promise<void> {
    await this.store.release(this.name, this.holder);
  }
}
