/**
 * Writes the committed test vectors: `npx tsx src/plugins/governance/tally/vectors/write.contract.ts`.
 * - <theme>.json: the hand-written specs of hand-written.contract.ts, expanded (expected values by hand);
 * - generated.json: GENERATED_PER_MECHANISM inputs per mechanism sampled with a fixed seed, whose
 *   expected values are the independent reference's (reference.contract.ts), never the tally's.
 * It reports any vector the tally disagrees with (then vectors.test.ts fails too).
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { MECHANISMS } from '../../model';
import { inputOf } from '../arbitraries.contract';
import { tally } from '../index';
import { referenceTally } from '../reference.contract';
import { HAND_WRITTEN } from './hand-written.contract';
import { expand, type TallyVector } from './spec.contract';

const GENERATED_PER_MECHANISM = 30;
const SEED = 20261203;

function generated(): TallyVector[] {
  return MECHANISMS.flatMap((mechanism, offset) =>
    fc.sample(inputOf(mechanism), { seed: SEED + offset, numRuns: GENERATED_PER_MECHANISM }).map((input, index) => {
      const { outcome, reason, tally: counts, turnout, counted, ignored } = referenceTally(input);
      return { name: `generated ${mechanism} #${index + 1}`, input, expected: { outcome, reason, tally: counts, turnout, counted, ignored } };
    }),
  );
}

function write(file: string, vectors: TallyVector[]): void {
  fs.writeFileSync(path.join(__dirname, file), `${JSON.stringify(vectors, null, 2)}\n`);
  const disagreeing = vectors.filter((vector) => {
    const result = tally(vector.input);
    return result.reason !== vector.expected.reason || JSON.stringify(result.turnout) !== JSON.stringify(vector.expected.turnout);
  });
  console.log(`${file}: ${vectors.length} vectors${disagreeing.length ? `, the tally disagrees on: ${disagreeing.map((vector) => vector.name).join('; ')}` : ''}`);
}

for (const [theme, specs] of Object.entries(HAND_WRITTEN)) write(`${theme}.json`, specs.map(expand));
write('generated.json', generated());
