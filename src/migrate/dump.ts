import { keyOf, type Kind, type Position, type RecordOf, type TableKind } from './records';

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
  /** The last position of the statement feed (`through` of a read that reaches its end). */
  feedHead(): Promise<number>;
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
  /**
   * Makes the target's statement feed continue after the source's `head`, so that positions
   * saved on the source (checkpoints of event subscribers and plugins) stay behind every
   * statement stored from now on. Idempotent.
   */
  continueFeed(head: number): Promise<void>;
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

/** How a reader fetches a kind's next page: the records in key order strictly after `after` (none at the end). */
export type PageFetcher<K extends Kind> = (after: Position | undefined, limits: PageLimits) => Promise<RecordOf[K][]> | RecordOf[K][];
export type PageFetchers = { [K in Kind]: PageFetcher<K> };

/**
 * How a writer stores a page of a kind's records (synchronously on SQLite, inside its
 * transaction). The collection kinds are written through the engine's collection store instead
 * (collections.ts: CollectionPages).
 */
export type PageWriter<K extends Kind, Result = Promise<void>> = (records: RecordOf[K][]) => Result;
export type PageWriters<Result = Promise<void>> = { [K in TableKind]: PageWriter<K, Result> };

/**
 * A DumpReader made of one page fetcher per kind, walked by key (keysetPages); `release` is called
 * on close (absent when the reader does not own its database).
 */
export abstract class KeysetDumpReader implements DumpReader {
  protected constructor(
    readonly location: string,
    private readonly fetchers: PageFetchers,
    private readonly limits: PageLimits,
    private readonly release?: () => Promise<void> | void,
  ) {}

  abstract count(kind: Kind): Promise<number>;

  abstract feedHead(): Promise<number>;

  pages<K extends Kind>(kind: K, after?: Position, limits: PageLimits = this.limits): AsyncIterable<RecordOf[K][]> {
    const fetch = this.fetchers[kind] as PageFetcher<K>;
    return keysetPages((position) => fetch(position, limits), (record) => keyOf(kind, record), after);
  }

  async close(): Promise<void> {
    await this.release?.();
  }
}

/** A checkpoint as a target keeps it: its position as JSON text (positionText), absent when it has none. */
export function storedCheckpoint(kind: Kind, position: string | null | undefined, copied: number, done: boolean): Checkpoint {
  return {
    kind,
    ...(position === null || position === undefined ? {} : { position: JSON.parse(position) as Position }),
    copied,
    done,
  };
}

/** The JSON text a checkpoint's position is kept as (storedCheckpoint reads it back). */
export function positionText(checkpoint: Checkpoint): string | undefined {
  return checkpoint.position === undefined ? undefined : JSON.stringify(checkpoint.position);
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

/**
 * The leading items that fit in a page: at most `limits.records`, and within `limits.bytes`
 * beyond the first (which always fits). Stops reading there (an iterator is closed).
 */
export function withinBudget<T>(items: Iterable<T>, bytesOf: (item: T) => number, limits: PageLimits): T[] {
  const taken: T[] = [];
  let used = 0;
  for (const item of items) {
    if (taken.length >= limits.records) break;
    const bytes = bytesOf(item);
    if (taken.length > 0 && used + bytes > limits.bytes) break;
    used += bytes;
    taken.push(item);
  }
  return taken;
}
