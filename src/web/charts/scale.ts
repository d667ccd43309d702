/** A linear value axis: from `min` to `max`, with round tick values (1, 2 or 5 × a power of ten apart). */
export interface Scale {
  min: number;
  max: number;
  ticks: number[];
}

/**
 * The axis for `values`, always including zero (bars and counts start there). About `tickTarget`
 * intervals; an empty or all-zero series gets 0..1. Values must be finite (a NaN in a chart is a
 * bug of its caller, so it throws).
 */
export function niceScale(values: readonly number[], tickTarget = 5): Scale {
  let low = 0;
  let high = 0;
  for (const value of values) {
    if (!Number.isFinite(value)) throw new RangeError(`A chart value must be a finite number, not ${value}`);
    if (value < low) low = value;
    if (value > high) high = value;
  }
  if (low === high) high = low + 1;
  const step = niceStep((high - low) / tickTarget);
  const min = Math.floor(low / step) * step;
  const max = Math.ceil(high / step) * step;
  const ticks: number[] = [];
  const count = Math.round((max - min) / step);
  for (let index = 0; index <= count; index += 1) ticks.push(roundToStep(min + index * step, step));
  return { min: roundToStep(min, step), max: roundToStep(max, step), ticks };
}

/** Where `value` falls between `from` and `to` (pixels) on `scale`. */
export function project(scale: Scale, value: number, from: number, to: number): number {
  return from + ((value - scale.min) / (scale.max - scale.min)) * (to - from);
}

/** Pixel coordinates to a tenth: shorter SVG, no visible difference. */
export function roundPixel(value: number): number {
  return Math.round(value * 10) / 10;
}

function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/** Removes floating-point noise (0.30000000000000004) at the step's precision. */
function roundToStep(value: number, step: number): number {
  const decimals = Math.min(20, Math.max(0, -Math.floor(Math.log10(step))));
  return Number(value.toFixed(decimals));
}
