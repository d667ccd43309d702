import type { Collection, FeedEvent, FindQuery, PluginStoreDeclaration } from '../../plugin-api';
import { timelineEntries, type TimelineEntry, type TimelineKind } from './timeline-entries';

/**
 * The timeline's collections: an entry per (statement, IFI it is about), and a word posting per
 * (entry, distinct word of its text); every page is a range of one of these indexes. Both are made
 * from the statements alone: `keiko plugins rebuild passport` empties and refills them.
 */
export const PASSPORT_STORES: Record<string, PluginStoreDeclaration> = {
  entries: {
    derived: true,
    indexes: [
      { name: 'by_ifi', fields: ['ifi', 'position'] },
      { name: 'by_ifi_kind', fields: ['ifi', 'kind', 'position'] },
      { name: 'by_ifi_institution', fields: ['ifi', 'institution', 'position'] },
      { name: 'by_statement', fields: ['statementId', 'ifi'] },
    ],
  },
  words: {
    derived: true,
    indexes: [
      { name: 'by_ifi_prefix', fields: ['ifi', 'prefix', 'position'] },
      { name: 'by_ifi_initial', fields: ['ifi', 'initial', 'position'] },
      { name: 'by_ifi_word', fields: ['ifi', 'word', 'position'] },
      { name: 'by_statement', fields: ['statementId'] },
    ],
  },
};

/** One word of an entry's text, where the text search finds the entry. */
export interface WordPosting {
  /** The first 16 hex digits of the entry's IFI digest (postingIfi). */
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

/** Bounds of `position` in a query. */
type PositionRange = { lt?: string; gte?: string; lte?: string };

/** The most `find` returns at once. */
const MAX_FIND = 1000;
/** A word of `q` with fewer postings than this is searched by all of them at once, not in position order. */
const FEW_POSTINGS = 200;
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
        // Independent documents: MongoDB takes them concurrently (SQLite one after the other, as it does anyway).
        await Promise.all(wordPostings(entry).map((posting, at) => this.words.put(`${entry.statementId}:${entry.ifi}:${at}`, posting)));
      }
    }
  }

  /**
   * Newest first, the statements about any of `ifis` (digests) before `after` (a position): each
   * statement once, however many of the IFIs it is about. Without `q` this reads an index range;
   * with `q`, the postings of its words (a rare word's all at once, else newest first), then the
   * entries they point at.
   */
  async page(ifis: string[], filter: TimelineFilter, after: string | undefined, limit: number): Promise<TimelinePage> {
    if (ifis.length === 0) return { entries: [] };
    const words = filter.q === undefined ? [] : wordsOf(filter.q);
    const found = words.length === 0 ? await this.readEntries(ifis, filter, after, limit) : await this.searchWords(ifis, filter, words, after, limit);
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
   * Up to `limit + 1` statements whose text has `q`, from the postings of its sparsest word (every
   * word of `q` starts a word of every match) newest first, a chunk at a time, the chunks growing
   * from about a page to `readChunk`: those whose word starts with it, and that have each other
   * word of `q` in the same stretch of positions, are checked on their entries against the filter.
   */
  private async searchWords(ifis: string[], filter: TimelineFilter, words: string[], after: string | undefined, limit: number): Promise<TimelineEntry[]> {
    const found: TimelineEntry[] = [];
    const checked = new Set<string>();
    const postingIfis = ifis.map(postingIfi);
    const few = await this.fewCandidates(postingIfis, words, after);
    if (few !== undefined) {
      await this.checkEntries(few, ifis, filter, found, limit, checked);
      return found;
    }
    let chunk = Math.min(this.readChunk, (limit + 1) * ifis.length);
    let before = after;
    const [sparsest, ...others] = await this.sparsestFirst(postingIfis, words, before, chunk);
    for (;;) {
      const postings = await this.postings(postingIfis, sparsest!, before === undefined ? undefined : { lt: before }, chunk);
      const full = postings.length === chunk;
      const last = postings.at(-1)?.position;
      // A statement's postings may go on past a full chunk, where the next range does not look: check it whatever its word here.
      let candidates = new Set(
        postings.filter((posting) => !checked.has(posting.statementId) && (posting.word.startsWith(sparsest!) || (full && posting.position === last))).map((posting) => posting.statementId),
      );
      for (const word of others) {
        if (candidates.size === 0) break;
        candidates = await this.alsoHaving(candidates, postingIfis, word, { gte: last!, lte: postings[0]!.position });
      }
      await this.checkEntries([...candidates], ifis, filter, found, limit, checked);
      if (found.length > limit || !full) return found;
      before = last;
      chunk = Math.min(this.readChunk, chunk * 2);
    }
  }

  /**
   * Newest first, the statements (before `after`) with a posting of every word of `q` that has
   * fewer than FEW_POSTINGS of them per IFI, read whole from the range of words it starts (by_ifi_word);
   * undefined when every word has more: then a page is found sooner in position order.
   */
  private async fewCandidates(postingIfis: string[], words: string[], after: string | undefined): Promise<string[] | undefined> {
    const few = Math.min(this.readChunk, FEW_POSTINGS);
    let candidates: string[] | undefined;
    for (const word of words) {
      const postings = await this.postingsStarting(postingIfis, word, after, few);
      if (postings === undefined) continue;
      const having = new Set(postings.map((posting) => posting.statementId));
      const newestFirst = [...new Map(postings.sort((a, b) => (a.position < b.position ? 1 : -1)).map((posting) => [posting.statementId, posting.position])).keys()];
      candidates = candidates === undefined ? newestFirst : candidates.filter((statementId) => having.has(statementId));
    }
    return candidates;
  }

  /**
   * The postings of the IFIs whose word starts with `word`, before `after`, or undefined when an
   * IFI has `few` of them or more. One IFI at a time, in index order (word, position), so that
   * a read stops at `few` instead of sorting every posting of a common word.
   */
  private async postingsStarting(postingIfis: string[], word: string, after: string | undefined, few: number): Promise<WordPosting[] | undefined> {
    const postings: WordPosting[] = [];
    for (const ifi of postingIfis) {
      const where: NonNullable<FindQuery['where']> = { ifi, word: { gte: word, lt: successor(word) } };
      if (after !== undefined) where.position = { lt: after };
      const found = await this.words.find({ where, orderBy: [{ field: 'word' }, { field: 'position' }], limit: few });
      if (found.length === few) return undefined;
      postings.push(...found.map(({ value }) => value));
    }
    return postings;
  }

  /**
   * The words, the one whose postings reach furthest back in a chunk first (fewer than a chunk:
   * furthest of all), then as they were: what a phrase is searched by.
   */
  private async sparsestFirst(postingIfis: string[], words: string[], before: string | undefined, chunk: number): Promise<string[]> {
    if (words.length === 1) return words;
    const reach = new Map<string, string>();
    for (const word of words) {
      const postings = await this.postings(postingIfis, word, before === undefined ? undefined : { lt: before }, chunk);
      reach.set(word, postings.length < chunk ? '' : postings.at(-1)!.position);
    }
    return [...words].sort((a, b) => (reach.get(a)! < reach.get(b)! ? -1 : reach.get(a)! > reach.get(b)! ? 1 : 0));
  }

  /** The candidates with `word` in the stretch of positions, or all of them when it holds more than `readChunk` postings of it. */
  private async alsoHaving(candidates: Set<string>, postingIfis: string[], word: string, stretch: PositionRange): Promise<Set<string>> {
    const postings = await this.postings(postingIfis, word, stretch, this.readChunk);
    if (postings.length === this.readChunk) return candidates;
    const having = new Set(postings.filter((posting) => posting.word.startsWith(word)).map((posting) => posting.statementId));
    return new Set([...candidates].filter((statementId) => having.has(statementId)));
  }

  /** Newest first, postings of the IFIs whose word may start with `word` (the same initial, or first 3 characters). */
  private async postings(postingIfis: string[], word: string, position: PositionRange | undefined, limit: number): Promise<WordPosting[]> {
    const characters = [...word];
    const where: NonNullable<FindQuery['where']> =
      characters.length < 3 ? { ifi: oneOrAny(postingIfis), initial: characters[0]! } : { ifi: oneOrAny(postingIfis), prefix: characters.slice(0, 3).join('') };
    if (position !== undefined) where.position = position;
    const found = await this.words.find({ where, orderBy: [{ field: 'position', descending: true }], limit });
    return found.map(({ value }) => value);
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

}

function oneOrAny(ifis: string[]): string | { in: string[] } {
  return ifis.length === 1 ? ifis[0]! : { in: ifis };
}

/** The postings of an entry: one per distinct word (its first WORD_LENGTH characters) of its text. */
export function wordPostings(entry: TimelineEntry): WordPosting[] {
  const words = new Set((entry.text.match(WORD) ?? []).map(truncated));
  return [...words].map((word) => {
    const characters = [...word];
    return { ifi: postingIfi(entry.ifi), statementId: entry.statementId, position: entry.position, word, initial: characters[0]!, prefix: characters.slice(0, 3).join('') };
  });
}

/** The distinct words of `q` (their first WORD_LENGTH characters), longest first (of words equally sparse, the longest has the fewest postings, most likely). */
function wordsOf(q: string): string[] {
  const words = new Set((q.match(WORD) ?? []).map(truncated));
  return [...words].sort((a, b) => [...b].length - [...a].length);
}

/** The least string greater than every string that starts with `prefix` (code point order, which UTF-8 bytes keep). */
function successor(prefix: string): string {
  const characters = [...prefix];
  const last = characters.pop()!.codePointAt(0)! + 1;
  return characters.join('') + String.fromCodePoint(last === 0xd800 ? 0xe000 : last);
}

function truncated(word: string): string {
  return [...word].slice(0, WORD_LENGTH).join('');
}

/** The first 16 hex digits of an IFI digest: enough to tell a person's IFIs from nearly all others' in postings (the entries, with the whole digest, decide). */
function postingIfi(ifi: string): string {
  return ifi.slice(0, 16);
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
