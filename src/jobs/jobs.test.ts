import pino from 'pino';
import { useTestSqliteDatabase } from '../../test-support/sqlite';
import { cronPeriodMs, shortestCronPeriodMs } from './cron-period';
import { Lease } from './lease';
import type { LeaseStore } from './lease-store';
import { ScheduledJob } from './scheduled-job';
import { SqliteLeaseStore } from './sqlite-lease-store';

const database = useTestSqliteDatabase();
const store = (): LeaseStore => new SqliteLeaseStore(database());
const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A job that counts its runs. */
function countingJob(options: { name: string; schedule: string; holder: string; clock?: () => Date }) {
  const counter = { runs: 0 };
  const job = new ScheduledJob({
    name: options.name,
    schedule: options.schedule,
    lease: new Lease(store(), options.name, options.holder, options.clock),
    logger,
    run: async () => {
      counter.runs++;
    },
  });
  return { job, counter };
}

describe('cronPeriodMs', () => {
  it.each([
    ['*/2 * * * * *', 2_000],
    ['* * * * * *', 1_000],
    ['*/10 * * * *', 600_000],
    ['17 * * * *', 3_600_000],
  ])('gives the period of %s', (expression, period) => {
    expect(cronPeriodMs(expression)).toBe(period);
  });

  it('takes the shortest gap of an irregular schedule for the lease', () => {
    expect(shortestCronPeriodMs('0 9,17 * * *')).toBe(8 * 3_600_000);
  });

  it('rejects an invalid expression', () => {
    expect(() => cronPeriodMs('every ten minutes')).toThrow(/invalid cron/);
  });
});

describe('Lease', () => {
  it('is held by one holder at a time until it expires', async () => {
    let now = new Date(1_000_000);
    const clock = () => now;
    const a = new Lease(store(), 'lease-a', 'instance-a', clock);
    const b = new Lease(store(), 'lease-a', 'instance-b', clock);
    expect(await a.acquire(10_000)).toBe(true);
    expect(await b.acquire(10_000)).toBe(false);
    expect(await a.acquire(10_000)).toBe(true); // renewal
    now = new Date(1_000_000 + 10_001);
    expect(await b.acquire(10_000)).toBe(true); // a's lease expired
    expect(await a.acquire(10_000)).toBe(false);
    await b.release();
    expect(await a.acquire(10_000)).toBe(true);
  });
});

describe('ScheduledJob', () => {
  it('never overlaps runs in one process', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const job = new ScheduledJob({
      name: 'overlap-test',
      schedule: '0 0 1 1 *',
      lease: new Lease(store(), 'overlap-test', 'me'),
      logger,
      run: async () => {
        active++;
        runs++;
        maxActive = Math.max(maxActive, active);
        await sleep(50);
        active--;
      },
    });
    await Promise.all([job.tick(), job.tick(), job.tick()]);
    expect(runs).toBe(1);
    expect(maxActive).toBe(1);
    await job.tick();
    expect(runs).toBe(2);
    await job.stop();
  });

  it('does not run while another instance holds the lease', async () => {
    await new Lease(store(), 'held-elsewhere', 'other').acquire(60_000);
    const { job, counter } = countingJob({ name: 'held-elsewhere', schedule: '0 0 1 1 *', holder: 'me' });
    await job.tick();
    expect(counter.runs).toBe(0);
    await job.stop();
  });

  it.each([
    ['*/2 * * * * *', 2_000],
    ['*/10 * * * *', 600_000], // ANCHOR_CRON's default
    ['17 * * * *', 3_600_000],
  ])('with schedule %s, takes over the lease of an instance that died within one period (%i ms)', async (schedule, period) => {
    const name = `dead-holder-${period}`;
    let now = new Date(1_700_000_000_000);
    const clock = () => now;
    const dead = countingJob({ name, schedule, holder: 'killed', clock });
    await dead.job.tick(); // runs, then the process is killed: its lease is never released
    expect(dead.counter.runs).toBe(1);

    const restarted = countingJob({ name, schedule, holder: 'restarted', clock });
    now = new Date(now.getTime() + period / 2);
    await restarted.job.tick();
    expect(restarted.counter.runs).toBe(0); // the lease is still the other's within its period
    now = new Date(now.getTime() + period / 2); // the next firing
    await restarted.job.tick();
    expect(restarted.counter.runs).toBe(1);
    await restarted.job.stop();
  });

  it('keeps its lease through a run longer than its period, and lets it go when it stops', async () => {
    jest.useFakeTimers({ now: new Date('2030-01-01T00:00:00.200Z') }); // Date and the heartbeat's timer
    try {
      const name = 'long-run';
      let finish = () => {};
      const job = new ScheduledJob({
        name,
        schedule: '* * * * * *', // a period of 1 s
        lease: new Lease(store(), name, 'live'),
        logger,
        run: () => new Promise<void>((resolve) => (finish = resolve)),
      });
      const other = countingJob({ name, schedule: '* * * * * *', holder: 'other' });
      const running = job.tick();
      for (let elapsed = 0; elapsed < 10_000; elapsed += 250) {
        await jest.advanceTimersByTimeAsync(250);
        await other.job.tick();
        expect(other.counter.runs).toBe(0);
      }
      finish();
      await running;
      await job.stop();
      await other.job.tick();
      expect(other.counter.runs).toBe(1);
      await other.job.stop();
    } finally {
      jest.useRealTimers();
    }
  });

  it('rejects an invalid schedule at construction', () => {
    expect(
      () =>
        new ScheduledJob({
          name: 'bad',
          schedule: 'every ten minutes',
          lease: new Lease(store(), 'bad', 'me'),
          logger,
          run: async () => undefined,
        }),
    ).toThrow(/invalid cron/);
  });
});
