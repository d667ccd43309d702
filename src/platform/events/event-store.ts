import type { FeedEvent } from '../../plugin-api';
import type { Collection, CollectionStore, StoredDocument } from '../../storage/collections/collection-store';
import { eventStatementId } from './feed-events';

/** The collection-store owner of what event delivery keeps. */
export const EVENTS_OWNER = 'events';
/** Longest failure reason kept with a parked event. */
const MAX_REASON_LENGTH = 1_000;

interface CheckpointValue {
  /** Every event up to this feed position has been delivered (or parked). */
  position: number;
  updatedAt: string;
}

export interface Checkpoint {
  position: number;
  /** Undefined until the first checkpoint is written. */
  revision?: number;
}

interface ParkedValue {
  subscriber: string;
  position: number;
  type: FeedEvent['type'];
  statementId: string;
  reason: string;
  attempts: number;
  parkedAt: string;
  lastAttemptAt: string;
}

/** An event a subscriber failed to handle after every retry, set aside until replayed. */
export interface ParkedEvent extends ParkedValue {
  id: string;
}

/**
 * Event delivery's own data, in the collection store under owner `events`: one checkpoint per
 * subscriber, and the parked events.
 */
export class EventStore {
  private constructor(
    private readonly checkpoints: Collection<CheckpointValue>,
    private readonly parkedEvents: Collection<ParkedValue>,
    private readonly now: () => Date,
  ) {}

  static async open(collections: CollectionStore, now: () => Date = () => new Date()): Promise<EventStore> {
    const checkpoints = await collections.open<CheckpointValue>(EVENTS_OWNER, 'checkpoints');
    const parked = await collections.open<ParkedValue>(EVENTS_OWNER, 'parked', {
      indexes: [{ name: 'subscriber_position', fields: ['subscriber', 'position'] }],
    });
    return new EventStore(checkpoints, parked, now);
  }

  /** Where a subscriber's delivery stands: position 0 (the start of the feed) for a new one. */
  async checkpoint(subscriber: string): Promise<Checkpoint> {
    const document = await this.checkpoints.get(subscriber);
    return document === undefined ? { position: 0 } : { position: document.value.position, revision: document.revision };
  }

  /**
   * Moves a subscriber's checkpoint from `from` (as read) to `position`; false, changing nothing,
   * when it moved meanwhile (a rebuild, or another instance after this one lost its lease).
   */
  async advance(subscriber: string, from: Checkpoint, position: number): Promise<boolean> {
    const value = { position, updatedAt: this.now().toISOString() };
    if (from.revision === undefined) return this.checkpoints.insert(subscriber, value);
    return this.checkpoints.update(subscriber, value, from.revision);
  }

  /** Forgets a subscriber's checkpoint and parked events: the next delivery starts from the start of the feed. */
  async reset(subscriber: string): Promise<void> {
    await this.parkedEvents.deleteMany({ subscriber });
    await this.checkpoints.put(subscriber, { position: 0, updatedAt: this.now().toISOString() });
  }

  /** Parks an event (again, if it was parked before a crash: the same event has the same id). */
  async park(subscriber: string, event: FeedEvent, error: unknown, attempts: number): Promise<ParkedEvent> {
    const at = this.now().toISOString();
    const value: ParkedValue = {
      subscriber,
      position: event.position,
      type: event.type,
      statementId: eventStatementId(event),
      reason: reasonOf(error),
      attempts,
      parkedAt: at,
      lastAttemptAt: at,
    };
    const id = parkedId(subscriber, event);
    await this.parkedEvents.put(id, value);
    return { id, ...value };
  }

  async parked(id: string): Promise<ParkedEvent | undefined> {
    const document = await this.parkedEvents.get(id);
    return document === undefined ? undefined : parkedEvent(document);
  }

  /** Parked events in feed order, of one subscriber or of all. */
  async listParked(subscriber: string | undefined, limit: number): Promise<ParkedEvent[]> {
    const documents = await this.parkedEvents.find({
      where: subscriber === undefined ? undefined : { subscriber },
      orderBy: [{ field: 'subscriber' }, { field: 'position' }],
      limit,
    });
    return documents.map(parkedEvent);
  }

  async parkedCount(subscriber: string): Promise<number> {
    return this.parkedEvents.count({ subscriber });
  }

  async unpark(id: string): Promise<void> {
    await this.parkedEvents.delete(id);
  }

  /** A replay failed: the event stays parked with the new reason. */
  async replayFailed(parked: ParkedEvent, error: unknown): Promise<ParkedEvent> {
    const { id, ...value } = parked;
    const updated = { ...value, reason: reasonOf(error), attempts: value.attempts + 1, lastAttemptAt: this.now().toISOString() };
    await this.parkedEvents.put(id, updated);
    return { id, ...updated };
  }
}

/** Stable per event and subscriber, so that parking an event twice keeps one entry; safe in a URL path. */
function parkedId(subscriber: string, event: FeedEvent): string {
  return `${subscriber}.${event.position}.${event.type}`;
}

function parkedEvent(document: StoredDocument<ParkedValue>): ParkedEvent {
  return { id: document.id, ...document.value };
}

function reasonOf(error: unknown): string {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH)}…` : reason;
}
