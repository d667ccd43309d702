/**
 * Federation benchmark: `npx tsx bench/federation.ts [options]` (issue 15 goals: sustained ≥ 2,000
 * statements/s between two instances on this 2-core machine, push lag p95 < 2 s, backfill of 1M
 * statements from an LRS in < 15 minutes). Three Keiko LRSs from the sources, each in its own
 * process with every plugin on a fresh SQLite data directory, LOG_LEVEL=warn
 * (test-support/federation.ts): a sender, a receiver and a pulling one. In one run:
 *
 * 1. baseline: --statements realistic statements (test-support/statements.ts, ≈ 1.5 KB) POSTed
 *    into the receiver, --batch per POST, --connections POSTs in flight: the LRS's own write path,
 *    what any federation into it is to be compared with;
 * 2. push: the receiver subscribed to every statement of the sender (keiko peers, signed inbox),
 *    the same number of statements POSTed into the sender the same way: sustained rate = statements
 *    / (from the first POST to the last statement stored at the receiver); the lag of each
 *    statement = its `stored` at the receiver − its `stored` at the sender (one machine, one clock),
 *    p50/p95/max; then both read back whole: lost, duplicated, different content must be 0;
 * 3. pull backfill: the pulling LRS pulls every statement of the sender (now holding --statements)
 *    through GET /statements with `more` (an xapi peer): rate = statements / (from POST /pulls to
 *    the last one stored), beside the baseline's rate into an empty LRS; read back and compared.
 *
 * Each phase prints the machine's load average and the CPU seconds each LRS used (from /proc): on
 * a shared 2-core machine the rates move with the load, the CPU per statement much less.
 *
 *   --statements N   statements per phase (default 100000; the issue's goal size is 1000000)
 *   --batch N        statements per POST (default 100)
 *   --connections N  POSTs in flight (default 4)
 *   --env K=V,…      more environment for the three LRSs (e.g. FEDERATION_BATCH_SIZE=1000,STATEMENTS_PAGE_SIZE=500)
 *   --out FILE       also write every figure as JSON
 */
import fs from 'node:fs';
import os from 'node:os';
import { compareHoldings, federate, holdings, KeikoInstance, pullFrom, StatementStream, storedLags, waitForStatements, type Holdings } from '../test-support/federation';
import { percentile, progress, round } from './passport-support';

interface Options {
  statements: number;
  batch: number;
  connections: number;
  env: Record<string, string>;
  out?: string;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { statements: 100_000, batch: 100, connections: 4, env: {} };
  for (let index = 0; index < argv.length; index += 2) {
    const [name, value] = [argv[index]!.replace(/^--/, ''), argv[index + 1] ?? ''];
    if (name === 'out') options.out = value;
    else if (name === 'env') options.env = Object.fromEntries(value.split(',').map((pair) => pair.split(/=(.*)/s, 2) as [string, string]));
    else if (name === 'statements' || name === 'batch' || name === 'connections') options[name] = Number(value.replace(/k$/i, '000').replace(/m$/i, '000000'));
    else throw new Error(`unknown option --${name} ${value}`);
  }
  return options;
}

/** CPU seconds (user + system) a process used so far, from /proc (Linux). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

const loadAverage = () => os.loadavg().map((load) => round(load, 2));

/** Runs `measure`, with the load average before and after and the CPU seconds each of `instances` used meanwhile. */
async function phase<T extends object>(name: string, instances: KeikoInstance[], measure: () => Promise<T>): Promise<T & { loadAverage: { before: number[]; after: number[] }; cpuSeconds: Record<string, number> }> {
  const before = loadAverage();
  progress(`${name} (load average ${before.join(' ')})`);
  const cpu = instances.map((instance) => cpuSeconds(instance.pid));
  const figures = await measure();
  const used = Object.fromEntries(instances.map((instance, index) => [instance.name, round(cpuSeconds(instance.pid) - cpu[index]!, 1)]));
  const result = { ...figures, loadAverage: { before, after: loadAverage() }, cpuSeconds: used };
  progress(`${name}: ${JSON.stringify(result)}`);
  return result;
}

/** Ms from `since` to when `held` stored the last of `ids` (its `stored`: the same clock, one machine). */
function lastStoredAfter(held: Holdings, ids: Iterable<string>, since: number): number {
  let last = 0;
  for (const id of ids) last = Math.max(last, Date.parse(held.statements.get(id)?.stored ?? ''));
  return last - since;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const n = options.statements;
  const stream = (lrs: KeikoInstance) => new StatementStream(lrs, { batch: options.batch, concurrency: options.connections, retryForMs: 600_000 });
  const rate = (count: number, ms: number) => Math.round((count / ms) * 1000);
  const started = await Promise.all(['sender', 'receiver', 'puller'].map((name) => KeikoInstance.start(name, { env: options.env })));
  const [sender, receiver, puller] = started as [KeikoInstance, KeikoInstance, KeikoInstance];
  try {
    const baseline = await phase('baseline: POST /xapi/statements into the receiver', [receiver], async () => {
      const at = Date.now();
      await stream(receiver).write(n);
      const ms = Date.now() - at;
      return { statements: n, seconds: round(ms / 1000, 1), perSecond: rate(n, ms) };
    });

    await federate(sender, receiver, { from: 'now' });
    const push = await phase('push: sender → receiver (subscription, signed inbox)', [sender, receiver], async () => {
      const at = Date.now();
      const written = stream(sender);
      await written.write(n);
      const writtenMs = Date.now() - at;
      const [sent, received] = [await holdings(sender), await waitForStatements(receiver, written.ids, 3_600_000)];
      const deliveredMs = lastStoredAfter(received, written.ids, at);
      const { lost, duplicated, different } = compareHoldings(sent, received);
      const lags = storedLags(sent, received);
      return {
        statements: n,
        senderIngestPerSecond: rate(n, writtenMs),
        sustainedPerSecond: rate(n, deliveredMs),
        lagMs: { p50: percentile(lags, 50), p95: percentile(lags, 95), p99: percentile(lags, 99), max: lags.at(-1) },
        lost: lost.length,
        duplicated: duplicated.length,
        different: different.length,
      };
    });

    const pull = await phase('pull backfill: puller ← sender (GET with more, checkpointed)', [sender, puller], async () => {
      const sent = await holdings(sender);
      const at = Date.now();
      const source = await pullFrom(puller, sender);
      const ids = [...sent.statements.keys()];
      const received = await waitForStatements(puller, ids, 3_600_000);
      const ms = lastStoredAfter(received, ids, at);
      const { lost, duplicated, different } = compareHoldings(sent, received);
      const progressed = await puller.expect(200, 'GET', `/plugins/federation/pulls/${source.id}`);
      return { statements: ids.length, seconds: round(ms / 1000, 1), perSecond: rate(ids.length, ms), millionWouldTakeMinutes: round(1_000_000 / rate(ids.length, ms) / 60, 1), lost: lost.length, duplicated: duplicated.length, different: different.length, counts: progressed.counts };
    });

    const goals = {
      'sustained ≥ 2000/s': push.sustainedPerSecond >= 2000,
      'push lag p95 < 2 s': push.lagMs.p95 < 2000,
      '1M backfill < 15 min': pull.millionWouldTakeMinutes < 15,
      '0 lost, 0 duplicated': push.lost + push.duplicated + push.different + pull.lost + pull.duplicated + pull.different === 0,
    };
    console.log(`| measurement (${n.toLocaleString('en-US')} statements) | statements/s | beside the baseline | other figures | load average before → after |\n|---|---:|---:|---|---|`);
    const load = ({ loadAverage: { before, after } }: { loadAverage: { before: number[]; after: number[] } }) => `${before.join(' ')} → ${after.join(' ')}`;
    console.log(`| baseline: POST /xapi/statements into the receiver | ${baseline.perSecond} | 100% | CPU s ${JSON.stringify(baseline.cpuSeconds)} | ${load(baseline)} |`);
    console.log(`| push sender → receiver, sustained (first POST → last stored at the receiver) | ${push.sustainedPerSecond} | ${Math.round((push.sustainedPerSecond / baseline.perSecond) * 100)}% | sender ingest ${push.senderIngestPerSecond}/s; lag p50 ${push.lagMs.p50} ms, p95 ${push.lagMs.p95} ms, max ${push.lagMs.max} ms; lost ${push.lost}, duplicated ${push.duplicated}, different ${push.different}; CPU s ${JSON.stringify(push.cpuSeconds)} | ${load(push)} |`);
    console.log(`| pull backfill puller ← sender | ${pull.perSecond} | ${Math.round((pull.perSecond / baseline.perSecond) * 100)}% | 1M at this rate: ${pull.millionWouldTakeMinutes} min; lost ${pull.lost}, duplicated ${pull.duplicated}, different ${pull.different}; CPU s ${JSON.stringify(pull.cpuSeconds)} | ${load(pull)} |`);
    console.log(`\nGoals: ${Object.entries(goals).map(([goal, met]) => `${goal}: ${met ? 'met' : 'NOT met'}`).join('; ')}.`);
    console.log(`Node ${process.version}, ${process.platform}/${process.arch}, ${os.cpus().length} cores; options ${JSON.stringify(options)}.`);
    if (options.out) fs.writeFileSync(options.out, `${JSON.stringify({ options, baseline, push, pull, goals, node: process.version }, null, 2)}\n`);
  } finally {
    await Promise.all(started.map((instance) => instance.dispose()));
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
