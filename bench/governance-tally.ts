/**
 * Governance tally benchmark: `npx tsx bench/governance-tally.ts [options]` (issue 14 goal: tally
 * 100,000 ballots, instant-runoff with 20 options, in < 2 s; docs/governance.md, "How votes are
 * counted"). In-process, on generated ballot logs (a seeded generator, so every run counts the
 * same log):
 *
 * - instant-runoff: --ballots members each cast one public ballot, a partial ranking of --options
 *   options whose first preferences follow a Zipf law (no majority in round 1, so the count runs
 *   to the last rounds); tally() end to end: window, response reading, last ballot, delegation,
 *   every round;
 * - baseline in the same run: a plain loop over the same ballots counting first preferences (the
 *   least any count of these ballots must do: read each response once);
 * - simple majority: --ballots ballots plus a chain of --chain members delegating one to the next,
 *   the last to a voter, every one counted through the chain; and its baseline, a plain loop
 *   counting the responses.
 *
 * Each row gives, over --rounds rounds (default 7), the median and fastest elapsed milliseconds and
 * the median CPU milliseconds of the process (user + system; on a machine shared with other work,
 * elapsed time also counts waiting for a core), and the machine's load average when it ran.
 *
 *   --ballots N   ballots (default 100000)
 *   --options N   instant-runoff options (default 20)
 *   --chain N     delegation chain length (default 10000)
 *   --rounds N    measurements per row (default 7)
 *   --out FILE    also write every figure as JSON
 */
import fs from 'node:fs';
import os from 'node:os';
import { tally, type BallotEntry, type TallyInput } from '../src/plugins/governance/tally';
import type { VotingRules } from '../src/plugins/governance/model';
import { mulberry32 } from '../src/plugins/reputation/fraud/random';

const GOAL_MS = 2000;
const OPENS_AT = '2026-03-01T00:00:00.000Z';
const CLOSES_AT = '2026-03-08T00:00:00.000Z';
const WINDOW_MS = Date.parse(CLOSES_AT) - Date.parse(OPENS_AT);

/** The value after `--name` on the command line, or `fallback`. */
function argument(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

const OPTIONS = {
  ballots: Number(argument('ballots') ?? 100_000),
  options: Number(argument('options') ?? 20),
  chain: Number(argument('chain') ?? 10_000),
  rounds: Number(argument('rounds') ?? 7),
  out: argument('out'),
};

function rules(mechanism: VotingRules['mechanism'], choices: string[]): VotingRules {
  return { mechanism, quorum: 0.5, threshold: 0.5, opensAt: OPENS_AT, closesAt: CLOSES_AT, ballotPrivacy: 'public', choices };
}

function ballot(voter: string, index: number, count: number, response: string): BallotEntry {
  return { statementId: `ballot-${index}`, voter, stored: new Date(Date.parse(OPENS_AT) + Math.floor((index / count) * WINDOW_MS)).toISOString(), position: index + 1, kind: 'public', response };
}

/** Partial rankings; first preferences by a Zipf law over the options. */
function runoffInput(count: number, optionCount: number): TallyInput {
  const next = mulberry32(14); // the same log on every run
  const options = Array.from({ length: optionCount }, (_, index) => `option-${index + 1}`);
  const weights = options.map((_, index) => 1 / (index + 1));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const firstPreference = () => {
    let draw = next() * total;
    return weights.findIndex((weight) => (draw -= weight) < 0);
  };
  const voters = Array.from({ length: count }, (_, index) => `voter-${index}`);
  const ballots = voters.map((voter, index) => {
    const first = firstPreference();
    const rest = options.filter((_, option) => option !== Math.max(first, 0)).sort(() => next() - 0.5);
    const ranking = [options[Math.max(first, 0)]!, ...rest.slice(0, Math.floor(next() * optionCount))];
    return ballot(voter, index, count, ranking.join('[,]'));
  });
  return { proposal: { id: 'bench-runoff', kind: 'standard', rules: rules('instant-runoff', [...options, 'abstain']) }, eligible: voters, ballots, delegations: [] };
}

/** --ballots yes/no/abstain ballots, and --chain members delegating chain-k → chain-(k−1) → … → chain-0 → voter-0. */
function majorityInput(count: number, chain: number): TallyInput {
  const next = mulberry32(7);
  const voters = Array.from({ length: count }, (_, index) => `voter-${index}`);
  const delegators = Array.from({ length: chain }, (_, index) => `chain-${index}`);
  const ballots = voters.map((voter, index) => ballot(voter, index, count, next() < 0.52 ? 'yes' : next() < 0.9 ? 'no' : 'abstain'));
  const delegations = delegators.map((delegator, index) => ({ delegator, delegate: index === 0 ? 'voter-0' : delegators[index - 1]!, position: index + 1 }));
  return { proposal: { id: 'bench-majority', kind: 'standard', rules: rules('simple-majority', ['yes', 'no', 'abstain']) }, eligible: [...voters, ...delegators], ballots, delegations };
}

function countFirstPreferences(input: TallyInput): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of input.ballots) {
    const first = entry.response!.split('[,]', 1)[0]!;
    counts.set(first, (counts.get(first) ?? 0) + 1);
  }
  return counts;
}

interface Figures {
  median: number;
  fastest: number;
  cpuMedian: number;
}

/**
 * Milliseconds of `run()` after one warm-up run: median and fastest elapsed time of the rounds, and
 * the median CPU time of this process (user + system) — the figure to read on a shared machine,
 * where elapsed time also counts the waits for a core.
 */
function measure(rounds: number, run: () => unknown): Figures {
  run();
  const samples = Array.from({ length: rounds }, () => {
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    run();
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    const { user, system } = process.cpuUsage(cpu);
    return { elapsed, cpu: (user + system) / 1000 };
  });
  const median = (values: number[]) => values.sort((one, other) => one - other)[Math.floor(rounds / 2)]!;
  const round2 = (value: number) => Math.round(value * 100) / 100;
  const elapsed = samples.map((sample) => sample.elapsed);
  return { median: round2(median(elapsed)), fastest: round2(Math.min(...elapsed)), cpuMedian: round2(median(samples.map((sample) => sample.cpu))) };
}

function main(): void {
  const options = OPTIONS;
  const runoff = runoffInput(options.ballots, options.options);
  const majority = majorityInput(options.ballots, options.chain);
  const runoffResult = tally(runoff);
  const majorityResult = tally(majority);
  const chainEnd = majorityResult.counted.find((vote) => vote.voter === `chain-${options.chain - 1}`);
  if (!chainEnd || chainEnd.via.at(-1) !== 'voter-0') throw new Error('the delegation chain was not followed to its end');
  const rows = {
    [`instant-runoff: tally() of ${options.ballots} ballots, ${options.options} options`]: measure(options.rounds, () => tally(runoff)),
    'baseline: a plain loop over the same ballots counting first preferences': measure(options.rounds, () => countFirstPreferences(runoff)),
    [`simple majority: tally() of ${options.ballots} ballots and a ${options.chain}-member delegation chain`]: measure(options.rounds, () => tally(majority)),
    'baseline: a plain loop over the same ballots counting responses': measure(options.rounds, () => countFirstPreferences(majority)),
  };
  const irvMedian = Object.values(rows)[0]!.median;
  console.log(`| measurement | median ms | fastest ms | median CPU ms |\n|---|---:|---:|---:|`);
  for (const [name, figures] of Object.entries(rows)) console.log(`| ${name} | ${figures.median} | ${figures.fastest} | ${figures.cpuMedian} |`);
  console.log(
    `\nInstant-runoff: ${runoffResult.tally.rounds!.length} rounds, winner ${runoffResult.tally.winner ?? 'none'} (${runoffResult.reason}); ` +
      `goal < ${GOAL_MS} ms: ${irvMedian < GOAL_MS ? 'met' : 'NOT met'} (median ${irvMedian} ms).`,
  );
  console.log(`Simple majority: ${majorityResult.turnout.counted} counted of ${majorityResult.turnout.eligible} eligible, ${majorityResult.reason}; the chain's last member counted via ${chainEnd.via.join(' → ')}.`);
  console.log(`Node ${process.version}, ${process.platform}/${process.arch}, ${os.cpus().length} cores, load average ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}.`);
  if (options.out) fs.writeFileSync(options.out, `${JSON.stringify({ options, rows, rounds: runoffResult.tally.rounds!.length, node: process.version }, null, 2)}\n`);
}

main();
