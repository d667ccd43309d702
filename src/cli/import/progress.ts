import type { ImportCounts } from './importer';

/**
 * Progress of an import on stderr: one line rewritten in place when stderr is a terminal, else a
 * line each time another `every` entries have been read (and none in between).
 */
export function progressReporter(stream: NodeJS.WriteStream, every: number): { update(counts: ImportCounts): void; done(): void } {
  const started = Date.now();
  let reported = 0;
  let drawn = false;
  const line = (counts: ImportCounts) => {
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    return (
      `[import] ${number(counts.read)} read: ${number(counts.stored)} stored, ${number(counts.alreadyThere)} already there, ` +
      `${number(counts.refused.length)} refused (${number(Math.round(counts.read / seconds))}/s)`
    );
  };
  return {
    update(counts) {
      if (stream.isTTY) {
        stream.write(`\r${line(counts)}\x1b[K`);
        drawn = true;
      } else if (Math.floor(counts.read / every) > Math.floor(reported / every)) {
        stream.write(`${line(counts)}\n`);
        reported = counts.read;
      }
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}

export function number(n: number): string {
  return n.toLocaleString('en-US');
}
