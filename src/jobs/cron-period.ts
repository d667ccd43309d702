import cron from 'node-cron';

/** The next `count` firings of a cron expression (node-cron syntax), as node-cron computes them. */
export function nextCronFirings(expression: string, count: number): Date[] {
  if (!cron.validate(expression)) throw new Error(`invalid cron expression "${expression}"`);
  const task = cron.createTask(expression, () => undefined); // never started: no timer
  try {
    return task.getNextRuns(count);
  } finally {
    void task.destroy();
  }
}

/**
 * The period of a cron expression in ms: the gap between its next two firings (for a regular
 * schedule such as `*\/10 * * * *`, its period; for an irregular one, the gap that comes next).
 */
export function cronPeriodMs(expression: string): number {
  const [first, second] = nextCronFirings(expression, 2);
  return second!.getTime() - first!.getTime();
}

/** The shortest gap between consecutive firings among the next `firings` of a cron expression. */
export function shortestCronPeriodMs(expression: string, firings = 8): number {
  const times = nextCronFirings(expression, firings).map((date) => date.getTime());
  return Math.min(...times.slice(1).map((time, n) => time - times[n]!));
}
