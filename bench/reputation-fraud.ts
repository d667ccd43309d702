/**
 * Reputation fraud benchmark: `NODE_OPTIONS=--expose-gc npx tsx bench/reputation-fraud.ts [options]`
 * (runs the sources).
 *
 * 1. Detection quality on the seeded synthetic population (src/plugins/reputation/fraud/synthetic.ts):
 *    precision, recall (per kind too) and the share of honest reciprocal pairs flagged, against the
 *    population's ground truth.
 * 2. The full scan's time over `--scan` ratings (default 1,000,000): every detector (detectSignals),
 *    the ring detector alone, and the baseline measured in the same rounds: one plain pass building
 *    the rating graph's adjacency Map (rater → ratee → count). Generating the population is not timed.
 *
 *   --seed N       population seed (default 12)
 *   --ratings N    ratings of the quality population (default 100000)
 *   --scan N       ratings of the timed scan (default 1000000; 0 for none)
 *   --rounds N     timed rounds of each (default 3; medians shown)
 *   --out FILE     also write every figure as JSON
 */
import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { detectSignals, type RatingFact } from '../src/plugins/reputation/fraud/detectors';
import { indexRatings } from '../src/plugins/reputation/fraud/detectors/facts';
import { detectRings } from '../src/plugins/reputation/fraud/detectors/ring';
import { evaluate } from '../src/plugins/reputation/fraud/evaluation';
import { syntheticPopulation } from '../src/plugins/reputation/fraud/synthetic';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
}

const seed = option('seed', 12);
const qualityRatings = option('ratings', 100_000);
const scanRatings = option('scan', 1_000_000);
const rounds = option('rounds', 3);
const outAt = process.argv.indexOf('--out');
const out = outAt < 0 ? undefined : process.argv[outAt + 1];

const pct = (value: number) => `${(100 * value).toFixed(1)}%`;

function qualityTable() {
  const population = syntheticPopulation({ seed, ratings: qualityRatings });
  const started = performance.now();
  const signals = detectSignals(population.ratings);
  const scanMs = performance.now() - started;
  const quality = evaluate(population, signals);
  console.log(`\nDetection quality: seed ${seed}, ${population.ratings.length} ratings, ${population.units.length} injected frauds, scan ${scanMs.toFixed(0)} ms`);
  console.log('| kind | injected | detected | recall | signals | precision |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [kind, figures] of Object.entries(quality.byKind)) {
    console.log(`| ${kind} | ${figures.units} | ${figures.detected} | ${pct(figures.detected / figures.units)} | ${figures.signals} | ${pct(figures.signals ? figures.truePositives / figures.signals : 1)} |`);
  }
  console.log(`| **all** | ${quality.units} | ${quality.detectedUnits} | ${pct(quality.recall)} | ${quality.signals} | ${pct(quality.precision)} |`);
  console.log(`Honest reciprocal pairs flagged: ${quality.honestPairsFlagged} of ${quality.honestReciprocalPairs} (${pct(quality.honestPairRate)}; goal ≤ 1%)`);
  return { ratings: population.ratings.length, scanMs, ...quality };
}

/** The baseline: one pass building the adjacency Map of the rating graph. */
function adjacency(ratings: RatingFact[]): number {
  const graph = new Map<string, Map<string, number>>();
  for (const rating of ratings) {
    let out = graph.get(rating.rater);
    if (!out) graph.set(rating.rater, (out = new Map()));
    out.set(rating.ratee, (out.get(rating.ratee) ?? 0) + 1);
  }
  return graph.size;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Each pass starts from a collected heap when node runs with --expose-gc (NODE_OPTIONS), so one pass's garbage is not another's time. */
function time(run: () => unknown): { wall: number; cpu: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const started = performance.now();
  const cpu = process.cpuUsage();
  run();
  const used = process.cpuUsage(cpu);
  return { wall: performance.now() - started, cpu: (used.user + used.system) / 1000 };
}

function scanTable() {
  const population = syntheticPopulation({ seed, ratings: scanRatings });
  const { ratings } = population;
  const times = { baseline: [] as Array<{ wall: number; cpu: number }>, rings: [] as Array<{ wall: number; cpu: number }>, full: [] as Array<{ wall: number; cpu: number }> };
  let signals = 0;
  for (let round = 0; round < rounds; round += 1) {
    times.baseline.push(time(() => adjacency(ratings)));
    times.rings.push(time(() => detectRings(indexRatings(ratings))));
    times.full.push(time(() => (signals = detectSignals(ratings).length)));
  }
  const wall = (pass: keyof typeof times) => median(times[pass].map((time) => time.wall));
  const cpu = (pass: keyof typeof times) => median(times[pass].map((time) => time.cpu));
  console.log(`\nFull scan: ${ratings.length} ratings, ${rounds} rounds (medians), ${signals} signals, heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB, load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
  console.log('| pass | wall ms | CPU ms | × baseline (wall) |');
  console.log('|---|---:|---:|---:|');
  const row = (name: string, pass: keyof typeof times) => console.log(`| ${name} | ${wall(pass).toFixed(0)} | ${cpu(pass).toFixed(0)} | ${(wall(pass) / wall('baseline')).toFixed(1)} |`);
  row('baseline: adjacency Map', 'baseline');
  row('rings (index + graph + SCC + Louvain)', 'rings');
  row('every detector (detectSignals)', 'full');
  console.log(`Goal: full scan over 1M ratings < 60 s: ${wall('full') < 60_000 ? 'met' : 'missed'}`);
  return { ratings: ratings.length, rounds, signals, times };
}

const figures = { seed, quality: qualityTable(), scan: scanRatings > 0 ? scanTable() : undefined };
if (out) fs.writeFileSync(out, JSON.stringify(figures, null, 2));
