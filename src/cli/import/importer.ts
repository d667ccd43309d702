import { createHash } from 'node:crypto';
import { stableStringify } from '../../xapi/statements/fingerprint';
import type { SourceItem, StatementSource } from './source';
import type { XapiClient } from './xapi-client';

export interface ImportCounts {
  /** Statements and malformed entries read from the source. */
  read: number;
  stored: number;
  alreadyThere: number;
  /** Malformed entries and statements the LRS refused, each with its reason. */
  refused: Refusal[];
}

export interface Refusal {
  where: string;
  reason: string;
  /** Malformed in the source (not JSON, not an object), as opposed to refused by the LRS. */
  malformed: boolean;
}

export interface ImportOptions {
  batchSize: number;
  /** Statements whose presence is looked up at once (GET statementId), per batch. */
  lookups: number;
  /** After every batch, with the counts so far. */
  progress(counts: ImportCounts): void;
}

interface Entry {
  where: string;
  id: string;
  statement: Record<string, unknown>;
}

/**
 * Copies the source's statements to the LRS in batches, idempotently: a statement already stored
 * with the same content counts as "already there" (looked up before its batch is sent, the LRS
 * accepting it again without change); a batch the LRS refuses (409, 400…) is split in halves until
 * the refused statements are found, the others stored. Statements without an id get one derived
 * from their content, so that importing the same file again stores nothing twice.
 */
export async function importStatements(source: StatementSource, lrs: XapiClient, options: ImportOptions): Promise<ImportCounts> {
  const counts: ImportCounts = { read: 0, stored: 0, alreadyThere: 0, refused: [] };
  for await (const items of inBatches(source.items(), options.batchSize)) {
    counts.read += items.length;
    const entries: Entry[] = [];
    for (const item of items) {
      if ('problem' in item) counts.refused.push({ where: item.where, reason: item.problem, malformed: true });
      else entries.push(entryOf(item));
    }
    await sendBatch(entries, lrs, options.lookups, counts);
    options.progress(counts);
  }
  return counts;
}

async function* inBatches(items: AsyncIterable<SourceItem>, size: number): AsyncGenerator<SourceItem[]> {
  let batch: SourceItem[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function entryOf(item: { where: string; statement: Record<string, unknown> }): Entry {
  const given = item.statement.id;
  if (given !== undefined) return { where: item.where, id: String(given).toLowerCase(), statement: item.statement };
  const id = contentId(item.statement);
  return { where: item.where, id, statement: { ...item.statement, id } };
}

/** A UUID (version 8, RFC 9562) from the SHA-256 of the statement's canonical JSON. */
function contentId(statement: Record<string, unknown>): string {
  const hex = createHash('sha256').update(stableStringify(statement)).digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * One batch: the LRS refuses a batch repeating an id, so a statement repeated in it waits for the
 * next round (where it is "already there", or refused when its content differs).
 */
async function sendBatch(entries: Entry[], lrs: XapiClient, lookups: number, counts: ImportCounts): Promise<void> {
  let pending = entries;
  while (pending.length > 0) {
    const seen = new Set<string>();
    const round: Entry[] = [];
    const repeated: Entry[] = [];
    for (const entry of pending) {
      (seen.has(entry.id) ? repeated : round).push(entry);
      seen.add(entry.id);
    }
    const held = await heldIds(round, lrs, lookups);
    await postSplittingRefusals(round, held, lrs, counts);
    pending = repeated;
  }
}

async function heldIds(entries: Entry[], lrs: XapiClient, concurrency: number): Promise<Set<string>> {
  const held = new Set<string>();
  for (let start = 0; start < entries.length; start += concurrency) {
    const slice = entries.slice(start, start + concurrency);
    const found = await Promise.all(slice.map((entry) => lrs.holds(entry.id)));
    slice.forEach((entry, index) => found[index] && held.add(entry.id));
  }
  return held;
}

async function postSplittingRefusals(entries: Entry[], held: Set<string>, lrs: XapiClient, counts: ImportCounts): Promise<void> {
  if (entries.length === 0) return;
  const result = await lrs.post(entries.map((entry) => entry.statement));
  if (result.accepted) {
    for (const entry of entries) {
      if (held.has(entry.id)) counts.alreadyThere++;
      else counts.stored++;
    }
  } else if (entries.length === 1) {
    counts.refused.push({ where: entries[0]!.where, reason: result.reason, malformed: false });
  } else {
    const half = Math.ceil(entries.length / 2);
    await postSplittingRefusals(entries.slice(0, half), held, lrs, counts);
    await postSplittingRefusals(entries.slice(half), held, lrs, counts);
  }
}
