import type { RatingFact } from './facts';

/** What a sliding window over ratings knows at each step, kept up to date as ratings enter and leave. */
export interface WindowCounts {
  size: number;
  /** Ratings per score, index 1–5. */
  scores: number[];
  /** Distinct sessions in the window. */
  sessions: number;
}

/**
 * The windows of at most `windowSec` over `sorted` (ratings in stored order) that `accept` takes,
 * each extended as far as it still is accepted, without overlap: two pointers and running counts,
 * so linear in the ratings whatever the window.
 */
export function acceptedWindows(sorted: RatingFact[], windowSec: number, minSize: number, accept: (counts: WindowCounts) => boolean): RatingFact[][] {
  const found: RatingFact[][] = [];
  const counts: WindowCounts = { size: 0, scores: [0, 0, 0, 0, 0, 0], sessions: 0 };
  const sessionCounts = new Map<string, number>();
  const enter = (rating: RatingFact) => {
    counts.size += 1;
    counts.scores[rating.score] += 1;
    const inSession = (sessionCounts.get(rating.session) ?? 0) + 1;
    sessionCounts.set(rating.session, inSession);
    if (inSession === 1) counts.sessions += 1;
  };
  const leave = (rating: RatingFact) => {
    counts.size -= 1;
    counts.scores[rating.score] -= 1;
    const inSession = (sessionCounts.get(rating.session) ?? 0) - 1;
    if (inSession === 0) {
      sessionCounts.delete(rating.session);
      counts.sessions -= 1;
    } else sessionCounts.set(rating.session, inSession);
  };
  let start = 0;
  let end = 0; // exclusive
  let openedAt = -1; // start of the accepted window being extended, -1 when none
  const close = () => {
    found.push(sorted.slice(openedAt, end));
    for (; start < end; start += 1) leave(sorted[start]);
    openedAt = -1;
  };
  while (end < sorted.length) {
    const next = sorted[end];
    while (start < end && next.storedSec - sorted[start].storedSec > windowSec) {
      if (openedAt >= 0) close();
      else leave(sorted[start++]);
    }
    enter(next);
    end += 1;
    if (counts.size >= minSize && accept(counts)) {
      if (openedAt < 0) openedAt = start;
    } else if (openedAt >= 0) {
      // The newest rating broke the window: keep it for the next one.
      end -= 1;
      leave(next);
      close();
    }
  }
  if (openedAt >= 0) close();
  return found;
}
