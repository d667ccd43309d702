/**
 * Dead letters (issue 15): statements that could not be delivered (push) or received (pull) after
 * the retry policy, each with the remote's answer and a reason, kept until an admin replays them.
 * A push letter's id is derived from its subscription and statement, so parking the same statement
 * again replaces its letter rather than adding a second.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, nameBasedUuid, NotFoundError, type Collection } from '../../../plugin-api';
import type { DeadLetter } from '../model';
import { retryId, type Retry, type Subscription } from './records';

/** What the body of a letter keeps of the remote's answer. */
export const MAX_LETTER_BODY = 4096;

export interface DeadLetterFilter {
  peer?: string;
  subscription?: string;
  /** A pull source's id. */
  source?: string;
  direction?: DeadLetter['direction'];
  /** Include letters replayed already (false by default). */
  replayed?: boolean;
}

/**
 * A letter as stored: a pulled statement kept as its JSON text, since statements hold keys the
 * collection store refuses (extension IRIs with dots, `$`).
 */
export type StoredLetter = Omit<DeadLetter, 'statement'> & { statementJson?: string };

export interface DeadLettersOptions {
  store: Collection<StoredLetter>;
  retries: Collection<Retry>;
  subscriptions: Collection<Subscription>;
  /** Receives a pull letter's kept statement again (the pull's Receiver); throws its refusal. */
  receivePulled?: (letter: DeadLetter) => Promise<void>;
  now?: () => Date;
}

export type Parking = Omit<DeadLetter, 'id' | 'parkedAt' | 'replayedAt'>;

export class DeadLetters {
  private readonly now: () => Date;

  constructor(private readonly options: DeadLettersOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async park(parking: Parking): Promise<DeadLetter> {
    if (parking.reason.trim() === '') throw new Error('A dead letter needs a reason');
    const letter: DeadLetter = {
      ...parking,
      id: letterIdOf(parking),
      ...(parking.body !== undefined && { body: truncated(parking.body) }),
      parkedAt: this.now().toISOString(),
    };
    await this.options.store.put(letter.id, stored(letter));
    return letter;
  }

  async get(id: string): Promise<DeadLetter> {
    const found = await this.options.store.get(id);
    if (found === undefined) throw new NotFoundError(`No dead letter ${id}`, 'DEAD_LETTER_NOT_FOUND');
    return letterOf(found.value);
  }

  /** Newest first. */
  async list(filter: DeadLetterFilter & { limit: number }): Promise<DeadLetter[]> {
    return (await this.options.store.find({ where: whereOf(filter), orderBy: [{ field: 'parkedAt', descending: true }], limit: filter.limit })).map(({ value }) => letterOf(value));
  }

  async count(filter: DeadLetterFilter = {}): Promise<number> {
    return this.options.store.count(whereOf(filter));
  }

  /**
   * Tries it again: a push letter goes back to `retries` with its attempts reset (the delivery job
   * sends it at its next run); a pull letter's statement is received again at once. 409 when its
   * subscription is gone, or for a letter replayed already.
   */
  async replay(id: string): Promise<DeadLetter> {
    const found = await this.options.store.get(id);
    if (found === undefined) throw new NotFoundError(`No dead letter ${id}`, 'DEAD_LETTER_NOT_FOUND');
    const letter = letterOf(found.value);
    if (letter.replayedAt !== undefined) throw new ConflictError('DEAD_LETTER_REPLAYED', `Dead letter ${id} was replayed at ${letter.replayedAt}`);
    if (letter.direction === 'push') await this.retryPushed(letter);
    else await this.receivePulled(letter);
    const replayed = { ...letter, replayedAt: this.now().toISOString() };
    // A letter parked again meanwhile (same id, newer revision) stays as parked.
    await this.options.store.update(id, stored(replayed), found.revision);
    return replayed;
  }

  /** Replays every letter the filter selects (not yet replayed), at most 1000 a call; says how many. */
  async replayAll(filter: DeadLetterFilter): Promise<{ replayed: number; failed: Array<{ id: string; reason: string }> }> {
    const letters = await this.list({ ...filter, replayed: false, limit: 1000 });
    const failed: Array<{ id: string; reason: string }> = [];
    for (const letter of letters) {
      await this.replay(letter.id).catch((error: Error) => failed.push({ id: letter.id, reason: error.message }));
    }
    return { replayed: letters.length - failed.length, failed };
  }

  private async retryPushed(letter: DeadLetter): Promise<void> {
    const subscription = letter.subscription === undefined ? undefined : await this.options.subscriptions.get(letter.subscription);
    if (subscription === undefined || letter.statementId === undefined) throw new ConflictError('SUBSCRIPTION_GONE', `The subscription of dead letter ${letter.id} is deleted: nothing to deliver it with`);
    const retry: Retry = {
      subscription: subscription.id,
      peer: letter.peer,
      statementId: letter.statementId,
      attempts: 0,
      nextAttemptAt: this.now().getTime(),
      firstFailedAt: letter.firstFailedAt,
      reason: `replayed from dead letter ${letter.id}`,
    };
    await this.options.retries.put(retryId(subscription.id, letter.statementId), retry);
  }

  private async receivePulled(letter: DeadLetter): Promise<void> {
    if (this.options.receivePulled === undefined) throw new ConflictError('REPLAY_UNAVAILABLE', 'Pull letters cannot be replayed on this LRS (no pull receiver)');
    await this.options.receivePulled(letter);
  }
}

/** The same refusal parked again (after a crash, or a replay refused again) keeps its one letter. */
function letterIdOf({ direction, subscription, source, statementId }: Parking): string {
  if (statementId === undefined) return randomUUID();
  if (direction === 'push' && subscription !== undefined) return nameBasedUuid(`federation:dead-letter:${subscription}:${statementId}`);
  if (direction === 'pull' && source !== undefined) return nameBasedUuid(`federation:dead-letter:pull:${source}:${statementId}`);
  return randomUUID();
}

function whereOf(filter: DeadLetterFilter): Record<string, string | null> {
  const where: Record<string, string | null> = {};
  for (const field of ['peer', 'subscription', 'source', 'direction'] as const) {
    if (filter[field] !== undefined) where[field] = filter[field];
  }
  if (filter.replayed !== true) where.replayedAt = null;
  return where;
}

function stored({ statement, ...letter }: DeadLetter): StoredLetter {
  return statement === undefined ? letter : { ...letter, statementJson: JSON.stringify(statement) };
}

function letterOf({ statementJson, ...letter }: StoredLetter): DeadLetter {
  return statementJson === undefined ? letter : { ...letter, statement: JSON.parse(statementJson) as object };
}

function truncated(body: string): string {
  const bytes = Buffer.from(body, 'utf8');
  return bytes.length <= MAX_LETTER_BODY ? body : bytes.subarray(0, MAX_LETTER_BODY).toString('utf8').replace(/\uFFFD$/, '');
}
