import { AnchoringError } from './errors';
import { canonicalize } from './canonical-json';

/** RFC 8785 (JCS) over values of any depth: statements stored before the LRS bounded the depth of JSON it accepts. */

const deepArray = (depth: number, inner: unknown = 1): unknown => {
  let value = inner;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

describe('canonicalize without recursion', () => {
  it('writes a value 100,000 levels deep (JSON.stringify overflows the stack on it)', () => {
    const value = { b: deepArray(100_000), a: 1 };
    expect(() => JSON.stringify(value)).toThrow(RangeError);
    const text = canonicalize(value);
    expect(text).toBe(`{"a":1,"b":${'['.repeat(100_000)}1${']'.repeat(100_000)}}`);
  });

  it('names the path of what cannot be canonicalised, however deep', () => {
    let error: unknown;
    try {
      canonicalize({ x: [0, { y: deepArray(3, Number.NaN) }] });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AnchoringError);
    expect((error as Error).message).toBe('cannot canonicalise $["x"][1]["y"][0][0][0]: NaN has no JSON form');
    expect(() => canonicalize(deepArray(99_999, [undefined]))).toThrow(/^cannot canonicalise \$(\[0\]){100000}: a undefined is not JSON$/);
    expect(() => canonicalize({ a: { '\ud800': 1 } })).toThrow('cannot canonicalise $["a"]["\\ud800"]: a string with a lone surrogate is not I-JSON');
  });

  it('leaves out members whose value is undefined, and writes commas only between members', () => {
    expect(canonicalize({ c: undefined, b: [1, { z: undefined, y: [] }], a: undefined })).toBe('{"b":[1,{"y":[]}]}');
    expect(canonicalize([{}, [], [[]], { a: {} }])).toBe('[{},[],[[]],{"a":{}}]');
  });
});
