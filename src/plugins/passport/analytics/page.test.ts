import type { ActivityTypeCount, ScorePoint } from './analytics';
import { chartPoints, typeBars } from './page';

const days = (n: number, from = Date.UTC(2026, 0, 1)): ScorePoint[] =>
  Array.from({ length: n }, (_, i) => ({ date: new Date(from + i * 86_400_000).toISOString().slice(0, 10), mean: i % 2 === 0 ? 1 : 0.5, count: i % 2 === 0 ? 1 : 3 }));

describe('the points of the score chart', () => {
  it('are days up to 60 of them, then months, then years, each the mean of all its scores', () => {
    expect(chartPoints(days(60))).toEqual({ period: 'day', points: days(60) });
    const months = chartPoints(days(61));
    expect(months.period).toBe('month');
    expect(months.points.map((point) => point.date)).toEqual(['2026-01', '2026-02', '2026-03']);
    // January: 16 days of one score 1 and 15 of three scores 0.5.
    expect(months.points[0]).toEqual({ date: '2026-01', mean: expect.closeTo((16 + 15 * 3 * 0.5) / (16 + 45)), count: 61 });
    const years = chartPoints(days(61 * 31));
    expect(years.period).toBe('year');
    expect(years.points.map((point) => point.date)).toEqual(['2026', '2027', '2028', '2029', '2030', '2031']);
    expect(years.points.reduce((sum, point) => sum + point.count, 0)).toBe(days(61 * 31).reduce((sum, point) => sum + point.count, 0));
  });
});

describe('the bars of the activity-type chart', () => {
  it('name types by the end of their IRI, untyped ones as such, and put the rarest beyond seven in one bar', () => {
    const counts: ActivityTypeCount[] = [
      { activityType: 'http://adlnet.gov/expapi/activities/cmi.interaction', kind: 'interaction', count: 30 },
      { activityType: null, kind: 'interaction', count: 20 },
      ...Array.from({ length: 8 }, (_, i) => ({ activityType: `https://example.org/types#t${i}`, kind: 'interaction' as const, count: 10 - i })),
    ];
    const bars = typeBars(counts, 'No type', (n) => `${n} other types`);
    expect(bars.slice(0, 3)).toEqual([
      { label: 'cmi.interaction', value: 30 },
      { label: 'No type', value: 20 },
      { label: 't0', value: 10 },
    ]);
    expect(bars).toHaveLength(8);
    expect(bars.at(-1)).toEqual({ label: '3 other types', value: 5 + 4 + 3 });
    expect(typeBars(counts.slice(0, 8), 'No type', (n) => `${n}`)).toHaveLength(8);
  });
});
