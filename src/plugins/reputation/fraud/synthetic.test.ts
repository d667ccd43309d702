import { detectSignals } from './detectors';
import { evaluate } from './evaluation';
import { syntheticPopulation } from './synthetic';

// The goals on a small seeded population (bench/reputation-fraud.ts measures 100,000 ratings).
describe('fraud detection on the seeded synthetic population', () => {
  it.each([1, 2])('seed %i: recall ≥ 90% at precision ≥ 95%, ≤ 1% of honest reciprocal pairs flagged', (seed) => {
    const population = syntheticPopulation({ seed, ratings: 20_000 });
    const quality = evaluate(population, detectSignals(population.ratings));
    expect(quality.units).toBe(24);
    expect(quality.honestReciprocalPairs).toBeGreaterThan(1000);
    expect(quality.recall).toBeGreaterThanOrEqual(0.9);
    expect(quality.precision).toBeGreaterThanOrEqual(0.95);
    expect(quality.honestPairRate).toBeLessThanOrEqual(0.01);
    for (const kind of ['burst', 'serial-rating', 'reciprocal-pair', 'ring', 'new-account-cluster', 'consensus-outlier'] as const) {
      expect(quality.byKind[kind]!.detected).toBeGreaterThanOrEqual(3);
    }
  });

  it('is the same population for the same seed, another for another', () => {
    const first = syntheticPopulation({ seed: 7, ratings: 2000 });
    expect(syntheticPopulation({ seed: 7, ratings: 2000 }).ratings).toEqual(first.ratings);
    expect(syntheticPopulation({ seed: 8, ratings: 2000 }).ratings).not.toEqual(first.ratings);
    expect(first.ratings.every((rating) => rating.raterFirstSeenSec <= rating.storedSec && rating.rater !== rating.ratee)).toBe(true);
  });
});
