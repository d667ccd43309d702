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

/** Thrown while serialising; each enclosing array or object prepends its step to `path`. */
class Unrepresentable extends Error {
  path = '';
  constructor(readonly reason: string) {
    super(reason);
  }
}

function serialize(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return serializeString(value);
    case 'number':
      return serializeNumber(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return serializeArray(value);
      if (isPlainObject(value)) return serializeObject(value);
      throw new Unrepresentable(`a ${value.constructor?.name ?? 'non-plain'} object is not JSON`);
    default:
      throw new Unrepresentable(`a ${typeof value} is not JSON`);
  }
}

function serializeObject(object: Record<string, unknown>): string {
  let out = '{';
  for (const name of sortedNames(object)) {
    const member = object[name];
    if (member === undefined) continue;
    if (out.length > 1) out += ',';
    try {
      out += `${serializeString(name)}:${serialize(member)}`;
    } catch (error) {
      throw within(error, `[${JSON.stringify(name)}]`);
    }
  }
  return `${out}}`;
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

function serializeArray(array: unknown[]): string {
  let out = '[';
  for (let i = 0; i < array.length; i++) {
    if (i > 0) out += ',';
    try {
      out += serialize(array[i]);
    } catch (error) {
      throw within(error, `[${i}]`);
    }
  }
  return `${out}]`;
}

function within(error: unknown, step: string): unknown {
  if (error instanceof Unrepresentable) error.path = step + error.path;
  return error;
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
