/**
 * The retry policy of deliveries and pulls (issue 15, the seeds' retry policy): the first retry
 * 100 ms after a failure, each next one twice as late, at most 30 s apart, 5 tries in all.
 */
export const RETRY = { firstDelayMs: 100, maxDelayMs: 30_000, attempts: 5 } as const;

/** How long to wait before retry number `attempt` (1 for the first retry): 100, 200, 400… ms, capped at 30 s. */
export function retryDelayMs(attempt: number): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a whole number from 1, got ${attempt}`);
  // 2 ** 30 already exceeds the cap: larger exponents would only overflow to Infinity.
  return Math.min(RETRY.maxDelayMs, RETRY.firstDelayMs * 2 ** Math.min(attempt - 1, 30));
}

/** Whether a statement that failed `attempts` times may be tried again, or must be parked. */
export function mayRetry(attempts: number): boolean {
  return attempts < RETRY.attempts;
}
