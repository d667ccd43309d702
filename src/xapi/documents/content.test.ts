import { BadRequestCode, BadRequestError } from '../../errors';
import { mergeJsonObjects, parseJsonContent, parseJsonObject } from './content';
import { DocumentErrorCode } from './errors';

/** Spec references are to xAPI-Communication.md (1.0.3). */

function thrown(action: () => unknown): BadRequestError {
  try {
    action();
  } catch (error) {
    if (error instanceof BadRequestError) return error;
    throw error;
  }
  throw new Error('expected a BadRequestError');
}

const merge = (existing: string, posted: string) =>
  mergeJsonObjects(parseJsonObject(Buffer.from(existing), 'stored document'), parseJsonObject(Buffer.from(posted), 'posted document')).toString('utf8');

describe('mergeJsonObjects (Communication 2.2.s7)', () => {
  it('sets each top-level property of the posted Object on the existing one, whole (2.2.s7.b2)', () => {
    const merged = merge('{\n\t"x" : "foo",\n\t"y" : "bar"\n}', '{\n\t"x" : "bash",\n\t"z" : "faz"\n}');
    expect(JSON.parse(merged)).toEqual({ x: 'bash', y: 'bar', z: 'faz' });
    expect(merged).toBe('{"x":"bash","y":"bar","z":"faz"}');
    expect(JSON.parse(merge('{"a":{"b":1,"c":2}}', '{"a":{"d":3}}'))).toEqual({ a: { d: 3 } });
  });

  it('copies every value byte for byte, so no number is changed by a double (2.2.s7.b3)', () => {
    const merged = merge('{"big":12345678901234567890,"huge":1e400,"keep":[1.0, 0.123456789012345678901]}', '{"new":-1e400}');
    expect(merged).toBe('{"big":12345678901234567890,"huge":1e400,"keep":[1.0, 0.123456789012345678901],"new":-1e400}');
  });

  it('finds members whatever their strings, escapes, nesting and whitespace hold', () => {
    const existing = '{ "a\\"{" : "}\\\\" , "b":[{"c":"],"}, [ ]] ,"\\u0064":{"e":{}} }';
    const merged = merge(existing, '{"b":null}');
    expect(JSON.parse(merged)).toEqual({ 'a"{': '}\\', b: null, d: { e: {} } });
  });

  it('takes the last of repeated names, as JSON.parse does', () => {
    expect(JSON.parse(merge('{"a":1,"b":2,"a":3}', '{"c":4,"c":5}'))).toEqual({ a: 3, b: 2, c: 5 });
  });

  it('merges empty Objects', () => {
    expect(merge('{}', '{}')).toBe('{}');
    expect(merge(' {} ', '{"a":1}')).toBe('{"a":1}');
    expect(merge('{"a":1}', '{ }')).toBe('{"a":1}');
  });

  it('refuses to merge into a stored document deeper than the limit (stored by an earlier version) with 400, not 500', () => {
    const deep = `{"deep":${'['.repeat(100_000)}${']'.repeat(100_000)},"x":1}`;
    const error = thrown(() => merge(deep, '{"y":2}'));
    expect(error.code).toBe('JSON_TOO_DEEP');
    expect(error.message).toMatch(/^The stored document: \$\.deep\[0\]/);
  });

  it('serialises objects it did not parse with JSON.stringify', () => {
    expect(mergeJsonObjects({ a: 1, b: undefined }, { c: [true] }).toString()).toBe('{"a":1,"c":[true]}');
  });
});

describe('parseJsonContent / parseJsonObject', () => {
  it('refuses a document nested deeper than 100 levels with JSON_TOO_DEEP', () => {
    const deep = `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    for (const parse of [parseJsonContent, parseJsonObject]) {
      const error = thrown(() => parse(Buffer.from(deep), 'posted document'));
      expect(error.code).toBe('JSON_TOO_DEEP');
      expect(error.status).toBe(400);
      expect(error.message).toMatch(/^The posted document: \$\.a\[0\]\[0\]/);
    }
    expect(() => parseJsonObject(Buffer.from(`{"a":${'['.repeat(99)}${']'.repeat(99)}}`), 'posted document')).not.toThrow();
  });

  it('keeps numbers a double cannot hold (documents are kept byte for byte)', () => {
    expect(() => parseJsonObject(Buffer.from('{"a":1e400}'), 'posted document')).not.toThrow();
  });

  it('refuses what is not UTF-8 JSON with INVALID_JSON, and what is not an Object with DOCUMENT_NOT_MERGEABLE (2.2.s8.b1)', () => {
    expect(thrown(() => parseJsonObject(Buffer.from('{"a":'), 'posted document')).code).toBe(BadRequestCode.InvalidJson);
    expect(thrown(() => parseJsonObject(Buffer.from([0x7b, 0xff, 0x7d]), 'posted document')).code).toBe(BadRequestCode.InvalidJson);
    expect(thrown(() => parseJsonObject(Buffer.from('[1]'), 'posted document')).code).toBe(DocumentErrorCode.NotMergeable);
  });
});
