/**
 * Wall-clock time in an IANA zone, fast enough for search (docs/marketplace.md, "Availability"):
 * luxon asks Intl for one offset in about 5 µs, so each zone's offsets are learnt once per 28-day
 * span — sampled every 6 hours, each change located to the second — and then read from memory.
 * (No zone has changed its offset twice within 6 hours since 1970.)
 *
 * "Local milliseconds" are a wall-clock date and time written as if it were UTC.
 */
import { IANAZone } from 'luxon';
import { BoundedCache } from './bounded-cache';

const HOUR_MS = 3_600_000;
const SPAN_MS = 28 * 24 * HOUR_MS;
const SAMPLE_MS = 6 * HOUR_MS;
/** The largest offset east of UTC in use (Pacific/Kiritimati, +14:00). */
const MAX_OFFSET_MS = 14 * HOUR_MS;

/** One span's offsets: `offsetsMs[i]` holds from `startsMs[i]` (the first is the span's start) to the next start. */
interface SpanOffsets {
  startsMs: number[];
  offsetsMs: number[];
}

export interface ZoneClock {
  readonly timeZone: string;
  /** The zone's offset from UTC at an instant. */
  offsetMs(instantMs: number): number;
  /** The wall-clock time at an instant. */
  localMs(instantMs: number): number;
  /**
   * The first instant whose wall-clock time is `localMs` or later: an ambiguous time (the hour
   * repeated when clocks go back) is its first occurrence, as RFC 5545 §3.3.5 reads it; a time that
   * does not exist (skipped when clocks go forward) is the instant the clocks jumped.
   */
  instantOf(localMs: number): number;
}

const clocks = new BoundedCache<string, ZoneClock>(1000);

/** The clock of a zone luxon knows (callers check with IANAZone.isValidZone first). */
export function zoneClock(timeZone: string): ZoneClock {
  return clocks.getOrMake(timeZone, () => new CachedZoneClock(timeZone));
}

class CachedZoneClock implements ZoneClock {
  private readonly zone: IANAZone;
  private readonly spans = new BoundedCache<number, SpanOffsets>(200);
  /** The span read last: consecutive reads mostly fall in it. */
  private last: { index: number; span: SpanOffsets } = { index: NaN, span: { startsMs: [], offsetsMs: [] } };

  constructor(readonly timeZone: string) {
    this.zone = IANAZone.create(timeZone);
  }

  offsetMs(instantMs: number): number {
    const span = this.span(Math.floor(instantMs / SPAN_MS));
    let i = span.startsMs.length - 1;
    while (span.startsMs[i] > instantMs) i--;
    return span.offsetsMs[i];
  }

  localMs(instantMs: number): number {
    return instantMs + this.offsetMs(instantMs);
  }

  instantOf(localMs: number): number {
    // Every piece of time ending before localMs - MAX_OFFSET_MS shows wall-clock times before localMs.
    const fromMs = localMs - MAX_OFFSET_MS;
    for (let index = Math.floor(fromMs / SPAN_MS); ; index++) {
      const span = this.span(index);
      const spanEndMs = (index + 1) * SPAN_MS;
      for (let i = 0; i < span.startsMs.length; i++) {
        const endMs = i + 1 < span.startsMs.length ? span.startsMs[i + 1] : spanEndMs;
        if (endMs <= fromMs) continue;
        const offsetMs = span.offsetsMs[i];
        if (endMs + offsetMs > localMs) return Math.max(span.startsMs[i], localMs - offsetMs);
      }
    }
  }

  private span(index: number): SpanOffsets {
    if (this.last.index !== index) this.last = { index, span: this.spans.getOrMake(index, () => this.learnSpan(index)) };
    return this.last.span;
  }

  private learnSpan(index: number): SpanOffsets {
    const startMs = index * SPAN_MS;
    const endMs = startMs + SPAN_MS;
    const span: SpanOffsets = { startsMs: [startMs], offsetsMs: [this.askOffsetMs(startMs)] };
    for (let sampleMs = startMs; sampleMs < endMs; sampleMs += SAMPLE_MS) {
      const current = span.offsetsMs[span.offsetsMs.length - 1];
      const nextMs = Math.min(sampleMs + SAMPLE_MS, endMs);
      if (this.askOffsetMs(nextMs) === current) continue;
      const changeMs = this.firstChange(sampleMs, nextMs, current);
      if (changeMs < endMs) {
        span.startsMs.push(changeMs);
        span.offsetsMs.push(this.askOffsetMs(changeMs));
      }
    }
    return span;
  }

  /** The first whole second in (beforeMs, afterMs] whose offset differs from `offsetMs` (it does at afterMs). */
  private firstChange(beforeMs: number, afterMs: number, offsetMs: number): number {
    let low = Math.floor(beforeMs / 1000);
    let high = Math.ceil(afterMs / 1000);
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (this.askOffsetMs(middle * 1000) === offsetMs) low = middle;
      else high = middle;
    }
    return Math.min(high * 1000, afterMs);
  }

  private askOffsetMs(instantMs: number): number {
    const minutes = this.zone.offset(instantMs);
    if (!Number.isFinite(minutes)) throw new RangeError(`No offset of ${this.timeZone} at ${instantMs}`);
    return minutes * 60_000;
  }
}
