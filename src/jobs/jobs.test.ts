import pino from 'pino';
import { useTestDatabase } from '../../test-support/database';
import { Lease } from './lease';
import { ScheduledJob } from './scheduled-job';

const database = useTestDatabase();
const logger = pino({ level: 'silent' });

describe('Lease', () => {
  it('is held by one holder at a time until it expires', async () => {
    let now = new Date(1_000_000);
    const clock = () => now;
    const a = new Lease(database(), 'lease-a', 'instance-a', 10_000, clock);
    const b = new Lease(database(), 'lease-a', 'instance-b', 10_000, clock);
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    expect(await a.acquire()).toBe(true); // renewal
    now = new Date(1_000_000 + 10_001);
    expect(await b.acquire()).toBe(true); // a's lease expired
    expect(await a.acquire()).toBe(false);
    await b.release();
    expect(await a.acquire()).toBe(true);
  });

  it('lets exactly one of many concurrent contenders win', async () => {
    const contenders = Array.from({ length: 8 }, (_, n) => new Lease(database(), 'lease-race', `instance-${n}`, 60_000));
    const wins = (await Promise.all(contenders.map((lease) => lease.acquire()))).filter(Boolean);
    expect(wins).toHaveLength(1);
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
      lease: new Lease(database(), 'overlap-test', 'me', 60_000),
      logger,
      run: async () => {
        active++;
        runs++;
        maxActive = Math.max(maxActive, active);
        await new Promise((resolve) => setTimeout(resolve, 50));
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
    await new Lease(database(), 'held-elsewhere', 'other', 60_000).acquire();
    let runs = 0;
    const job = new ScheduledJob({
      name: 'held-elsewhere',
      schedule: '0 0 1 1 *',
      lease: new Lease(database(), 'held-elsewhere', 'me', 60_000),
      logger,
      run: async () => {
        runs++;
      },
    });
    await job.tick();
    expect(runs).toBe(0);
    await job.stop();
  });

  it('rejects an invalid schedule at construction', () => {
    expect(
      () =>
        new ScheduledJob({
          name: 'bad',
          schedule: 'every ten minutes',
          lease: new Lease(database(), 'bad', 'me', 1),
          logger,
          run: async () => undefined,
        }),
    ).toThrow(/invalid cron/);
  });
});
