import { countedRatings, emptySummary, summarize } from './summaries';

const rating = (id: string, position: number, reservationId = 'r1', rater = 'ana') => ({ id, position, reservationId, rater });

describe('countedRatings (issue 13: one rating per rater and attended reservation; the later replaces the earlier)', () => {
  it('keeps the rating stored last of each rater and reservation, by feed position then id', () => {
    const counted = countedRatings([rating('a', 3), rating('b', 7), rating('c', 5), rating('d', 7, 'r1', 'bea'), rating('e', 2, 'r2'), rating('f', 7, 'r1', 'bea')]);
    expect(counted.map(({ id }) => id).sort()).toEqual(['b', 'e', 'f']);
  });
});

describe('summarize', () => {
  it('counts, averages each dimension to two decimals and gives the distribution of scores 1..5', () => {
    const summary = summarize([
      { overall: 5, safety: 4, cleanliness: 1, accessibility: 2 },
      { overall: 4, safety: 4, cleanliness: 2, accessibility: 2 },
      { overall: 4, safety: 5, cleanliness: 3, accessibility: 1 },
    ]);
    expect(summary).toEqual({
      count: 3,
      overall: 4.33,
      safety: 4.33,
      cleanliness: 2,
      accessibility: 1.67,
      distribution: { overall: [0, 0, 0, 2, 1], safety: [0, 0, 0, 2, 1], cleanliness: [1, 1, 1, 0, 0], accessibility: [1, 2, 0, 0, 0] },
    });
  });

  it('gives null means and zero counts without ratings', () => {
    expect(summarize([])).toEqual(emptySummary());
    expect(emptySummary()).toMatchObject({ count: 0, overall: null, safety: null, cleanliness: null, accessibility: null });
  });
});
