import { ChartFrame, useNumberFormat } from './chart-frame';
import { niceScale, project, roundPixel } from './scale';

export interface BarChartProps {
  /** Shown as the figure's caption; names the chart for screen readers. */
  title: string;
  /** One or two sentences saying what the chart shows (its main finding), read by screen readers. */
  description: string;
  /** The bars, top to bottom. */
  data: { label: string; value: number }[];
  /** The data table's headers: the categories' and the values'. */
  categoryHeader: string;
  valueHeader: string;
  /** Formats values (default: the page language's number format). */
  format?: (value: number) => string;
  /** The value axis reaches at least this far (e.g. 100 for scores out of 100), whatever the data. */
  axisMax?: number;
}

// Small enough that 15px text stays readable when the SVG is scaled down to a phone's width.
const WIDTH = 420;
const ROW = 52;
const LABEL_HEIGHT = 20;
const BAR_HEIGHT = 20;
const AXIS_HEIGHT = 26;
const VALUE_ROOM = 60;

/**
 * Horizontal bars (labels above their bars, so long labels fit a phone's width), a zero line,
 * gridlines at round values, each value printed at its bar's end.
 */
export function BarChart({ title, description, data, categoryHeader, valueHeader, format, axisMax }: BarChartProps) {
  const formatValue = useNumberFormat(format);
  const scale = niceScale([...data.map((bar) => bar.value), ...(axisMax === undefined ? [] : [axisMax])]);
  const left = scale.min < 0 ? VALUE_ROOM : 0;
  const right = WIDTH - VALUE_ROOM;
  const x = (value: number) => roundPixel(project(scale, value, left, right));
  const height = data.length * ROW + AXIS_HEIGHT;
  const plotBottom = data.length * ROW;
  return (
    <ChartFrame
      title={title}
      description={description}
      width={WIDTH}
      height={height}
      table={{ headers: [categoryHeader, valueHeader], rows: data.map((bar) => ({ label: bar.label, values: [formatValue(bar.value)] })) }}
    >
      <g aria-hidden="true">
        {scale.ticks.map((tick) => (
          <g key={tick}>
            <line class="chart__grid" x1={x(tick)} x2={x(tick)} y1={0} y2={plotBottom} />
            <text class="chart__tick" x={x(tick)} y={plotBottom + 19} text-anchor="middle">
              {formatValue(tick)}
            </text>
          </g>
        ))}
        {data.map((bar, index) => {
          const top = index * ROW;
          const start = x(Math.min(0, bar.value));
          const end = x(Math.max(0, bar.value));
          const negative = bar.value < 0;
          return (
            <g key={index}>
              <text class="chart__label" x={left} y={top + LABEL_HEIGHT - 5}>
                {bar.label}
              </text>
              <rect class="chart__bar" x={start} y={top + LABEL_HEIGHT} width={Math.max(roundPixel(end - start), 1)} height={BAR_HEIGHT} />
              <text
                class="chart__value"
                x={negative ? start - 4 : end + 4}
                y={top + LABEL_HEIGHT + BAR_HEIGHT - 5}
                text-anchor={negative ? 'end' : 'start'}
              >
                {formatValue(bar.value)}
              </text>
            </g>
          );
        })}
        <line class="chart__axis" x1={x(0)} x2={x(0)} y1={0} y2={plotBottom} />
      </g>
    </ChartFrame>
  );
}
