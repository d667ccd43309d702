import type { FeedEvent, FeedStatement } from '../../plugin-api';
import type { FeedRecord, StatementRecord } from '../../xapi/statements/statement-storage';

/** Looks a stored statement up by id (voided ones included). */
export type StatementLookup = (id: string) => Promise<Pick<StatementRecord, 'voidsId'> | undefined>;

/**
 * The events of a page of the feed, in feed order. A statement voided by the time it is read
 * gives no `stored` event (it counts nowhere); a voiding statement gives its own `stored` event
 * and a `voided` event for its target, at its own position, unless the target is itself a
 * voiding statement (which is never voided, Data 2.3.2.s2.b3). A target not stored yet still gets
 * its `voided` event: it will be stored voided, so no `stored` event will follow.
 */
export async function feedEvents(records: FeedRecord[], lookup: StatementLookup): Promise<FeedEvent[]> {
  const events: FeedEvent[] = [];
  for (const record of records) {
    if (!record.voided) events.push({ type: 'stored', position: record.position, statement: feedStatement(record) });
    if (record.voidsId !== undefined && (await voidable(record.voidsId, lookup))) {
      events.push({ type: 'voided', position: record.position, statementId: record.voidsId, voidedBy: record.id });
    }
  }
  return events;
}

async function voidable(targetId: string, lookup: StatementLookup): Promise<boolean> {
  return (await lookup(targetId))?.voidsId === undefined;
}

function feedStatement({ position, id, statement, stored, voided, credentialKey }: FeedRecord): FeedStatement {
  return { position, id, statement, stored, voided, credentialKey };
}

/** Which statement an event is about: the stored one, or the voided one. */
export function eventStatementId(event: FeedEvent): string {
  return event.type === 'stored' ? event.statement.id : event.statementId;
}
