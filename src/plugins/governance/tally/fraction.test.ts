import { decimalFraction, exceeds, meets } from './fraction';

/** Quorum and threshold are compared exactly, on the decimal the number prints as (issue 14: 0.3 × 10 meets at 3 of 10). */
describe('exact fractions', () => {
  it.each<[number, bigint, bigint]>([
    [0.3, 3n, 10n],
    [0.14, 14n, 100n],
    [1, 1n, 1n],
    [0, 0n, 1n],
    [0.000001, 1n, 1_000_000n],
    [1e-7, 1n, 10_000_000n],
    [0.666667, 666_667n, 1_000_000n],
  ])('%s is %s/%s', (value, numerator, denominator) => {
    expect(decimalFraction(value)).toEqual({ numerator, denominator });
  });

  it('refuses what is not a finite number ≥ 0', () => {
    for (const value of [-0.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => decimalFraction(value)).toThrow(RangeError);
  });

  it('meets is ≥ and exceeds is >, where floating point gets both wrong', () => {
    expect(0.14 * 50 <= 7).toBe(false); // what a float comparison would decide
    expect(meets(7, 50, 0.14)).toBe(true);
    expect(meets(6, 50, 0.14)).toBe(false);
    expect(29 > 0.58 * 50).toBe(true); // what a float comparison would decide
    expect(exceeds(29, 50, 0.58)).toBe(false);
    expect(exceeds(30, 50, 0.58)).toBe(true);
    expect(meets(3, 10, 0.3)).toBe(true);
    expect(meets(0, 0, 0.5)).toBe(true);
    expect(exceeds(0, 0, 0)).toBe(false);
  });

  it('does not overflow with counts and denominators beyond 2^53', () => {
    expect(meets(9_007_199_254_740_993n, 9_007_199_254_740_993n, 1)).toBe(true);
    expect(exceeds(1, 10 ** 20, 1e-21)).toBe(true);
  });
});
