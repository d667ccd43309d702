/**
 * Marketplace booking benchmark: `npx tsx bench/marketplace-booking.ts [options]` (issue 13 goal:
 * booking p95 < 30 ms on the default engine). The LRS from the sources in its own process on a
 * fresh SQLite data directory, every plugin on, LOG_LEVEL=warn (test-support/child-lrs.ts), with
 * `--spaces` spaces registered, open always and verified through the marketplace's routes. Then,
 * for each concurrency in `--clients`, that many clients each repeat a round over HTTP:
 *
 * - baseline: POST /xapi/statements of one realistic 1.5 KB statement, about a reservation-held
 *   statement's size (the LRS's own write path: validation, one transaction, the event feed);
 * - hold: POST /plugins/marketplace/reservations of a free hour (4 slots) → 201;
 * - confirm: POST …/reservations/:id/confirm → 200 (price fixed);
 * - losing hold: another Agent wants the same hour → 409 SLOT_TAKEN;
 *
 * a booking being hold + confirm, each measured from the client. `--rounds` rounds per client,
 * after `--warmup` untimed ones.
 *
 *   --rounds N      timed rounds per client (default 300)
 *   --warmup N      untimed rounds per client first (default 20)
 *   --clients LIST  concurrencies, one after the other (default 1,8)
 *   --spaces N      spaces the bookings are spread over (default 20)
 *   --out FILE      also write every figure as JSON
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { SLOT_MS } from '../src/plugins/marketplace/model';
import type { Attempt } from '../src/plugins/marketplace/reservations/race/attempts.contract';
import { call, confirm, credential, hold, openSpaces, type Answer } from '../src/plugins/marketplace/reservations/race/marketplace-http.contract';
import { ADMIN_AUTHORIZATION, RaceCluster } from '../src/plugins/marketplace/reservations/race/race-cluster.contract';
import { sampleStatement } from '../test-support/statements';
import { percentile, progress, round } from './passport-support';

const HOUR_MS = 4 * SLOT_MS;

interface Options {
  rounds: number;
  warmup: number;
  clients: number[];
  spaces: number;
  out?: string;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { rounds: 300, warmup: 20, clients: [1, 8], spaces: 20 };
  for (let index = 0; index < argv.length; index += 2) {
    const [name, value] = [argv[index]!.replace(/^--/, ''), argv[index + 1] ?? ''];
    if (name === 'out') options.out = value;
    else if (name === 'clients') options.clients = value.split(',').map(Number);
    else if (name === 'rounds' || name === 'warmup' || name === 'spaces') options[name] = Number(value);
    else throw new Error(`unknown option --${name} ${value}`);
  }
  return options;
}

type Measure = 'baseline: POST /xapi/statements (1 statement)' | 'hold (201)' | 'confirm (200)' | 'booking = hold + confirm' | 'losing hold (409 SLOT_TAKEN)';

/** The free hours, handed out in order: hour n of space n mod spaces, from tomorrow on. */
class Hours {
  private next = 0;
  private readonly firstMs = Math.ceil((Date.now() + 86_400_000) / HOUR_MS) * HOUR_MS;

  constructor(private readonly spaceIds: string[]) {}

  /** A booking attempt of the next free hour, by `client`. */
  take(client: number): Attempt {
    const index = this.next++;
    const startMs = this.firstMs + Math.floor(index / this.spaceIds.length) * HOUR_MS;
    return { id: randomUUID(), target: index, spaceId: this.spaceIds[index % this.spaceIds.length]!, startMs, endMs: startMs + HOUR_MS, client };
  }
}

async function timed(times: number[] | undefined, request: () => Promise<Answer>, expected: number): Promise<Answer> {
  const started = performance.now();
  const answer = await request();
  times?.push(performance.now() - started);
  if (answer.status !== expected) throw new Error(`expected ${expected}, got ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer;
}

async function oneRound(url: string, auth: { admin: string; booker: string }, hours: Hours, client: number, times?: Map<Measure, number[]>): Promise<void> {
  const of = (measure: Measure) => times?.get(measure);
  await timed(of('baseline: POST /xapi/statements (1 statement)'), () => call(`${url}/xapi/statements`, 'POST', auth.admin, sampleStatement({ id: randomUUID() })), 200);
  const attempt = hours.take(client);
  const held = performance.now();
  await timed(of('hold (201)'), () => hold(url, auth.booker, attempt), 201);
  await timed(of('confirm (200)'), () => confirm(url, auth.booker, attempt), 200);
  of('booking = hold + confirm')?.push(performance.now() - held);
  const rival = { ...attempt, id: randomUUID(), client: client + 1000 };
  await timed(of('losing hold (409 SLOT_TAKEN)'), () => hold(url, auth.booker, rival), 409);
}

function figures(times: number[]) {
  const sorted = [...times].sort((one, other) => one - other);
  return { n: sorted.length, p50: round(percentile(sorted, 50), 1), p95: round(percentile(sorted, 95), 1), mean: round(sorted.reduce((sum, time) => sum + time, 0) / sorted.length, 1) };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  progress('starting the LRS (SQLite)');
  const cluster = await RaceCluster.start('sqlite');
  try {
    const url = cluster.url(0);
    const { spaceIds } = await openSpaces(url, ADMIN_AUTHORIZATION, options.spaces);
    const auth = { admin: ADMIN_AUTHORIZATION, booker: await credential(url, ADMIN_AUTHORIZATION, ['plugins/marketplace/book'], 'bench clients') };
    const hours = new Hours(spaceIds);
    const results: Record<string, Record<string, ReturnType<typeof figures>>> = {};
    for (const clients of options.clients) {
      progress(`${clients} client(s): ${options.warmup} warm-up and ${options.rounds} timed rounds each`);
      const times = new Map<Measure, number[]>();
      for (const measure of ['baseline: POST /xapi/statements (1 statement)', 'hold (201)', 'confirm (200)', 'booking = hold + confirm', 'losing hold (409 SLOT_TAKEN)'] as Measure[]) times.set(measure, []);
      await Promise.all(
        Array.from({ length: clients }, async (_, client) => {
          for (let index = 0; index < options.warmup; index++) await oneRound(url, auth, hours, client);
          for (let index = 0; index < options.rounds; index++) await oneRound(url, auth, hours, client, times);
        }),
      );
      results[`${clients} client(s)`] = Object.fromEntries([...times].map(([measure, list]) => [measure, figures(list)]));
    }
    console.log(`\nMarketplace booking (SQLite, the LRS in its own process from the sources, ${options.spaces} spaces, rounds per client: ${options.rounds})\n`);
    console.log('| clients | measurement | n | p50 ms | p95 ms | mean ms |\n|---|---|---:|---:|---:|---:|');
    for (const [clients, rows] of Object.entries(results)) {
      for (const [measure, row] of Object.entries(rows)) console.log(`| ${clients} | ${measure} | ${row.n} | ${row.p50} | ${row.p95} | ${row.mean} |`);
    }
    if (options.out !== undefined) fs.writeFileSync(options.out, JSON.stringify({ options, results }, null, 2));
  } finally {
    await cluster.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
