import type { Kind, Position, RecordOf } from './records';

/**
 * One engine's side of a migration. A DumpReader streams a kind's engine-neutral records in key
 * order (records.ts: keyOf), page by page, from after a position; a DumpWriter stores pages of
 * them as they were (stored times, ids, hashes and all), idempotently, together with a checkpoint
 * per kind kept in the target itself (`migration_progress`). Neither goes through the LRS's write
 * paths, which would stamp statements and documents anew.
 */
export interface DumpReader {
  /** What is read, for messages (never with credentials). */
  readonly location: string;
  /** How many records of the kind there are (for progress). */
  count(kind: Kind): Promise<number>;
  /** The kind's records in key order, strictly after `after`, in pages of bounded size (the reader's limits by default). */
  pages<K extends Kind>(kind: K, after?: Position, limits?: PageLimits): AsyncIterable<RecordOf[K][]>;
  close(): Promise<void>;
}

export interface DumpWriter {
  readonly location: string;
  /** The identity of the source of the migration this target holds (started or finished), if any. */
  migrationSource(): Promise<string | undefined>;
  /** Records that this target receives the migration from `source`, before anything is written. */
  startMigration(source: string): Promise<void>;
  checkpoints(): Promise<Map<Kind, Checkpoint>>;
  /** Whether the target holds any record of the kind. */
  holdsAny(kind: Kind): Promise<boolean>;
  /**
   * Stores the records (replacing any with the same key) and then the checkpoint; on SQLite both
   * in one transaction. Re-writing a page already written changes nothing.
   */
  write<K extends Kind>(kind: K, records: RecordOf[K][], checkpoint: Checkpoint): Promise<void>;
  /** A reader of what the target now holds, for the verification. */
  reader(): DumpReader;
  close(): Promise<void>;
}

/** How far a kind has been copied: the key of the last record written and how many were. */
export interface Checkpoint {
  kind: Kind;
  position?: Position;
  copied: number;
  done: boolean;
}

export interface PageLimits {
  /** Most records per page. */
  records: number;
  /** Most content bytes per page (attachments, documents), beyond the first record. */
  bytes: number;
}

export const DEFAULT_PAGE_LIMITS: PageLimits = { records: 1000, bytes: 32 * 1024 * 1024 };

/**
 * The migration cannot start or go on, for a reason the user can act on (the message says what to
 * do); the CLI prints it without a stack trace and exits with 1.
 */
export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

/**
 * Pages of a keyset walk: `fetch(after)` returns the next records in key order (possibly fewer
 * than a full page: pages are also bounded by bytes), and an empty array at the end.
 */
export async function* keysetPages<R>(
  fetch: (after: Position | undefined) => Promise<R[]> | R[],
  keyOf: (record: R) => Position,
  after: Position | undefined,
): AsyncIterable<R[]> {
  let position = after;
  for (;;) {
    const page = await fetch(position);
    if (page.length === 0) return;
    yield page;
    position = keyOf(page[page.length - 1]!);
  }
}

/** Takes records while they fit in the byte budget (the first always does). */
export class ByteBudget {
  private used = 0;
  private taken = 0;

  constructor(private readonly limits: PageLimits) {}

  /** Whether a record of this size still fits in the page. */
  fits(bytes: number): boolean {
    if (this.taken >= this.limits.records) return false;
    if (this.taken > 0 && this.used + bytes > this.limits.bytes) return false;
    this.used += bytes;
    this.taken++;
    return true;
  }
}
