import type { ReputationScore } from '../model';
import { badgesOf, type TrendPoint } from './badges';

const score = (overrides: Partial<ReputationScore>): ReputationScore => ({
  current: null,
  historical: null,
  totalRatings: 0,
  recentRatings: 0,
  asOf: '2026-12-01T00:00:00.000Z',
  ...overrides,
});

const days = (n: number, current: (day: number) => number | null): TrendPoint[] =>
  Array.from({ length: n }, (_, day) => ({ date: new Date(Date.UTC(2026, 8, 1) + day * 86_400_000).toISOString().slice(0, 10), current: current(day), historical: 4 }));

const ids = (scored: ReputationScore, trend: TrendPoint[] = []) => badgesOf(scored, trend).map((badge) => badge.id);

describe('reputation badges', () => {
  it('are none without ratings', () => {
    expect(badgesOf(score({}), days(90, () => null))).toEqual([]);
  });

  it('trusted: a current 4.5 from 10 recent ratings, not from 9 nor from 4.49', () => {
    expect(ids(score({ current: 4.5, historical: 4.5, recentRatings: 10, totalRatings: 10 }))).toEqual(['trusted']);
    expect(ids(score({ current: 4.5, historical: 4.5, recentRatings: 9, totalRatings: 10 }))).toEqual([]);
    expect(ids(score({ current: 4.49, historical: 4.49, recentRatings: 10, totalRatings: 10 }))).toEqual([]);
    // Compared as shown: 4.4999 reads 4.50.
    expect(ids(score({ current: 4.4999, historical: 4.4999, recentRatings: 10, totalRatings: 10 }))).toEqual(['trusted']);
  });

  it('consistent: a historical 4 over 25 ratings', () => {
    expect(ids(score({ current: null, historical: 4, totalRatings: 25 }))).toEqual(['consistent']);
    expect(ids(score({ current: null, historical: 4, totalRatings: 24 }))).toEqual([]);
    expect(ids(score({ current: null, historical: 3.99, totalRatings: 25 }))).toEqual([]);
  });

  it('rising: current 0.3 above historical with 5 recent ratings', () => {
    expect(ids(score({ current: 3.8, historical: 3.5, recentRatings: 5, totalRatings: 20 }))).toEqual(['rising']);
    expect(ids(score({ current: 3.79, historical: 3.5, recentRatings: 5, totalRatings: 20 }))).toEqual([]);
    expect(ids(score({ current: 3.8, historical: 3.5, recentRatings: 4, totalRatings: 20 }))).toEqual([]);
  });

  it('steady: a current 4 on each of the last 90 days, none missing', () => {
    const scored = score({ current: 4.2, historical: 4.2, recentRatings: 3, totalRatings: 12 });
    expect(ids(scored, days(120, (day) => (day < 30 ? 2 : 4)))).toEqual(['steady']);
    expect(ids(scored, days(89, () => 4.2))).toEqual([]);
    expect(ids(scored, days(90, (day) => (day === 45 ? null : 4.2)))).toEqual([]);
    expect(ids(scored, days(90, (day) => (day === 89 ? 3.99 : 4.2)))).toEqual([]);
  });

  it('come in a fixed order with English and Spanish labels', () => {
    const badges = badgesOf(score({ current: 4.9, historical: 4.5, recentRatings: 12, totalRatings: 30 }), days(90, () => 4.8));
    expect(badges).toEqual([
      { id: 'trusted', label: { en: 'Trusted', es: 'De confianza' } },
      { id: 'consistent', label: { en: 'Consistently well rated', es: 'Bien valorado con constancia' } },
      { id: 'rising', label: { en: 'Rising', es: 'En ascenso' } },
      { id: 'steady', label: { en: 'Steady', es: 'Constante' } },
    ]);
  });
});
