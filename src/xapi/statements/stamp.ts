import type { NewStatementRecord, StatementRecord } from './statement-storage';

/**
 * Strictly increasing `stored` times, in milliseconds, so successive batches order by when they
 * were stored even when the wall clock stands still or steps back. An adapter seeds it with the
 * latest `stored` it holds, so a restart never reuses a time.
 */
export class StoredClock {
  private last = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Never hands out a time at or before `time` afterwards. */
  observe(time: number): void {
    this.last = Math.max(this.last, time);
  }

  next(): Date {
    this.last = Math.max(this.now(), this.last + 1);
    return new Date(this.last);
  }
}

/** Sets what is set when a statement is stored: `stored`, and `timestamp` when absent (Data 2.4.7, 2.4.8). */
export function stampRecords(records: NewStatementRecord[], stored: Date): StatementRecord[] {
  const storedText = stored.toISOString();
  return records.map((record) => ({
    ...record,
    statement: { ...record.statement, timestamp: record.statement.timestamp ?? storedText, stored: storedText },
    stored,
    voided: false,
  }));
}
