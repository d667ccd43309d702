import type { AgentKey, FraudSignal } from '../../model';
import { byStored, confidenceAbove, type DetectorOptions, direction, hours, modalScore, percent, type RatingFact, type RatingIndex, signal } from './facts';
import { acceptedWindows, type WindowCounts } from './windows';

/** A burst is judged within this window: one hour. */
export const BURST_WINDOW_SEC = 3600;
/** At least this many ratings of one person in the window… */
export const BURST_MIN_RATINGS = 10;
/**
 * …from at least this many different sessions: nobody takes part in six sessions in one hour, while
 * a lecture's audience (one session) rating its tutor at once is ordinary.
 */
export const BURST_MIN_SESSIONS = 6;
/** …and at least this share of them the same extreme score (all 5, or all 1: review bombing). */
export const BURST_EXTREME_SHARE = 0.9;

/**
 * …and at least this share of its raters are strangers to the ratee: never rated by them, and
 * rating them nowhere else. A reminder's wave of late ratings comes from the ratee's regular
 * students and tutors, hired raters come once.
 */
export const BURST_STRANGER_SHARE = 0.5;

function isBurst(counts: WindowCounts): boolean {
  return counts.sessions >= BURST_MIN_SESSIONS && Math.max(counts.scores[5], counts.scores[1]) >= BURST_EXTREME_SHARE * counts.size;
}

/** Raters of the window the ratee never rated and who rated the ratee only within the window. */
function strangersIn(window: RatingFact[], index: RatingIndex): number {
  const ratee = window[0].ratee;
  const inWindow = new Map<AgentKey, number>();
  for (const rating of window) inWindow.set(rating.rater, (inWindow.get(rating.rater) ?? 0) + 1);
  let strangers = 0;
  for (const [rater, count] of inWindow) {
    if (!direction(index, ratee, rater) && direction(index, rater, ratee)?.length === count) strangers += 1;
  }
  return strangers;
}

/** Many ratings of one person within an hour, from more sessions than anyone attends, nearly all 5 (or all 1). */
export function detectBursts(index: RatingIndex, options: DetectorOptions): FraudSignal[] {
  const signals: FraudSignal[] = [];
  for (const [ratee, received] of index.byRatee) {
    if (received.length < BURST_MIN_RATINGS) continue;
    const sorted = [...received].sort(byStored);
    for (const window of acceptedWindows(sorted, BURST_WINDOW_SEC, BURST_MIN_RATINGS, isBurst)) {
      const last = window[window.length - 1];
      if (options.sinceSec !== undefined && last.storedSec < options.sinceSec) continue;
      if (strangersIn(window, index) < BURST_STRANGER_SHARE * new Set(window.map((rating) => rating.rater)).size) continue;
      const sessions = new Set(window.map((rating) => rating.session)).size;
      const { score, share } = modalScore(window);
      const span = last.storedSec - window[0].storedSec;
      signals.push(
        signal(
          'burst',
          window.map((rating) => rating.rater),
          confidenceAbove(sessions, BURST_MIN_SESSIONS),
          window,
          `${ratee} received ${window.length} ratings within ${hours(span)} from ${sessions} different sessions, ${percent(share * window.length, window.length)} of them ${score}, most raters strangers who rated them nowhere else.`,
        ),
      );
    }
  }
  return signals;
}
