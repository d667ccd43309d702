import { countedRating, emptySummary, withRating } from './summaries';

describe('countedRating (issue 13: one rating per rater and attended reservation; the later replaces the earlier)', () => {
  it('is the rating stored last, by feed position, then by id within one batch', () => {
    expect(countedRating([{ id: 'a', position: 3 }, { id: 'b', position: 7 }, { id: 'c', position: 5 }])?.id).toBe('b');
    expect(countedRating([{ id: 'f', position: 7 }, { id: 'd', position: 7 }])?.id).toBe('f');
    expect(countedRating([])).toBeUndefined();
  });
});

describe('withRating', () => {
  it('adds ratings to counts, distributions (index 0 = score 1) and means to two decimals', () => {
    const summary = [
      { overall: 5, safety: 4, cleanliness: 1, accessibility: 2 },
      { overall: 4, safety: 4, cleanliness: 2, accessibility: 2 },
      { overall: 4, safety: 5, cleanliness: 3, accessibility: 1 },
    ].reduce((sum, scores) => withRating(sum, scores, 1), emptySummary());
    expect(summary).toEqual({
      count: 3,
      overall: 4.33,
      safety: 4.33,
      cleanliness: 2,
      accessibility: 1.67,
      distribution: { overall: [0, 0, 0, 2, 1], safety: [0, 0, 0, 2, 1], cleanliness: [1, 1, 1, 0, 0], accessibility: [1, 2, 0, 0, 0] },
    });
  });

  it('takes a rating out again, back to null means and zero counts', () => {
    const scores = { overall: 3, safety: 2, cleanliness: 5, accessibility: 1 };
    const empty = emptySummary();
    expect(withRating(withRating(empty, scores, 1), scores, -1)).toEqual(empty);
    expect(empty).toMatchObject({ count: 0, overall: null, safety: null, cleanliness: null, accessibility: null });
  });
});
