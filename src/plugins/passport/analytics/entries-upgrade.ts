import type { Collection, StatementReader } from '../../../plugin-api';
import { timelineEntries, type TimelineEntry } from '../timeline-entries';

/** Entries read at a time. */
const BATCH = 200;
/** A run stops after the batch that takes it past this (a job's run is a bounded amount of work). */
const RUN_MS = 2000;

/**
 * Brings timeline entries indexed before entries kept the statement's timestamp and a learning-style
 * assessment's scores up to date, in place, a batch per run (a leased plugin job): without it the
 * analytics of older statements would use their stored day and miss their assessments. The
 * alternative, `keiko plugins rebuild passport`, clears every passport collection, the people's
 * privacy settings and shares with the entries.
 *
 * An entry without `timestamp` is re-made from its statement and replaced only at the revision it
 * was read (`update`), so an entry deleted meanwhile (its statement voided) is not put back. The
 * runs walk the entries in statement id order from where the last one stopped (in memory: after a
 * restart, one more pass); a pass that finds nothing ends the work of this process.
 */
export class EntriesUpgrade {
  private after = '';
  private finished = false;

  constructor(
    private readonly entries: Collection<TimelineEntry>,
    private readonly statements: Pick<StatementReader, 'get'>,
  ) {}

  /** Whether a pass found nothing left to upgrade. */
  get done(): boolean {
    return this.finished;
  }

  /** One run of the job: batches until done or RUN_MS have passed. */
  async run(): Promise<void> {
    const started = Date.now();
    while (!this.finished && Date.now() - started < RUN_MS) await this.nextBatch();
  }

  private async nextBatch(): Promise<void> {
    const batch = await this.entries.find({
      where: { statementId: { gt: this.after }, timestamp: null },
      orderBy: [{ field: 'statementId' }],
      limit: BATCH,
    });
    for (const statementId of new Set(batch.map(({ value }) => value.statementId))) await this.upgrade(statementId);
    if (batch.length < BATCH) this.finished = true;
    else this.after = batch.at(-1)!.value.statementId;
  }

  private async upgrade(statementId: string): Promise<void> {
    const record = await this.statements.get(statementId);
    if (record === undefined || record.voided) return;
    for (const entry of timelineEntries(record)) {
      const id = `${statementId}:${entry.ifi}`;
      const stored = await this.entries.get(id);
      if (stored !== undefined && stored.value.timestamp === undefined) await this.entries.update(id, entry, stored.revision);
    }
  }
}
