/**
 * Exact comparisons with a proposal's quorum and threshold. A fraction is the decimal a number
 * prints as (JSON's shortest round-trip form: 0.3 is 3/10, not the double nearest it), so
 * `3 of 10 ≥ 0.3` holds; the products are BigInt, so no count or decimal can overflow.
 */
interface Fraction {
  numerator: bigint;
  denominator: bigint;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/;

/** The exact decimal value of a finite number ≥ 0. */
export function decimalFraction(value: number): Fraction {
  const match = DECIMAL.exec(String(value));
  if (!match) throw new RangeError(`${value} is not a finite number ≥ 0`);
  const [, whole, decimals = '', exponentText = '0'] = match;
  const exponent = Number(exponentText) - decimals.length;
  const digits = BigInt(whole! + decimals);
  return exponent >= 0 ? { numerator: digits * 10n ** BigInt(exponent), denominator: 1n } : { numerator: digits, denominator: 10n ** BigInt(-exponent) };
}

/** part ≥ fraction × whole, exactly. */
export function meets(part: number | bigint, whole: number | bigint, fraction: number): boolean {
  const { numerator, denominator } = decimalFraction(fraction);
  return BigInt(part) * denominator >= numerator * BigInt(whole);
}

/** part > fraction × whole, exactly. */
export function exceeds(part: number | bigint, whole: number | bigint, fraction: number): boolean {
  const { numerator, denominator } = decimalFraction(fraction);
  return BigInt(part) * denominator > numerator * BigInt(whole);
}
