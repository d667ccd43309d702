import { AnchoringError } from './errors';

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS), written here because the npm `canonicalize`
 * package is ESM-only and this project is CommonJS.
 *
 * - No whitespace.
 * - Object members sorted by their names as arrays of UTF-16 code units (§3.2.3) — the order
 *   of JavaScript's default string comparison.
 * - Strings as ECMAScript's JSON.stringify writes them (§3.2.2.2); lone surrogates are
 *   rejected, as JCS takes I-JSON (RFC 7493) input.
 * - Numbers as ECMAScript's Number serialisation (§3.2.2.3), which JSON.stringify of a finite
 *   number is; NaN and ±Infinity are rejected. (−0 is written 0.)
 * - Literals null, true, false.
 *
 * Accepts what JSON.parse returns. As JSON.stringify does, object members whose value is
 * `undefined` are left out — a TypeScript object with an optional member set to undefined has
 * the same canonical form as its JSON text — but `undefined` anywhere else, functions,
 * symbols, bigints and objects other than plain objects and arrays (Date, Map, …) are
 * rejected, so that canonicalize(x) is always the JCS of the JSON text of x.
 */
export function canonicalize(value: unknown): string {
  try {
    return serialize(value);
  } catch (error) {
    if (!(error instanceof Unrepresentable)) throw error;
    throw new AnchoringError('NOT_CANONICALIZABLE', `cannot canonicalise $${error.path}: ${error.reason}`);
  }
}

/** Thrown while serialising; `path` is then set to where (e.g. `["result"]["extensions"][0]`). */
class Unrepresentable extends Error {
  path = '';
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** An array or object being written: its items or sorted member names, and the one being written. */
interface Frame {
  array: unknown[] | undefined;
  object: Record<string, unknown> | undefined;
  names: string[] | undefined;
  index: number;
  /** The index or name of the item or member being written (for error paths). */
  current: number | string | undefined;
}

/**
 * Iterative (an explicit stack instead of recursion), so that a value of any depth, such as a
 * statement stored before the LRS bounded the depth of JSON it accepts, is canonicalised
 * rather than overflowing the call stack.
 */
function serialize(value: unknown): string {
  const stack: Frame[] = [];
  let out = '';
  let next = value;
  try {
    for (;;) {
      out += openOrWrite(next, stack);
      // Close finished arrays and objects, then go on with the next item or member.
      let frame = stack[stack.length - 1];
      let member: unknown;
      for (;;) {
        if (frame === undefined) return out;
        if (frame.array !== undefined) {
          if (frame.index < frame.array.length) {
            if (frame.index > 0) out += ',';
            frame.current = frame.index;
            member = frame.array[frame.index++];
            break;
          }
          out += ']';
        } else {
          const names = frame.names!;
          // Members whose value is undefined are left out, as JSON.stringify does.
          while (frame.index < names.length && frame.object![names[frame.index]!] === undefined) frame.index++;
          if (frame.index < names.length) {
            const name = names[frame.index++]!;
            if (frame.current !== undefined) out += ',';
            frame.current = name;
            out += `${serializeString(name)}:`;
            member = frame.object![name];
            break;
          }
          out += '}';
        }
        stack.pop();
        frame = stack[stack.length - 1];
      }
      next = member;
    }
  } catch (error) {
    if (error instanceof Unrepresentable) error.path = stack.map(({ current }) => `[${JSON.stringify(current)}]`).join('');
    throw error;
  }
}

/** The text of a scalar, or the opening bracket of an array or object (pushed on `stack`). */
function openOrWrite(value: unknown, stack: Frame[]): string {
  switch (typeof value) {
    case 'string':
      return serializeString(value);
    case 'number':
      return serializeNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        stack.push({ array: value, object: undefined, names: undefined, index: 0, current: undefined });
        return '[';
      }
      if (isPlainObject(value)) {
        stack.push({ array: undefined, object: value, names: sortedNames(value), index: 0, current: undefined });
        return '{';
      }
      throw new Unrepresentable(`a ${value.constructor?.name ?? 'non-plain'} object is not JSON`);
    default:
      throw new Unrepresentable(`a ${typeof value} is not JSON`);
  }
}

/** Sorting a small object's names by insertion is much faster than Array.prototype.sort. */
const INSERTION_SORT_LIMIT = 16;

/** Member names in UTF-16 code unit order (JavaScript's string comparison). */
function sortedNames(object: Record<string, unknown>): string[] {
  const names = Object.keys(object);
  if (names.length > INSERTION_SORT_LIMIT) return names.sort();
  for (let i = 1; i < names.length; i++) {
    const name = names[i];
    let j = i - 1;
    for (; j >= 0 && names[j] > name; j--) names[j + 1] = names[j];
    names[j + 1] = name;
  }
  return names;
}

/** Characters JSON.stringify escapes (controls, quote, backslash) and surrogate code units. */
const NEEDS_CARE = /[\u0000-\u001f"\\\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function serializeString(text: string): string {
  if (!NEEDS_CARE.test(text)) return `"${text}"`;
  if (LONE_SURROGATE.test(text)) throw new Unrepresentable('a string with a lone surrogate is not I-JSON');
  return JSON.stringify(text);
}

function serializeNumber(number: number): string {
  if (!Number.isFinite(number)) throw new Unrepresentable(`${number} has no JSON form`);
  return JSON.stringify(number);
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
