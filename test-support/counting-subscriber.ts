import type { FeedEvent } from '../src/plugin-api';
import type { EventSubscriber } from '../src/platform/events/delivery';
import type { CollectionStore } from '../src/storage/collections/collection-store';

/** What the counting subscriber keeps per statement it counts. */
export interface CountedStatement {
  /** The statement id again, as a field: pages of the projection are read in its order. */
  sid: string;
  position: number;
}

export interface CountingSubscriber extends EventSubscriber {
  /** How many statements its projection counts now. */
  count(): Promise<number>;
  /** Its projection: the ids it counts, each with the position it was stored at, in id order. */
  projection(): Promise<Array<{ id: string; position: number }>>;
  /** Calls of onEvents and events received, including redeliveries. */
  readonly received: { calls: number; events: number };
}

/**
 * A test plugin's event handler that counts stored, non-voided statements the way a projection
 * must: idempotently by statement id. One document per counted statement in its own collection
 * (owner = its name); a `stored` event writes it, a `voided` event removes it, and the count is
 * computed from the documents, so a redelivered page changes nothing.
 */
export async function countingSubscriber(collections: CollectionStore, name = 'counting'): Promise<CountingSubscriber> {
  const counted = await collections.open<CountedStatement>(name, 'counted', { indexes: [{ name: 'sid', fields: ['sid'] }] });
  const received = { calls: 0, events: 0 };
  return {
    name,
    received,
    async onEvents(events: FeedEvent[]) {
      received.calls++;
      received.events += events.length;
      for (const event of events) {
        if (event.type === 'stored') await counted.put(event.statement.id, { sid: event.statement.id, position: event.position });
        else await counted.delete(event.statementId);
      }
    },
    count: () => counted.count(),
    async projection() {
      const all: Array<{ id: string; position: number }> = [];
      for (;;) {
        const last = all.at(-1)?.id;
        const page = await counted.find({ where: last === undefined ? undefined : { sid: { gt: last } }, orderBy: [{ field: 'sid' }], limit: 1000 });
        all.push(...page.map((document) => ({ id: document.id, position: document.value.position })));
        if (page.length < 1000) return all;
      }
    },
  };
}
