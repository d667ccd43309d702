import type { FraudSignal } from '../../model';
import { byStored, confidenceAbove, type DetectorOptions, directions, hours, modalScore, percent, type RatingIndex, signal } from './facts';
import { acceptedWindows, type WindowCounts } from './windows';

/** Serial rating is judged within this window: two days. */
export const SERIAL_WINDOW_SEC = 48 * 3600;
/**
 * One rater rating the same person at least this many times in the window. Intensive tutoring
 * meets once or twice a day (2–4 ratings in two days); more is a flood, whether the ratings count or
 * not, when the ratings are the same extreme score…
 */
export const SERIAL_MIN_RATINGS = 6;
/** …at least this share of them all 5 or all 1: someone catching up on a week of sessions at once rates them as they were. */
export const SERIAL_SAME_SHARE = 0.9;

const extreme = (counts: WindowCounts) => Math.max(counts.scores[5], counts.scores[1]) >= SERIAL_SAME_SHARE * counts.size;

/** One rater rating the same person again and again within two days, all 5 (or all 1). */
export function detectSerialRating(index: RatingIndex, options: DetectorOptions): FraudSignal[] {
  const signals: FraudSignal[] = [];
  for (const given of directions(index)) {
    if (given.length < SERIAL_MIN_RATINGS) continue;
    const sorted = [...given].sort(byStored);
    for (const window of acceptedWindows(sorted, SERIAL_WINDOW_SEC, SERIAL_MIN_RATINGS, extreme)) {
      const first = window[0];
      const last = window[window.length - 1];
      if (options.sinceSec !== undefined && last.storedSec < options.sinceSec) continue;
      const sessions = new Set(window.map((rating) => rating.session)).size;
      const { score, share } = modalScore(window);
      signals.push(
        signal(
          'serial-rating',
          [first.rater],
          confidenceAbove(window.length, SERIAL_MIN_RATINGS),
          window,
          `${first.rater} rated ${first.ratee} ${window.length} times within ${hours(last.storedSec - first.storedSec)} (${sessions} sessions), ${percent(share * window.length, window.length)} of them ${score}.`,
        ),
      );
    }
  }
  return signals;
}
