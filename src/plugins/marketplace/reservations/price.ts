import type { Money } from '../model';

const MINUTES_PER_HOUR = 60n;

/**
 * The cost of `minutes` at an hourly rate, in the rate's minor units: rate × minutes / 60 in exact
 * integer arithmetic, a remainder of half a minor unit or more rounded up (1250 per hour for 75
 * minutes is 1562.5, so 1563).
 */
export function priceOf(hourlyRate: Money, minutes: number): Money {
  const exact = BigInt(hourlyRate.amountMinor) * BigInt(minutes);
  const amountMinor = (exact * 2n + MINUTES_PER_HOUR) / (2n * MINUTES_PER_HOUR);
  return { amountMinor: Number(amountMinor), currency: hourlyRate.currency };
}
