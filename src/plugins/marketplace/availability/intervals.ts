/** Sets of instants as sorted, disjoint half-open intervals [startMs, endMs). */
import type { Interval } from '../model';

/** Sorted by start, overlapping or touching intervals joined, empty ones dropped; the input is left as it is. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  if (isNormal(intervals)) return intervals.slice();
  const sorted = intervals.filter((interval) => interval.endMs > interval.startMs).sort((a, b) => a.startMs - b.startMs);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && interval.startMs <= last.endMs) last.endMs = Math.max(last.endMs, interval.endMs);
    else merged.push({ startMs: interval.startMs, endMs: interval.endMs });
  }
  return merged;
}

/** The instants of `open` that are in no interval of `busy` (either may be unsorted or overlapping). */
export function subtractIntervals(open: readonly Interval[], busy: readonly Interval[]): Interval[] {
  const taken = mergeIntervals(busy);
  const free: Interval[] = [];
  let t = 0;
  for (const interval of mergeIntervals(open)) {
    let startMs = interval.startMs;
    while (t < taken.length && taken[t].endMs <= startMs) t++;
    for (let i = t; i < taken.length && taken[i].startMs < interval.endMs; i++) {
      if (taken[i].startMs > startMs) free.push({ startMs, endMs: taken[i].startMs });
      startMs = Math.max(startMs, taken[i].endMs);
    }
    if (startMs < interval.endMs) free.push({ startMs, endMs: interval.endMs });
  }
  return free;
}

/** The parts of sorted, disjoint intervals inside [fromMs, toMs), found by binary search. */
export function clipIntervals(sorted: readonly Interval[], fromMs: number, toMs: number): Interval[] {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle].endMs <= fromMs) low = middle + 1;
    else high = middle;
  }
  const clipped: Interval[] = [];
  for (let i = low; i < sorted.length && sorted[i].startMs < toMs; i++) {
    clipped.push({ startMs: Math.max(sorted[i].startMs, fromMs), endMs: Math.min(sorted[i].endMs, toMs) });
  }
  return clipped;
}

/** Already sorted, disjoint, not touching and without empty intervals. */
function isNormal(intervals: readonly Interval[]): boolean {
  for (let i = 0; i < intervals.length; i++) {
    if (intervals[i].endMs <= intervals[i].startMs) return false;
    if (i > 0 && intervals[i].startMs <= intervals[i - 1].endMs) return false;
  }
  return true;
}
