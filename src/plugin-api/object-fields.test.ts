import { BadRequestError, objectFields } from '.';

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
