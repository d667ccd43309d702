import type { ImportCounts } from './importer';

/** What a progress line shows of an import's counts, and how many entries they stand for. */
export interface ProgressView<C> {
  line(counts: C, seconds: number): string;
  /** Entries so far: without a terminal, a line each time another `every` have come. */
  amount(counts: C): number;
}

/**
 * Progress of an import on stderr: one line rewritten in place when stderr is a terminal, else a
 * line each time another `every` entries have been read (and none in between).
 */
export function progressReporter<C = ImportCounts>(
  stream: NodeJS.WriteStream,
  every: number,
  view: ProgressView<C> = fileProgress as unknown as ProgressView<C>,
): { update(counts: C): void; done(): void } {
  const started = Date.now();
  let reported = 0;
  let drawn = false;
  return {
    update(counts) {
      const line = view.line(counts, Math.max((Date.now() - started) / 1000, 0.001));
      const amount = view.amount(counts);
      if (stream.isTTY) {
        stream.write(`\r${line}\x1b[K`);
        drawn = true;
      } else if (Math.floor(amount / every) > Math.floor(reported / every)) {
        stream.write(`${line}\n`);
        reported = amount;
      }
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}

/** A file's import: entries read, and what became of them. */
const fileProgress: ProgressView<ImportCounts> = {
  line: (counts, seconds) =>
    `[import] ${number(counts.read)} read: ${number(counts.stored)} stored, ${number(counts.alreadyThere)} already there, ` +
    `${number(counts.refused.length)} refused (${number(Math.round(counts.read / seconds))}/s)`,
  amount: (counts) => counts.read,
};

export function number(n: number): string {
  return n.toLocaleString('en-US');
}
