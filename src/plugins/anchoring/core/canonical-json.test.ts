import { canonicalize } from './canonical-json';
import { AnchoringError } from './errors';

function rejection(value: unknown): AnchoringError {
  try {
    canonicalize(value);
  } catch (error) {
    if (error instanceof AnchoringError) return error;
    throw error;
  }
  throw new Error('expected canonicalize to reject');
}

describe('RFC 8785 examples', () => {
  it('§3.2.2: serialises primitives (the numbers, string and literals example)', () => {
    const input = JSON.parse(`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
      "literals": [null, true, false]
    }`);
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('§3.2.3: sorts property names by UTF-16 code units', () => {
    const input = JSON.parse(`{
      "\\u20ac": "Euro Sign",
      "\\r": "Carriage Return",
      "\\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\\ud83d\\ude00": "Emoji: Grinning Face",
      "\\u0080": "Control",
      "\\u00f6": "Latin Small Letter O With Diaeresis"
    }`);
    expect(canonicalize(input)).toBe(
      // Escaped here for legibility only: the output holds the characters themselves.
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  // Appendix B: IEEE-754 bit patterns and their JSON serialisation.
  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('Appendix B: %s serialises as %s', (bits, expected) => {
    const number = Buffer.from(bits, 'hex').readDoubleBE(0);
    expect(canonicalize(number)).toBe(expected);
    expect(canonicalize([number])).toBe(`[${expected}]`);
  });

  it.each([
    ['7fffffffffffffff', 'NaN'],
    ['7ff0000000000000', 'Infinity'],
    ['fff0000000000000', '-Infinity'],
  ])('Appendix B: %s (%s) is an error', (bits) => {
    const number = Buffer.from(bits, 'hex').readDoubleBE(0);
    expect(rejection({ a: [number] })).toMatchObject({ code: 'NOT_CANONICALIZABLE' });
  });
});

describe('canonicalize', () => {
  it('writes no whitespace and keeps array order', () => {
    expect(canonicalize({ b: [3, 1, { d: 1, c: [] }], a: {} })).toBe('{"a":{},"b":[3,1,{"c":[],"d":1}]}');
  });

  it('escapes as JSON.stringify does: short escapes, lower-case \\u00xx for other controls', () => {
    expect(canonicalize('\b\t\n\f\r\u0000\u001f"\\/\u007f')).toBe('"\\b\\t\\n\\f\\r\\u0000\\u001f\\"\\\\/\u007f"');
  });

  it('keeps surrogate pairs and rejects lone surrogates (JCS takes I-JSON)', () => {
    expect(canonicalize('a😀b')).toBe('"a😀b"');
    expect(rejection({ x: 'a\ud83d' })).toMatchObject({ code: 'NOT_CANONICALIZABLE' });
    expect(rejection({ x: '\ude00b' }).message).toContain('lone surrogate');
    expect(rejection({ '\ud800': 1 })).toMatchObject({ code: 'NOT_CANONICALIZABLE' });
  });

  it('sorts large objects (the built-in sort) the same way', () => {
    const names = Array.from({ length: 40 }, (_, i) => `k${(i * 7919) % 40}\u00e9`).concat(['Z', '\u20ac', '😀', '\ufb33']);
    const object = Object.fromEntries(names.map((name) => [name, 1]));
    const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(canonicalize(object)).toBe(`{${sorted.map((name) => `${JSON.stringify(name)}:1`).join(',')}}`);
  });

  it('orders integer-like names as strings, not as JavaScript enumerates them', () => {
    expect(canonicalize({ 10: 'a', 2: 'b', 1: 'c', '-1': 'd' })).toBe('{"-1":"d","1":"c","10":"a","2":"b"}');
  });

  it('leaves out members whose value is undefined, as the JSON text would', () => {
    const value = { a: 1, b: undefined, c: { d: undefined } };
    expect(canonicalize(value)).toBe('{"a":1,"c":{}}');
    expect(canonicalize(value)).toBe(canonicalize(JSON.parse(JSON.stringify(value))));
  });

  it('accepts objects without a prototype', () => {
    const object = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 2 });
    expect(canonicalize(object)).toBe('{"a":2,"b":1}');
  });

  it.each([
    ['undefined in an array', [1, undefined]],
    ['a function', { f: () => 1 }],
    ['a bigint', { n: 1n }],
    ['a symbol', [Symbol('s')]],
    ['a Date', { when: new Date(0) }],
    ['a Map', new Map()],
    ['undefined', undefined],
  ])('rejects %s', (_, value) => {
    expect(rejection(value)).toBeInstanceOf(AnchoringError);
  });

  it('says where the value it cannot canonicalise is', () => {
    expect(rejection({ result: { score: { raw: [1, Number.NaN] } } }).message).toBe(
      'cannot canonicalise $["result"]["score"]["raw"][1]: NaN has no JSON form',
    );
  });
});
