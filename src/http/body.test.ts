import { BadRequestCode, BadRequestError } from '../errors';
import {
  assertWellEncodedQuery,
  checkJsonText,
  JsonLimitCode,
  MAX_JSON_DEPTH,
  numberProblem,
  parseJsonRequest,
} from './body';

/** Spec references are to xAPI-Communication.md (1.0.3) unless noted. */

const nested = (depth: number, inner = '1') => '['.repeat(depth) + inner + ']'.repeat(depth);

function thrown(action: () => unknown): BadRequestError {
  try {
    action();
  } catch (error) {
    if (error instanceof BadRequestError) return error;
    throw error;
  }
  throw new Error('expected a BadRequestError');
}

describe('checkJsonText: nesting depth', () => {
  it(`accepts ${MAX_JSON_DEPTH} levels of arrays and objects and refuses ${MAX_JSON_DEPTH + 1} with JSON_TOO_DEEP`, () => {
    expect(checkJsonText(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(checkJsonText(nested(MAX_JSON_DEPTH + 1))).toMatchObject({ code: JsonLimitCode.TooDeep });
    const objects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    expect(checkJsonText(objects(MAX_JSON_DEPTH))).toBeUndefined();
    expect(checkJsonText(objects(MAX_JSON_DEPTH + 1))?.code).toBe('JSON_TOO_DEEP');
    expect(checkJsonText(nested(5), { maxDepth: 4 })?.code).toBe('JSON_TOO_DEEP');
  });

  it('measures depth, not size: wide and long values are fine', () => {
    const wide = `[${Array.from({ length: 10_000 }, () => nested(50)).join(',')}]`;
    expect(checkJsonText(wide)).toBeUndefined();
  });

  it('handles 100,000 levels (a stack overflow in a recursive walker) in one linear pass', () => {
    const text = nested(100_000);
    expect(() => JSON.parse(text)).not.toThrow(); // V8's JSON.parse is iterative
    const started = performance.now();
    const problem = checkJsonText(text);
    const elapsed = performance.now() - started;
    expect(problem?.code).toBe(JsonLimitCode.TooDeep);
    expect(problem?.message).toMatch(/more than 100 levels/);
    expect(elapsed).toBeLessThan(1000);
  });

  it('names where the limit is crossed, abbreviating long paths', () => {
    const text = `[{"result":{"extensions":{"http://example.org/e":${nested(200)}}}}]`;
    const problem = checkJsonText(text)!;
    expect(problem.path.startsWith('$[0].result.extensions["http://example.org/e"][0][0][0][0]')).toBe(true);
    expect(problem.path).toMatch(/…\(\d+ more levels\)…\[0\]\[0\]\[0\]$/);
  });

  it('does not count brackets, braces, commas or escaped quotes inside strings', () => {
    const tricky = JSON.stringify({ a: '[[[[{{{{', 'b\\"[': ['\\', '"]]]', '\\\\"'], c: nested(3) });
    expect(checkJsonText(tricky, { maxDepth: 2 })).toBeUndefined();
    const deepAfterStrings = `{"x\\"[":"]]]]","y":[[["\\\\",1e400]]]}`;
    expect(checkJsonText(deepAfterStrings)).toMatchObject({ code: 'UNREPRESENTABLE_NUMBER', path: '$.y[0][0][1]' });
  });
});

describe('checkJsonText: numbers must survive a round trip through a double (RFC 8259 §6)', () => {
  it.each([
    '0', '-0', '1', '-1', '1.0', '1.50', '1e2', '1E+2', '100e-2', '0.1', '-0.0', '0e999999', '123456789012345',
    '9007199254740991', '9007199254740992', '-9007199254740992', '18014398509481984', '1e21', '1.7976931348623157e308',
    '5e-324', '2.2250738585072014e-308', '0.30000000000000004', '123.456', '3.141592653589793', '1e22',
  ])('accepts %s', (number) => {
    expect(numberProblem(number)).toBeUndefined();
    expect(checkJsonText(`{"n":${number}}`)).toBeUndefined();
  });

  it.each([
    ['1e400', 'Infinity'],
    ['-1e400', '-Infinity'],
    ['1.8e308', 'Infinity'],
    ['1e-400', '0'],
    ['12345678901234567890', '12345678901234567000'],
    ['9007199254740993', '9007199254740992'],
    ['-9007199254740993', '-9007199254740992'],
    ['0.123456789012345678901', '0.12345678901234568'],
    ['0.10000000000000001', '0.1'],
    ['3e-324', '5e-324'],
  ])('refuses %s (it would be read back as %s)', (number, becomes) => {
    const problem = checkJsonText(`{"result":{"extensions":{"http://example.org/n":[1,${number}]}}}`);
    expect(problem).toMatchObject({ code: JsonLimitCode.UnrepresentableNumber, path: '$.result.extensions["http://example.org/n"][1]' });
    expect(problem?.message).toContain(`the number ${number} would not survive a round trip`);
    expect(problem?.message).toContain(`read back as ${becomes}`);
    expect(problem?.message).toMatch(/refuses such numbers rather than change them/);
  });

  it('checks a number at the top level and in every position of arrays and objects', () => {
    expect(checkJsonText('1e400')).toMatchObject({ path: '$' });
    expect(checkJsonText('[1,2,{"a":[3,{"b":1e400}]}]')).toMatchObject({ path: '$[2].a[1].b' });
    expect(checkJsonText('{"a":{"b":1},"c":1e400}')).toMatchObject({ path: '$.c' });
  });

  it('quotes a long number only in part', () => {
    const problem = checkJsonText(`[1.${'1'.repeat(10_000)}]`);
    expect(problem?.message.length).toBeLessThan(600);
    expect(problem?.message).toContain('(10002 characters)');
  });

  it('leaves numbers alone when asked to', () => {
    expect(checkJsonText('[1e400]', { exactNumbers: false })).toBeUndefined();
  });
});

describe('parseJsonRequest', () => {
  it('refuses bytes that are not UTF-8 rather than replacing them with U+FFFD (Communication 1.4.s1.b1)', () => {
    const bytes = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const error = thrown(() => parseJsonRequest(bytes, 'The request body'));
    expect(error.code).toBe(BadRequestCode.InvalidJson);
    expect(error.message).toMatch(/^The request body is not valid UTF-8 JSON/);
  });

  it('refuses JSON too deep or with unrepresentable numbers, with a stable code and the JSON path', () => {
    expect(thrown(() => parseJsonRequest(Buffer.from(nested(101)), 'The request body')).code).toBe('JSON_TOO_DEEP');
    const error = thrown(() => parseJsonRequest(Buffer.from('{"a":[1e400]}'), 'The statement part'));
    expect(error.code).toBe('UNREPRESENTABLE_NUMBER');
    expect(error.message).toMatch(/^The statement part: \$\.a\[0\]: the number 1e400/);
  });

  it('returns the value of JSON within the limits', () => {
    expect(parseJsonRequest(Buffer.from('{"a":[1.0,-0,"x"]}'), 'The request body')).toEqual({ a: [1, -0, 'x'] });
  });
});

describe('assertWellEncodedQuery (the query parser would replace bad bytes with U+FFFD)', () => {
  it.each(['/activities/state?activityId=%E0%A4%A', '/x?stateId=%FF', '/x?a=1&b=%ZZ', '/x?%E0=1', '/x?a=%'])(
    'refuses %s with 400 INVALID_PARAMETER',
    (url) => {
      const error = thrown(() => assertWellEncodedQuery(url));
      expect(error.code).toBe(BadRequestCode.InvalidParameter);
      expect(error.message).toMatch(/not valid percent-encoded UTF-8/);
    },
  );

  it('names the parameter', () => {
    expect(thrown(() => assertWellEncodedQuery('/x?activityId=%E0%A4%A')).message).toMatch(/^the query parameter "activityId"/);
  });

  it.each(['/x', '/x?', '/x?a=1&b=2', '/x?activityId=http%3A%2F%2Fexample.org%2F%C3%A9', '/x?a=b+c', '/x?a', '/x/%ZZ?a=1'])(
    'accepts %s',
    (url) => {
      expect(() => assertWellEncodedQuery(url)).not.toThrow();
    },
  );
});
