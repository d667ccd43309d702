import { parseRatingInput, parseReportInput, parseResolution } from './inputs';

const RESERVATION = '17743377-627f-578c-874d-d72befddbf0f';
const valid = { reservationId: RESERVATION, overall: 4, safety: 5, cleanliness: 3, accessibility: 2, review: '  Bright and quiet.  ' };

function refusal(parse: () => unknown): { status: number; code: string; message: string } {
  try {
    parse();
  } catch (error) {
    return error as { status: number; code: string; message: string };
  }
  throw new Error('accepted');
}

describe('parseRatingInput (issue 13: each score an integer 1–5, and a review)', () => {
  it('takes four integer scores, the reservation and a trimmed review; digits from a form too', () => {
    expect(parseRatingInput(valid)).toEqual({ reservationId: RESERVATION, scores: { overall: 4, safety: 5, cleanliness: 3, accessibility: 2 }, review: 'Bright and quiet.' });
    expect(parseRatingInput({ ...valid, overall: '5', review: '   ' })).toEqual({ reservationId: RESERVATION, scores: { overall: 5, safety: 5, cleanliness: 3, accessibility: 2 } });
  });

  it.each([
    ['overall', 0, 'overall must be an integer from 1 to 5, got 0'],
    ['safety', 6, 'safety must be an integer from 1 to 5, got 6'],
    ['cleanliness', 4.5, 'cleanliness must be an integer from 1 to 5, got 4.5'],
    ['accessibility', undefined, 'accessibility must be an integer from 1 to 5, got nothing'],
    ['overall', '4.0', 'overall must be an integer from 1 to 5, got "4.0"'],
    ['overall', true, 'overall must be an integer from 1 to 5, got true'],
    ['reservationId', 'r-1', 'reservationId must be a UUID, got "r-1"'],
    ['review', 'x'.repeat(2001), 'review has 2001 characters; at most 2000'],
    ['review', 42, 'review must be text, got 42'],
  ])('answers 400 INVALID_RATING naming %s when it is %p', (field, value, message) => {
    const error = refusal(() => parseRatingInput({ ...valid, [field]: value }));
    expect(error).toMatchObject({ status: 400, code: 'INVALID_RATING', message });
  });

  it('refuses unknown fields and bodies that are not objects', () => {
    expect(refusal(() => parseRatingInput({ ...valid, stars: 5 }))).toMatchObject({ code: 'INVALID_RATING', message: expect.stringContaining('Unknown field(s) stars') });
    expect(refusal(() => parseRatingInput([valid]))).toMatchObject({ status: 400, code: 'INVALID_BODY' });
    expect(refusal(() => parseRatingInput(null))).toMatchObject({ status: 400, code: 'INVALID_BODY' });
  });
});

describe('parseReportInput (the profile’s report-category values)', () => {
  it('takes a category of the profile, a description and an optional id', () => {
    expect(parseReportInput({ category: 'safety', description: ' Exit locked. ', id: RESERVATION.toUpperCase() })).toEqual({ category: 'safety', description: 'Exit locked.', id: RESERVATION });
  });

  it.each([
    [{ category: 'noise', description: 'Loud.' }, 'category must be one of safety, cleanliness, accessibility, misleading-listing, unavailable, other'],
    [{ category: 'safety' }, 'description is required'],
    [{ category: 'safety', description: 'x'.repeat(2001) }, 'description has 2001 characters'],
    [{ category: 'safety', description: 'Exit.', id: 'report-1' }, 'id must be a UUID'],
  ])('answers 400 INVALID_REPORT for %p', (body, message) => {
    expect(refusal(() => parseReportInput(body))).toMatchObject({ status: 400, code: 'INVALID_REPORT', message: expect.stringContaining(message) });
  });
});

describe('parseResolution', () => {
  it('takes the verifier’s note and refuses a missing one', () => {
    expect(parseResolution({ note: 'Checked on site.' })).toBe('Checked on site.');
    expect(refusal(() => parseResolution({}))).toMatchObject({ status: 400, code: 'INVALID_RESOLUTION', message: 'note is required: write it as text' });
  });
});
