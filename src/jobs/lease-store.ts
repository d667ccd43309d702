/**
 * Named leases, so that one instance of the LRS at a time runs a job. Adapters:
 * SqliteLeaseStore, MongoLeaseStore; every adapter passes describeLeaseStoreContract.
 */
export interface LeaseStore {
  /**
   * Takes the lease for `holder` until `expiresAt` when it is free, expired at `now`, or already
   * held by `holder` (a renewal); false while another holder's lease is still valid.
   */
  acquire(name: string, holder: string, expiresAt: Date, now: Date): Promise<boolean>;
  /** Gives the lease up if `holder` holds it; otherwise does nothing. */
  release(name: string, holder: string): Promise<void>;
}
