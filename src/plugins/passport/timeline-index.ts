import type { Collection, CollectionDeclaration, FeedEvent, FindQuery } from '../../plugin-api';
import { timelineEntries, type TimelineEntry, type TimelineKind } from './timeline-entries';

/**
 * The timeline's collections: an entry per (statement, IFI it is about), and a word posting per
 * (entry, distinct word of its text); every page is a range of one of these indexes.
 */
export const PASSPORT_STORES: Record<string, CollectionDeclaration> = {
  entries: {
    indexes: [
      { name: 'by_ifi', fields: ['ifi', 'position'] },
      { name: 'by_ifi_kind', fields: ['ifi', 'kind', 'position'] },
      { name: 'by_ifi_institution', fields: ['ifi', 'institution', 'position'] },
      { name: 'by_statement', fields: ['statementId', 'ifi'] },
    ],
  },
  words: {
    indexes: [
      { name: 'by_ifi_prefix', fields: ['ifi', 'prefix', 'position'] },
      { name: 'by_ifi_initial', fields: ['ifi', 'initial', 'position'] },
      { name: 'by_statement', fields: ['statementId'] },
    ],
  },
};

/** One word of an entry's text, where the text search finds the entry. */
export interface WordPosting {
  ifi: string;
  statementId: string;
  position: string;
  /** The word's first WORD_LENGTH characters. */
  word: string;
  /** Its first character: the range a 1- or 2-character word of `q` reads. */
  initial: string;
  /** Its first 3 characters (or the whole word when shorter): the range a longer word of `q` reads. */
  prefix: string;
}

export interface TimelineFilter {
  kind?: TimelineKind;
  institution?: string;
  /** Lower-cased text to find at the start of a word of the activity's names and descriptions. */
  q?: string;
}

export interface TimelinePage {
  entries: TimelineEntry[];
  /** The position of the last entry when more follow. */
  next?: string;
}

/** The most `find` returns at once. */
const MAX_FIND = 1000;
/** Characters of a word kept in its posting: a longer word of `q` is told apart on the entry's text. */
const WORD_LENGTH = 32;
/** Letters (with their combining marks) and digits make words; anything else separates them. */
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const STARTS_WITH_WORD_CHARACTER = /^[\p{L}\p{M}\p{N}]/u;
const ENDS_IN_WORD_CHARACTER = /[\p{L}\p{M}\p{N}]$/u;

/**
 * The timeline index (fed by the plugin's events) and its pages. Entries are keyed by IFI, not by
 * person: linking an identity later shows its earlier statements at once.
 */
export class TimelineIndex {
  /** `readChunk`: postings (or, for a `q` without words, entries) read at a time while searching text (tests make it small). */
  constructor(
    private readonly entries: Collection<TimelineEntry>,
    private readonly words: Collection<WordPosting>,
    private readonly readChunk = MAX_FIND,
  ) {}

  /** Idempotent by statement id: a redelivered `stored` event puts the same documents again. */
  async apply(events: FeedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'voided') {
        await this.entries.deleteMany({ statementId: event.statementId });
        await this.words.deleteMany({ statementId: event.statementId });
        continue;
      }
      for (const entry of timelineEntries(event.statement)) {
        await this.entries.put(`${entry.statementId}:${entry.ifi}`, entry);
        for (const [at, posting] of wordPostings(entry).entries()) await this.words.put(`${entry.statementId}:${entry.ifi}:${at}`, posting);
      }
    }
  }

  /**
   * Newest first, the statements about any of `ifis` (digests) before `after` (a position): each
   * statement once, however many of the IFIs it is about. Without `q` this reads an index range;
   * with `q`, the postings of its longest word, then the entries they point at.
   */
  async page(ifis: string[], filter: TimelineFilter, after: string | undefined, limit: number): Promise<TimelinePage> {
    if (ifis.length === 0) return { entries: [] };
    const word = filter.q === undefined ? undefined : longestWord(filter.q);
    const found = word === undefined ? await this.readEntries(ifis, filter, after, limit) : await this.searchWord(ifis, filter, word, after, limit);
    if (found.length <= limit) return { entries: found };
    const entries = found.slice(0, limit);
    return { entries, next: entries.at(-1)!.position };
  }

  /** Up to `limit + 1` statements read from the entries' index range (a `q` without any word is matched on each). */
  private async readEntries(ifis: string[], filter: TimelineFilter, after: string | undefined, limit: number): Promise<TimelineEntry[]> {
    const found: TimelineEntry[] = [];
    const seen = new Set<string>();
    // Without q, a full chunk holds more than `limit` statements (each has at most one entry per IFI).
    const chunk = filter.q === undefined ? Math.min(MAX_FIND, (limit + 1) * ifis.length) : this.readChunk;
    let before = after;
    for (;;) {
      const batch = await this.entries.find(this.entriesQuery(ifis, filter, before, chunk));
      for (const { value } of batch) {
        if (seen.has(value.statementId) || !hasAtWordStart(value.text, filter.q)) continue;
        seen.add(value.statementId);
        found.push(value);
      }
      if (found.length > limit || batch.length < chunk) return found;
      before = batch.at(-1)!.value.position;
    }
  }

  /**
   * Up to `limit + 1` statements whose text has `q`: the postings of `word` (a word of `q`, so at
   * the start of a word of every match) newest first, then the entries of those whose word starts
   * with it, checked against the whole filter.
   */
  private async searchWord(ifis: string[], filter: TimelineFilter, word: string, after: string | undefined, limit: number): Promise<TimelineEntry[]> {
    const found: TimelineEntry[] = [];
    const checked = new Set<string>();
    const wanted = word.slice(0, WORD_LENGTH);
    let before = after;
    for (;;) {
      const postings = (await this.words.find(this.postingsQuery(ifis, wanted, before))).map(({ value }) => value);
      const full = postings.length === this.readChunk;
      const last = postings.at(-1)?.position;
      // A statement's postings may go on past a full chunk, where the next range does not look: check it whatever its word here.
      const candidates = postings.filter((posting) => !checked.has(posting.statementId) && (posting.word.startsWith(wanted) || (full && posting.position === last)));
      const statementIds = [...new Set(candidates.map((posting) => posting.statementId))];
      await this.checkEntries(statementIds, ifis, filter, found, limit, checked);
      if (found.length > limit || !full) return found;
      before = last;
    }
  }

  /** Adds to `found`, in the order given, the statements whose entry matches the filter, until it holds `limit + 1`. */
  private async checkEntries(statementIds: string[], ifis: string[], filter: TimelineFilter, found: TimelineEntry[], limit: number, checked: Set<string>): Promise<void> {
    const mostAtOnce = Math.max(1, Math.floor(MAX_FIND / ifis.length));
    for (let at = 0; at < statementIds.length && found.length <= limit; ) {
      const batch = statementIds.slice(at, at + Math.min(mostAtOnce, limit + 1 - found.length));
      at += batch.length;
      const entries = new Map<string, TimelineEntry>();
      for (const { value } of await this.entries.find({ where: { statementId: { in: batch }, ifi: oneOrAny(ifis) }, limit: MAX_FIND })) entries.set(value.statementId, value);
      for (const statementId of batch) {
        checked.add(statementId);
        const entry = entries.get(statementId);
        if (entry !== undefined && matches(entry, filter)) found.push(entry);
      }
    }
  }

  private entriesQuery(ifis: string[], filter: TimelineFilter, before: string | undefined, limit: number): FindQuery {
    const where: NonNullable<FindQuery['where']> = { ifi: oneOrAny(ifis) };
    if (filter.kind !== undefined) where.kind = filter.kind;
    if (filter.institution !== undefined) where.institution = filter.institution;
    if (before !== undefined) where.position = { lt: before };
    return { where, orderBy: [{ field: 'position', descending: true }], limit };
  }

  private postingsQuery(ifis: string[], word: string, before: string | undefined): FindQuery {
    const characters = [...word];
    const where: NonNullable<FindQuery['where']> =
      characters.length < 3 ? { ifi: oneOrAny(ifis), initial: characters[0]! } : { ifi: oneOrAny(ifis), prefix: characters.slice(0, 3).join('') };
    if (before !== undefined) where.position = { lt: before };
    return { where, orderBy: [{ field: 'position', descending: true }], limit: this.readChunk };
  }
}

function oneOrAny(ifis: string[]): string | { in: string[] } {
  return ifis.length === 1 ? ifis[0]! : { in: ifis };
}

/** The postings of an entry: one per distinct word (its first WORD_LENGTH characters) of its text. */
export function wordPostings(entry: TimelineEntry): WordPosting[] {
  const words = new Set((entry.text.match(WORD) ?? []).map((word) => [...word].slice(0, WORD_LENGTH).join('')));
  return [...words].map((word) => {
    const characters = [...word];
    return { ifi: entry.ifi, statementId: entry.statementId, position: entry.position, word, initial: characters[0]!, prefix: characters.slice(0, 3).join('') };
  });
}

/** The longest word of `q` (the fewest postings, most likely), or undefined when it has none. */
function longestWord(q: string): string | undefined {
  const words = q.match(WORD) ?? [];
  return words.reduce<string | undefined>((longest, word) => ([...word].length > [...(longest ?? '')].length ? word : longest), undefined);
}

function matches(entry: TimelineEntry, filter: TimelineFilter): boolean {
  return (
    (filter.kind === undefined || entry.kind === filter.kind) &&
    (filter.institution === undefined || entry.institution === filter.institution) &&
    hasAtWordStart(entry.text, filter.q)
  );
}

/**
 * Whether `q` occurs in `text` without starting inside a word: a `q` that begins with a letter or
 * digit matches where no letter or digit comes just before it ("alg" in "linear algebra", not
 * "gebra"); any other `q` wherever it occurs. No `q` matches everything.
 */
export function hasAtWordStart(text: string, q: string | undefined): boolean {
  if (q === undefined) return true;
  if (!STARTS_WITH_WORD_CHARACTER.test(q)) return text.includes(q);
  for (let at = text.indexOf(q); at !== -1; at = text.indexOf(q, at + 1)) {
    if (!ENDS_IN_WORD_CHARACTER.test(text.slice(Math.max(0, at - 2), at))) return true;
  }
  return false;
}
