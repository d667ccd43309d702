import { BadRequestError, localizedTextField, objectFields } from '.';

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof BadRequestError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('not refused');
}

describe("objectFields: a JSON request's object, checked", () => {
  it('gives back an object holding only the known fields', () => {
    expect(objectFields({ name: 'A', actor: {} }, 'INVALID_THING', { known: ['name', 'actor'] })).toEqual({ name: 'A', actor: {} });
    expect(objectFields({ anything: 1 }, 'INVALID_THING')).toEqual({ anything: 1 });
  });

  it('refuses anything but an object with 400 and the code given, naming the body or the nested field', () => {
    for (const value of [null, [], 'x', 3, undefined]) {
      expect(refusal(() => objectFields(value, 'INVALID_THING'))).toEqual({ code: 'INVALID_THING', message: 'The body must be a JSON object' });
    }
    expect(refusal(() => objectFields([], 'INVALID_THING', { path: 'address' })).message).toBe('address must be a JSON object');
  });

  it('names the first unknown field (nested under its path) and the fields there are', () => {
    expect(refusal(() => objectFields({ name: 'A', weight: 2 }, 'INVALID_THING', { known: ['name'] }))).toEqual({ code: 'INVALID_THING', message: 'Unknown field weight; the fields are name' });
    expect(refusal(() => objectFields({ floor: 2 }, 'INVALID_THING', { known: ['street', 'city'], path: 'address' })).message).toBe('Unknown field address.floor; the fields are street, city');
  });
});

describe('localizedTextField: a text in English and Spanish', () => {
  const field = (value: unknown, required = true) => localizedTextField(value, 'name', 'INVALID_THING', { max: 10, required });

  it('keeps the languages given, one or both', () => {
    expect(field({ en: 'Maths', es: 'Mates' })).toEqual({ en: 'Maths', es: 'Mates' });
    expect(field({}, false)).toEqual({});
  });

  it('refuses no language when one is required, another language, an empty or too long text, naming the field', () => {
    expect(refusal(() => field({}))).toEqual({ code: 'INVALID_THING', message: 'name needs an English or Spanish text, e.g. {"en": "…", "es": "…"}' });
    expect(refusal(() => field({ fr: 'Maths' })).message).toBe('name has the language "fr"; the languages are en and es');
    expect(refusal(() => field({ en: ' ' })).message).toBe('name.en must be a non-empty text of at most 10 characters');
    expect(refusal(() => field({ es: 'x'.repeat(11) })).message).toBe('name.es must be a non-empty text of at most 10 characters');
    expect(refusal(() => field('Maths')).message).toBe('name must be a JSON object');
  });
});
