import { randomBytes } from 'node:crypto';
import { ec, hash } from 'starknet';
import { FIELD_PRIME } from '../felt';
import { FELT_WORDS, fastPoseidon, readFelt, roundConstant, writeFelt } from './fast-poseidon';

const reference = (elements: bigint[]): bigint => BigInt(hash.computePoseidonHashOnElements(elements));

function randomFelt(): bigint {
  return BigInt(`0x${randomBytes(32).toString('hex')}`) % FIELD_PRIME;
}

describe('fast Poseidon', () => {
  it('has the round constants of starknet.js (@scure/starknet)', () => {
    const constants = ec.starkCurve.poseidonSmall.roundConstants.flat();
    expect(constants).toHaveLength(273);
    constants.forEach((constant, index) => expect(roundConstant(index)).toBe(constant));
  });

  // cairo corelib, tests/hash_test.cairo: test_poseidon_hades_permutation and test_poseidon_hash_span.
  it('matches the Cairo core library test vectors', () => {
    expect(fastPoseidon().permute([1n, 2n, 3n])).toEqual([
      442682200349489646213731521593476982257703159825582578145778919623645026501n,
      2233832504250924383748553933071188903279928981104663696710686541536735838182n,
      2512222140811166287287541003826449032093371832913959128171347018667852712082n,
    ]);
    expect(fastPoseidon().hash([1n, 2n, 3n])).toBe(0x2f0d8840bcf3bc629598d8a6cc80cb7c0d9e52d93dab244bbf9cd0dca0ad082n);
    expect(fastPoseidon().hash([1n, 2n, 3n, 4n])).toBe(
      0x26e3ad8b876e02bc8a4fc43dad40a8f81a6384083cabffa190bcf40d512ae1dn,
    );
  });

  it('equals starknet.js computePoseidonHashOnElements on random and extreme inputs', () => {
    const extremes = [0n, 1n, 2n ** 128n - 1n, 2n ** 251n, FIELD_PRIME - 1n, FIELD_PRIME - 2n];
    for (let length = 0; length <= 6; length++) {
      for (let round = 0; round < 12; round++) {
        const elements = Array.from({ length }, (_, i) => (round < 4 ? extremes[(i + round) % 6] : randomFelt()));
        expect(fastPoseidon().hash(elements)).toBe(reference(elements));
      }
    }
  });

  it('equals the reference on 500 random pairs with long runs of one and zero bits', () => {
    const patterned = () => {
      const bytes = randomBytes(32).map((byte) => (byte < 64 ? 0 : byte > 192 ? 255 : byte));
      return BigInt(`0x${Buffer.from(bytes).toString('hex')}`) % FIELD_PRIME;
    };
    for (let round = 0; round < 500; round++) {
      const pair = [patterned(), patterned()];
      expect(fastPoseidon().hash(pair)).toBe(reference(pair));
    }
  });

  it('equals the reference permutation on random states', () => {
    for (let round = 0; round < 20; round++) {
      const state: [bigint, bigint, bigint] = [randomFelt(), randomFelt(), randomFelt()];
      expect(fastPoseidon().permute(state)).toEqual(ec.starkCurve.poseidonSmall([...state]));
    }
  });

  it('hashes packed felts in place (hashInto, hashPairInto)', () => {
    const elements = [randomFelt(), randomFelt(), randomFelt()];
    const packed = new Uint32Array(4 * FELT_WORDS);
    elements.forEach((element, i) => writeFelt(packed, i * FELT_WORDS, element));
    fastPoseidon().hashInto(packed, 0, 3, packed, 3);
    expect(readFelt(packed, 3 * FELT_WORDS)).toBe(reference(elements));
    fastPoseidon().hashPairInto(packed, 2, 0, packed, 3);
    expect(readFelt(packed, 3 * FELT_WORDS)).toBe(reference([elements[2], elements[0]]));
  });

  it('refuses values that are not field elements', () => {
    expect(() => fastPoseidon().hash([FIELD_PRIME])).toThrow(RangeError);
    expect(() => fastPoseidon().hash([-1n])).toThrow(RangeError);
  });
});
