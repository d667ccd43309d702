import { ChartFrame, useNumberFormat } from './chart-frame';
import { niceScale, project, roundPixel } from './scale';

export interface LineSeries {
  name: string;
  /** values[i] belongs to labels[i]. */
  values: number[];
}

export interface LineChartProps {
  /** Shown as the figure's caption; names the chart for screen readers. */
  title: string;
  /** One or two sentences saying what the chart shows (its main finding), read by screen readers. */
  description: string;
  /** The points along the horizontal axis, in order (e.g. days). */
  labels: string[];
  /** At most six series (each has its own colour and dash pattern). */
  series: LineSeries[];
  /** The data table's first header (what the labels are, e.g. "Day"). */
  labelHeader: string;
  /** Formats values (default: the page language's number format). */
  format?: (value: number) => string;
}

export const MAX_LINE_SERIES = 6;

// Small enough that 15px text stays readable when the SVG is scaled down to a phone's width.
const WIDTH = 420;
const HEIGHT = 240;
const MARGIN = { top: 12, right: 24, bottom: 34, left: 48 };
const MAX_AXIS_LABELS = 5;

/** Lines over a shared category axis, a legend when there are several, gridlines at round values. */
export function LineChart({ title, description, labels, series, labelHeader, format }: LineChartProps) {
  if (series.length > MAX_LINE_SERIES) throw new RangeError(`A line chart draws at most ${MAX_LINE_SERIES} series, not ${series.length}`);
  for (const line of series) {
    if (line.values.length !== labels.length) {
      throw new RangeError(`Series "${line.name}" has ${line.values.length} values for ${labels.length} labels`);
    }
  }
  const formatValue = useNumberFormat(format);
  const scale = niceScale(series.flatMap((line) => line.values));
  const plot = { left: MARGIN.left, right: WIDTH - MARGIN.right, top: MARGIN.top, bottom: HEIGHT - MARGIN.bottom };
  const x = (index: number) =>
    roundPixel(labels.length === 1 ? (plot.left + plot.right) / 2 : plot.left + (index / (labels.length - 1)) * (plot.right - plot.left));
  const y = (value: number) => roundPixel(project(scale, value, plot.bottom, plot.top));
  const labelEvery = Math.max(1, Math.ceil(labels.length / MAX_AXIS_LABELS));
  return (
    <ChartFrame
      title={title}
      description={description}
      width={WIDTH}
      height={HEIGHT}
      legend={
        series.length > 1 && (
          <ul class="chart__legend">
            {series.map((line, index) => (
              <li key={index}>
                <span class={`chart__swatch chart__series-${index}`} />
                {line.name}
              </li>
            ))}
          </ul>
        )
      }
      table={{
        headers: [labelHeader, ...series.map((line) => line.name)],
        rows: labels.map((label, index) => ({ label, values: series.map((line) => formatValue(line.values[index])) })),
      }}
    >
      <g aria-hidden="true">
        {scale.ticks.map((tick) => (
          <g key={tick}>
            <line class="chart__grid" x1={plot.left} x2={plot.right} y1={y(tick)} y2={y(tick)} />
            <text class="chart__tick" x={plot.left - 6} y={y(tick) + 5} text-anchor="end">
              {formatValue(tick)}
            </text>
          </g>
        ))}
        <line class="chart__axis" x1={plot.left} x2={plot.right} y1={y(0)} y2={y(0)} />
        {labels.map((label, index) =>
          index % labelEvery === 0 ? (
            <text key={index} class="chart__label" x={x(index)} y={plot.bottom + 24} text-anchor={labelAnchor(index, labels.length)}>
              {label}
            </text>
          ) : null,
        )}
        {series.map((line, index) => (
          <g key={index}>
            <polyline
              class={`chart__line chart__series-${index}`}
              points={line.values.map((value, point) => `${x(point)},${y(value)}`).join(' ')}
            />
            {line.values.map((value, point) => (
              <circle key={point} class={`chart__point chart__series-${index}`} cx={x(point)} cy={y(value)} r={3.5} />
            ))}
          </g>
        ))}
      </g>
    </ChartFrame>
  );
}

/** The last of several labels ends at its point, so that a long one is not cut off at the chart's right edge. */
function labelAnchor(index: number, count: number): 'middle' | 'end' {
  return count > 1 && index === count - 1 ? 'end' : 'middle';
}
