export { BarChart, type BarChartProps } from './bar-chart';
export { LineChart, MAX_LINE_SERIES, type LineChartProps, type LineSeries } from './line-chart';
export { niceScale, type Scale } from './scale';
