import fs from 'node:fs';
import path from 'node:path';
import { tally, type TallyResult } from './index';
import { referenceTally } from './reference.contract';
import { HAND_WRITTEN } from './vectors/hand-written.contract';
import { expand, type TallyVector } from './vectors/spec.contract';

/**
 * Issue 14: "the tally is a pure function of the ballot log, committed with ≥ 200 test vectors
 * (ties, exactly at threshold, all abstain, instant-runoff eliminations, delegation chains)".
 * Every vector under vectors/ (hand-written ones with expected values worked out by hand,
 * generated ones with the independent reference's) is run through the tally, through the
 * reference, and through the tally again with its input in reverse order.
 */

const DIRECTORY = path.join(__dirname, 'vectors');
const VECTORS: Array<[string, TallyVector]> = fs
  .readdirSync(DIRECTORY)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .flatMap((file) => (JSON.parse(fs.readFileSync(path.join(DIRECTORY, file), 'utf8')) as TallyVector[]).map((vector): [string, TallyVector] => [`${file}: ${vector.name}`, vector]));

/** The result in the vector's terms: counted votes with the fields the vector states. */
function asExpected(result: TallyResult, expected: TallyVector['expected']): TallyVector['expected'] {
  const fields = expected.counted.length > 0 ? Object.keys(expected.counted[0]!) : [];
  return {
    outcome: result.outcome,
    reason: result.reason,
    tally: result.tally,
    turnout: result.turnout,
    counted: result.counted.map((vote) => Object.fromEntries(fields.map((field) => [field, vote[field as keyof typeof vote]]))) as unknown as TallyVector['expected']['counted'],
    ignored: result.ignored,
  };
}

function reversed(input: TallyVector['input']): TallyVector['input'] {
  return { ...input, eligible: [...input.eligible].reverse(), ballots: [...input.ballots].reverse(), delegations: [...input.delegations].reverse() };
}

describe('tally test vectors', () => {
  it('are at least 200, with names unique, hand-written ones for every theme', () => {
    expect(VECTORS.length).toBeGreaterThanOrEqual(200);
    expect(new Set(VECTORS.map(([name]) => name)).size).toBe(VECTORS.length);
    expect(VECTORS.filter(([name]) => !name.startsWith('generated.json')).length).toBeGreaterThanOrEqual(100);
  });

  it.each(Object.entries(HAND_WRITTEN))('vectors/%s.json holds the hand-written specs as written (write.contract.ts was run)', (theme, specs) => {
    expect(JSON.parse(fs.readFileSync(path.join(DIRECTORY, `${theme}.json`), 'utf8'))).toEqual(JSON.parse(JSON.stringify(specs.map(expand))));
  });

  it.each(VECTORS)('%s', (_name, vector) => {
    expect(asExpected(tally(vector.input), vector.expected)).toEqual(vector.expected);
  });

  it.each(VECTORS)('the reference agrees: %s', (_name, vector) => {
    expect(asExpected(referenceTally(vector.input), vector.expected)).toEqual(vector.expected);
  });

  it.each(VECTORS)('input order does not matter: %s', (_name, vector) => {
    expect(tally(reversed(vector.input))).toEqual(tally(vector.input));
  });
});
