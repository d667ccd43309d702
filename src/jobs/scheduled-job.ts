import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logger';
import type { Lease } from './lease';

export interface ScheduledJobOptions {
  name: string;
  /** A cron expression (node-cron syntax, seconds optional). */
  schedule: string;
  lease: Lease;
  /** One run. It should do a bounded amount of work and be safe to stop at any point. */
  run(): Promise<void>;
  logger: Logger;
}

/**
 * Runs a job on a cron schedule without overlapping runs in this process, and only while this
 * instance holds the job's lease, so one instance of the LRS runs it at a time.
 */
export class ScheduledJob {
  private task?: ScheduledTask;
  private running?: Promise<void>;

  constructor(private readonly options: ScheduledJobOptions) {
    if (!cron.validate(options.schedule)) throw new Error(`${options.name}: invalid cron expression "${options.schedule}"`);
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
      if (!(await lease.acquire())) {
        logger.debug({ job: name }, 'another instance holds the lease; skipping this run');
        return;
      }
      await this.options.run();
    } catch (error) {
      logger.error({ err: error, job: name }, 'scheduled job run failed; the next run retries');
    }
  }
}
