/**
 * One race: the plan's attempts sent by concurrent clients (client n to instance n mod the
 * cluster's size), each winner confirming at once, while instance 0 is killed with SIGKILL once
 * `killAfter` attempts were answered and started again on the same storage. A request the kill
 * cut off (or refused while the instance was down) is sent again, with the same reservation id
 * and body, as soon as the instance is back; how long that retry took is kept.
 */
import type { Attempt } from './attempts';
import { asClients } from './client-pool';
import { confirm, hold, type Answer } from './marketplace-http';
import type { RaceCluster } from './race-cluster';

export interface Outcome {
  attempt: Attempt;
  hold?: Answer;
  confirm?: Answer;
  /** Whether the kill cut off one of its requests (it was then retried). */
  interrupted: boolean;
  /** How long each retry after the restart took to be answered, ms. */
  retryMs: number[];
  /** Whether its hold was answered before the kill. */
  answeredBeforeKill: boolean;
}

export interface RaceResult {
  outcomes: Outcome[];
  /** When the instance was killed and when it served again (ms since the epoch). */
  killedAtMs: number;
  restartedAtMs: number;
  elapsedMs: number;
}

export async function runRace(options: { cluster: RaceCluster; booker: string; attempts: Attempt[]; clients: number; killAfter: number }): Promise<RaceResult> {
  const { cluster, booker, attempts, clients, killAfter } = options;
  const started = Date.now();
  const outcomes = new Map(attempts.map((attempt) => [attempt.id, { attempt, interrupted: false, retryMs: [], answeredBeforeKill: false } as Outcome]));
  const crash = new Crash(cluster, 0);
  let answered = 0;

  const send = async (attempt: Attempt) => {
    const outcome = outcomes.get(attempt.id)!;
    const instance = attempt.client % cluster.size;
    const base = () => cluster.url(instance);
    outcome.hold = await crash.answered(instance, outcome, () => hold(base(), booker, attempt));
    outcome.answeredBeforeKill = !crash.happened;
    answered += 1;
    if (answered === killAfter) crash.start();
    if (outcome.hold.status === 200 || outcome.hold.status === 201) {
      outcome.confirm = await crash.answered(instance, outcome, () => confirm(base(), booker, attempt));
    }
  };
  await asClients(attempts, clients, send);
  await crash.over();
  return { outcomes: [...outcomes.values()], killedAtMs: crash.killedAtMs, restartedAtMs: crash.restartedAtMs, elapsedMs: Date.now() - started };
}

/** The SIGKILL of one instance and its restart, and the requests waiting for it. */
class Crash {
  happened = false;
  killedAtMs = NaN;
  restartedAtMs = NaN;
  private restarted: Promise<void> = Promise.resolve();

  constructor(
    private readonly cluster: RaceCluster,
    private readonly instance: number,
  ) {}

  start(): void {
    this.happened = true;
    this.killedAtMs = Date.now();
    this.restarted = (async () => {
      await this.cluster.kill(this.instance);
      await this.cluster.restart(this.instance);
      this.restartedAtMs = Date.now();
    })();
  }

  over(): Promise<void> {
    return this.restarted;
  }

  /** The request's answer; if the kill cut it off, the answer to the same request sent again once the instance is back. */
  async answered(instance: number, outcome: Outcome, request: () => Promise<Answer>): Promise<Answer> {
    try {
      return await request();
    } catch (error) {
      if (!this.happened || instance !== this.instance || !isConnectionFailure(error)) throw error;
    }
    outcome.interrupted = true;
    await this.restarted;
    const retried = Date.now();
    const answer = await request();
    outcome.retryMs.push(Date.now() - retried);
    return answer;
  }
}

/** fetch's failure when the server went away or refused the connection (not an HTTP error status). */
function isConnectionFailure(error: unknown): boolean {
  return error instanceof TypeError && error.message === 'fetch failed';
}
