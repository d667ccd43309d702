/**
 * One race: the plan's attempts sent by concurrent clients (client n to instance n mod the
 * cluster's size), each winner confirming at once, while instance 0 is killed with SIGKILL once
 * `killAfter` attempts were answered and started again on the same storage. A request the kill
 * cut off (or refused while the instance was down) is sent again, with the same reservation id
 * and body, as soon as the instance is back; when it was first sent and when answered is kept.
 */
import type { Attempt } from './attempts.contract';
import { asClients } from './client-pool.contract';
import { call, confirm, hold, type Answer } from './marketplace-http.contract';
import type { RaceCluster } from './race-cluster.contract';

export interface Outcome {
  attempt: Attempt;
  hold?: Answer;
  confirm?: Answer;
  /** Whether the kill cut off one of its requests (it was then retried). */
  interrupted: boolean;
  /** Each request the kill cut off: when it was first sent, and when it was sent again and answered (ms since the epoch). */
  retries: Array<{ firstSentMs: number; retriedMs: number; answeredMs: number }>;
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
  const outcomes = new Map(attempts.map((attempt) => [attempt.id, { attempt, interrupted: false, retries: [], answeredBeforeKill: false } as Outcome]));
  const crash = new Crash(cluster, 0, booker);
  let answered = 0;

  const send = async (attempt: Attempt) => {
    const outcome = outcomes.get(attempt.id)!;
    const instance = attempt.client % cluster.size;
    const url = cluster.url(instance); // the same port after the restart
    outcome.hold = await crash.answered(instance, outcome, () => hold(url, booker, attempt));
    outcome.answeredBeforeKill = !crash.happened;
    answered += 1;
    if (answered === killAfter) crash.start();
    if (outcome.hold.status === 200 || outcome.hold.status === 201) {
      outcome.confirm = await crash.answered(instance, outcome, () => confirm(url, booker, attempt));
    }
  };
  try {
    await asClients(attempts, clients, send);
  } finally {
    await crash.over(); // a restart under way when a client failed would otherwise leave its process behind
  }
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
    private readonly booker: string,
  ) {}

  start(): void {
    this.happened = true;
    this.killedAtMs = Date.now();
    this.restarted = (async () => {
      await this.cluster.kill(this.instance);
      await this.cluster.restart(this.instance);
      this.restartedAtMs = Date.now();
      await this.warmCredentialCache();
    })();
  }

  /**
   * One authenticated request before the retries: a restarted LRS verifies a credential with scrypt
   * until it is cached, and 64 retries at once with one cold credential each pay it (concurrent
   * verifications are not shared): 0.7–10 s on a loaded 2-core machine, authentication's cost, not
   * the reservations' (src/auth/credential-verifier.ts).
   */
  private async warmCredentialCache(): Promise<void> {
    const { status } = await call(`${this.cluster.url(this.instance)}/plugins/marketplace/reservations?limit=1`, 'GET', this.booker);
    if (status !== 200) throw new Error(`the restarted instance answered ${status} to the booker's first request`);
  }

  over(): Promise<void> {
    return this.restarted;
  }

  /** The request's answer; if the kill cut it off, the answer to the same request sent again once the instance is back. */
  async answered(instance: number, outcome: Outcome, request: () => Promise<Answer>): Promise<Answer> {
    const firstSentMs = Date.now();
    try {
      return await request();
    } catch (error) {
      if (!this.happened || instance !== this.instance || !isConnectionFailure(error)) throw error;
    }
    outcome.interrupted = true;
    await this.restarted;
    const retriedMs = Date.now();
    const answer = await request();
    outcome.retries.push({ firstSentMs, retriedMs, answeredMs: Date.now() });
    return answer;
  }
}

/**
 * fetch's failure when the server went away or refused the connection ("fetch failed"), or closed
 * it while the body was read ("terminated"); not an HTTP error status. Undici's TypeError is
 * another realm's under jest, so it is known by name.
 */
function isConnectionFailure(error: unknown): boolean {
  const { name, message } = error as { name?: string; message?: string };
  return name === 'TypeError' && (message === 'fetch failed' || message === 'terminated');
}
