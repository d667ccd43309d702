import { DEFAULT_PAGE_LIMITS, MigrationError, type Checkpoint, type DumpReader, type DumpWriter, type PageLimits } from './dump';
import { endpointIdentity, openSource, openTarget, type Endpoint } from './endpoint';
import { KINDS, KindDigest, keyOf, type Kind } from './records';

export interface MigrationOptions {
  from: Endpoint;
  to: Endpoint;
  limits?: PageLimits;
  /** A progress line at least every this many records of a kind (default 10,000)… */
  progressEvery?: number;
  /** …and every this many milliseconds while a kind is being copied (default 5 s). */
  progressIntervalMs?: number;
  /** Progress and notices, one line each (the CLI writes them to stderr). */
  log?: (line: string) => void;
}

/** One kind's verification: count and digest of its canonical records on each side. */
export interface VerificationRow {
  kind: Kind;
  sourceCount: number;
  targetCount: number;
  sourceDigest: string;
  targetDigest: string;
  match: boolean;
}

export interface MigrationResult {
  /** Every kind has the same count and digest on both sides. */
  verified: boolean;
  rows: VerificationRow[];
}

export const DEFAULT_PROGRESS_EVERY = 10_000;

const RENUMBERED_FEED =
  'SQLite numbers the statement feed in stored order, MongoDB in commit order: the statements get new feed positions, ' +
  "and positions saved by event subscribers and plugins (their checkpoints, the anchoring plugin's batches) refer to " +
  "the source's numbering. Event subscribers may receive statements again or miss some.";
export const DEFAULT_PROGRESS_INTERVAL_MS = 5_000;

/**
 * Copies everything from the source to the target, kind after kind, page after page, each page
 * followed by its checkpoint in the target; then verifies both sides. Run again after a crash (or
 * Ctrl-C) with the same source and target, it goes on from the checkpoints. A target that already
 * holds statements is refused unless it holds this same migration: on SQLite, statements must be
 * inserted in (stored, id) order for `seq` to follow it.
 */
export async function runMigration(options: MigrationOptions): Promise<MigrationResult> {
  const log = options.log ?? (() => undefined);
  const limits = options.limits ?? DEFAULT_PAGE_LIMITS;
  const sourceId = endpointIdentity(options.from);
  if (sourceId === endpointIdentity(options.to)) throw new MigrationError('The source and the target are the same database.');
  const source = await openSource(options.from, limits);
  try {
    const target = await openTarget(options.to, limits);
    try {
      log(`Migrating from ${source.location} to ${target.location}`);
      if (options.from.engine === 'mongodb' && options.to.engine === 'sqlite') log(`Note: ${RENUMBERED_FEED}`);
      await startOrResume(target, sourceId, log);
      const checkpoints = await target.checkpoints();
      for (const kind of KINDS) {
        await copyKind(kind, source, target, checkpoints.get(kind), options, log);
      }
      await target.continueFeed(await source.feedHead());
      log('Copied; verifying (count and digest of every kind on both sides)');
      return await verify(source, target.reader(), { ...limits, records: Math.max(limits.records, DEFAULT_PAGE_LIMITS.records) });
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

async function startOrResume(target: DumpWriter, sourceId: string, log: (line: string) => void): Promise<void> {
  const existing = await target.migrationSource();
  if (existing !== undefined && existing !== sourceId) {
    throw new MigrationError(
      `The target already holds a migration from ${existing}, not from ${sourceId}. Migrate into an empty target ` +
        '(a new data directory or MongoDB database).',
    );
  }
  if (existing === undefined) {
    if (await target.holdsAny('statements')) {
      throw new MigrationError(
        `The target, ${target.location}, already holds statements and no migration from this source. Statements must be ` +
          'copied into an empty target, in stored order: use a new data directory or MongoDB database.',
      );
    }
    const occupied: Kind[] = [];
    for (const kind of KINDS) if (await target.holdsAny(kind)) occupied.push(kind);
    if (occupied.length > 0) {
      log(
        `Note: the target already holds ${occupied.join(', ')}. Records with the same keys as the source's are replaced; ` +
          'others stay, and the verification will report them.',
      );
    }
    await target.startMigration(sourceId);
  } else {
    log('Resuming the migration from its checkpoints in the target (migration_progress)');
  }
}

async function copyKind(
  kind: Kind,
  source: DumpReader,
  target: DumpWriter,
  checkpoint: Checkpoint | undefined,
  options: MigrationOptions,
  log: (line: string) => void,
): Promise<void> {
  let current: Checkpoint = checkpoint ?? { kind, copied: 0, done: false };
  const progress = new Progress(kind, await source.count(kind), current.copied, options, log);
  for await (const page of source.pages(kind, current.position)) {
    current = { kind, position: keyOf(kind, page[page.length - 1]!), copied: current.copied + page.length, done: false };
    await target.write(kind, page, current);
    progress.update(current.copied);
  }
  await target.write(kind, [], { ...current, done: true });
  progress.finish(current.copied);
}

/**
 * Counts and digests of every kind, on both sides at once. Pages of at least the default size:
 * their size matters to checkpoints only, and on FerretDB each page of statements costs a scan.
 */
export async function verify(source: DumpReader, target: DumpReader, limits?: PageLimits): Promise<MigrationResult> {
  const rows: VerificationRow[] = [];
  for (const kind of KINDS) {
    const [ofSource, ofTarget] = await Promise.all([digestOf(source, kind, limits), digestOf(target, kind, limits)]);
    const sourceDigest = ofSource.digest();
    const targetDigest = ofTarget.digest();
    rows.push({
      kind,
      sourceCount: ofSource.count,
      targetCount: ofTarget.count,
      sourceDigest,
      targetDigest,
      match: ofSource.count === ofTarget.count && sourceDigest === targetDigest,
    });
  }
  return { verified: rows.every((row) => row.match), rows };
}

export async function digestOf(reader: DumpReader, kind: Kind, limits?: PageLimits): Promise<KindDigest> {
  const digest = new KindDigest(kind);
  for await (const page of reader.pages(kind, undefined, limits)) for (const record of page) digest.add(record);
  return digest;
}

/** The verification as a table, one row per kind (digests shortened to 16 hex digits). */
export function verificationTable(result: MigrationResult): string {
  const header = ['kind', 'source', 'target', 'source sha-256', 'target sha-256', ''];
  const lines = result.rows.map((row) => [
    row.kind,
    String(row.sourceCount),
    String(row.targetCount),
    row.sourceDigest.slice(0, 16),
    row.targetDigest.slice(0, 16),
    row.match ? 'ok' : 'MISMATCH',
  ]);
  const widths = header.map((cell, column) => Math.max(cell.length, ...lines.map((line) => line[column]!.length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 1 || column === 2 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [format(header), ...lines.map(format)].join('\n');
}

/** One line per kind every `progressEvery` records or `progressIntervalMs`, and one when it is done. */
class Progress {
  private readonly every: number;
  private readonly intervalMs: number;
  private readonly startedAt = Date.now();
  private lastLineAt = Date.now();
  private lastLineCount: number;

  constructor(
    private readonly kind: Kind,
    private readonly total: number,
    private readonly resumedAt: number,
    options: MigrationOptions,
    private readonly log: (line: string) => void,
  ) {
    this.every = options.progressEvery ?? DEFAULT_PROGRESS_EVERY;
    this.intervalMs = options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
    this.lastLineCount = resumedAt;
    if (resumedAt > 0) log(`${kind}: resuming after ${formatCount(resumedAt)} copied before`);
  }

  update(copied: number): void {
    const now = Date.now();
    if (copied - this.lastLineCount < this.every && now - this.lastLineAt < this.intervalMs) return;
    this.lastLineAt = now;
    this.lastLineCount = copied;
    const percent = this.total > 0 ? ` (${Math.min(100, Math.floor((copied / this.total) * 100))}%)` : '';
    this.log(`${this.kind}: ${formatCount(copied)} of ${formatCount(this.total)} copied${percent}, ${this.rate(copied, now)}`);
  }

  finish(copied: number): void {
    this.log(`${this.kind}: done, ${formatCount(copied)} copied${copied > this.resumedAt ? `, ${this.rate(copied, Date.now())}` : ''}`);
  }

  private rate(copied: number, now: number): string {
    const seconds = Math.max(0.001, (now - this.startedAt) / 1000);
    return `${formatCount(Math.round((copied - this.resumedAt) / seconds))}/s`;
  }
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
