import type { Collection, StoredDocument } from '../../../plugin-api';
import type { TimelineEntry } from '../timeline-entries';

/** The most `find` returns at once. */
const CHUNK = 1000;

export interface PersonEntries {
  /** Newest first; each (statement, IFI) once. */
  entries: TimelineEntry[];
  /** The person has more entries than `max`: `entries` are the newest `max`. */
  truncated: boolean;
}

/** Where the last full chunk ended: its last position, and the ids read there (none when the whole chunk was that position: read on before it). */
type Boundary = { position: string; ids: Set<string> };

/**
 * The newest `max` timeline entries of these IFIs (digests, at most 1000 as `find` takes), read
 * along the `by_ifi` index a chunk at a time. The entries of one statement share a position (one
 * per IFI), so a chunk can end among them: the next chunk starts at that position again and skips
 * the ones already read; a chunk all at one position holds every entry there (one per IFI).
 */
export async function personEntries(collection: Collection<TimelineEntry>, ifis: string[], max: number): Promise<PersonEntries> {
  const entries: TimelineEntry[] = [];
  if (ifis.length === 0) return { entries, truncated: false };
  let boundary: Boundary | undefined;
  for (;;) {
    const batch = await collection.find({
      where: { ifi: ifis.length === 1 ? ifis[0]! : { in: ifis }, ...(boundary && { position: boundary.ids.size === 0 ? { lt: boundary.position } : { lte: boundary.position } }) },
      orderBy: [{ field: 'position', descending: true }],
      limit: CHUNK,
    });
    for (const { id, value } of batch) {
      if (boundary?.ids.has(id)) continue;
      if (entries.length === max) return { entries, truncated: true };
      entries.push(value);
    }
    if (batch.length < CHUNK) return { entries, truncated: false };
    boundary = boundaryOf(batch);
  }
}

function boundaryOf(batch: StoredDocument<TimelineEntry>[]): Boundary {
  const position = batch.at(-1)!.value.position;
  const ids = batch.filter(({ value }) => value.position === position).map(({ id }) => id);
  return { position, ids: new Set(ids.length === batch.length ? [] : ids) };
}
