import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger';
import { shortestCronPeriodMs } from './cron-period';
import type { Lease } from './lease';

export interface ScheduledJobOptions {
  name: string;
  /** A cron expression (node-cron syntax, seconds optional). */
  schedule: string;
  /** The job's lease (`new Lease(leaseStore, name, holder)`); its duration follows the schedule. */
  lease: Lease;
  /** One run. It should do a bounded amount of work and be safe to stop at any point. */
  run(): Promise<void>;
  logger: Logger;
}

/** Longest wait between two renewals of the lease of a running job (timers cannot wait > 24.8 days). */
const MAX_HEARTBEAT_MS = 60_000;

/**
 * Runs a job on a cron schedule without overlapping runs in this process, and only while this
 * instance holds the job's lease, so one instance of the LRS runs it at a time.
 *
 * The lease lasts a little less than one period of the schedule (`leaseMs`, 90% of the shortest
 * gap between firings). So at each firing the lease taken at the one before has expired unless its
 * holder is still running: an instance that died (SIGKILL, power cut) holds up the job for at most
 * one period, and whichever instance fires first takes the job on. A run longer than that renews the
 * lease every `heartbeatMs` (a third of the lease, at most a minute) while it runs, so a live holder
 * keeps it; it could lose it only if its event loop or the database stalled for most of a period.
 */
export class ScheduledJob {
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  private task?: ScheduledTask;
  private running?: Promise<void>;

  constructor(private readonly options: ScheduledJobOptions) {
    if (!cron.validate(options.schedule)) throw new Error(`${options.name}: invalid cron expression "${options.schedule}"`);
    const period = shortestCronPeriodMs(options.schedule);
    this.leaseMs = Math.max(1, Math.floor(period * 0.9));
    this.heartbeatMs = Math.max(1, Math.min(Math.floor(this.leaseMs / 3), MAX_HEARTBEAT_MS));
  }

  start(): void {
    this.task = cron.schedule(this.options.schedule, () => void this.tick(), { name: this.options.name });
  }

  /** Runs once now unless a run is already under way; resolves when that run ends. */
  async tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.runIfLeader().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    await this.task?.stop();
    await this.running;
    await this.options.lease.release().catch(() => undefined);
  }

  private async runIfLeader(): Promise<void> {
    const { name, lease, logger } = this.options;
    try {
      if (!(await lease.acquire(this.leaseMs))) {
        logger.debug({ job: name }, 'another instance holds the lease; skipping this run');
        return;
      }
    } catch (error) {
      logger.error({ err: error, job: name }, 'could not take the job lease; the next run retries');
      return;
    }
    const heartbeat = this.startHeartbeat();
    try {
      await this.options.run();
    } catch (error) {
      logger.error({ err: error, job: name }, 'scheduled job run failed; the next run retries');
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Renews the lease while a run goes on. */
  private startHeartbeat(): NodeJS.Timeout {
    const { name, lease, logger } = this.options;
    let renewing = false;
    const timer = setInterval(() => {
      if (renewing) return;
      renewing = true;
      lease
        .acquire(this.leaseMs)
        .then((held) => {
          if (!held) logger.error({ job: name }, 'the job lost its lease while running (another instance may run it too)');
        })
        .catch((error: unknown) => logger.warn({ err: error, job: name }, 'could not renew the job lease; retrying'))
        .finally(() => {
          renewing = false;
        });
    }, this.heartbeatMs);
    timer.unref();
    return timer;
  }
}
