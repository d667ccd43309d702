import { clipIntervals, mergeIntervals, subtractIntervals } from './intervals';

const of = (...pairs: Array<[number, number]>) => pairs.map(([startMs, endMs]) => ({ startMs, endMs }));

describe('interval sets', () => {
  test('mergeIntervals sorts, joins overlapping and touching intervals, drops empty ones, and leaves its input as it was', () => {
    const input = of([50, 60], [10, 20], [15, 30], [30, 35], [40, 40], [45, 44]);
    expect(mergeIntervals(input)).toEqual(of([10, 35], [50, 60]));
    expect(input).toEqual(of([50, 60], [10, 20], [15, 30], [30, 35], [40, 40], [45, 44]));
    expect(mergeIntervals(of([1, 2], [3, 4]))).toEqual(of([1, 2], [3, 4]));
  });

  test('subtractIntervals keeps what no busy interval covers, whatever their order', () => {
    expect(subtractIntervals(of([0, 100], [200, 300]), of([250, 260], [90, 210], [10, 20], [15, 25]))).toEqual(of([0, 10], [25, 90], [210, 250], [260, 300]));
    expect(subtractIntervals(of([0, 100]), of())).toEqual(of([0, 100]));
    expect(subtractIntervals(of([0, 100]), of([0, 100]))).toEqual(of());
    expect(subtractIntervals(of([0, 10], [20, 30]), of([-5, 5], [25, 40]))).toEqual(of([5, 10], [20, 25]));
  });

  test('clipIntervals keeps the parts inside the window', () => {
    const sorted = of([0, 10], [20, 30], [40, 50], [60, 70]);
    expect(clipIntervals(sorted, 25, 45)).toEqual(of([25, 30], [40, 45]));
    expect(clipIntervals(sorted, 10, 20)).toEqual(of());
    expect(clipIntervals(sorted, -100, 100)).toEqual(sorted);
  });
});
