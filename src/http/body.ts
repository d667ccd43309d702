import express, { type Request, type RequestHandler } from 'express';
import { BadRequestCode, BadRequestError, PayloadTooLargeError } from '../errors';

/**
 * Every xAPI body is read as raw bytes (documents are binary-safe, multipart needs the bytes);
 * each route then interprets it by media type. JSON has its own, smaller limit.
 *
 * The same middleware first refuses a query string that is not percent-encoded UTF-8
 * (`?activityId=%E0%A4%A`, `?stateId=%FF`): the "simple" query parser would silently turn such
 * bytes into U+FFFD, so the resource would act on a different value than the client sent.
 */
export function rawBody(limitBytes: number): RequestHandler {
  const read = express.raw({ type: () => true, limit: limitBytes });
  return (req, res, next) => {
    assertWellEncodedQuery(req.url);
    read(req, res, next);
  };
}

/** The media type of the request, lower-cased and without parameters. */
export function mediaTypeOf(req: Request): string | undefined {
  return req.get('content-type')?.split(';')[0]?.trim().toLowerCase();
}

export function bodyBytes(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : typeof req.body === 'string' ? Buffer.from(req.body) : Buffer.alloc(0);
}

/**
 * The JSON of an application/json request body (a statement, a batch, a receipt to verify),
 * refused with 400 when it is not UTF-8 JSON, when it nests deeper than MAX_JSON_DEPTH or when
 * one of its numbers would not survive being read as a double (see checkJsonText).
 */
export function readJsonBody(req: Request, limitBytes = Number.POSITIVE_INFINITY): unknown {
  const bytes = bodyBytes(req);
  if (bytes.length > limitBytes) {
    throw new PayloadTooLargeError(`JSON bodies are limited to ${limitBytes} bytes; this one has ${bytes.length}`);
  }
  if (bytes.length === 0) throw new BadRequestError(BadRequestCode.InvalidJson, 'The request body is empty; JSON was expected');
  return parseJsonRequest(bytes, 'The request body');
}

/**
 * Parses JSON received from a client (`what` names it in messages, e.g. "The statement part"):
 * 400 INVALID_JSON unless it is UTF-8 JSON (Communication 1.4: bytes that are not UTF-8 are
 * refused, not replaced by U+FFFD), then the limits of checkJsonText.
 */
export function parseJsonRequest(bytes: Buffer, what: string, options: JsonTextOptions = {}): unknown {
  let value: unknown;
  let text: string;
  try {
    text = UTF8.decode(bytes);
    value = JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(BadRequestCode.InvalidJson, `${what} is not valid UTF-8 JSON: ${(error as Error).message}`);
  }
  assertJsonTextWithinLimits(text, what, options);
  return value;
}

/** Refuses bytes that are not UTF-8; keeps a BOM, which JSON.parse then refuses as before. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// ---------------------------------------------------------------------------------------------
// Limits on JSON text: nesting depth and numbers that a double cannot hold
// ---------------------------------------------------------------------------------------------

/**
 * The deepest nesting of arrays and objects accepted in JSON from a client. A statement needs
 * about 10 levels (a SubStatement's context activity definition extensions), so 100 leaves 90 for
 * extension values and documents, and keeps every recursive walk over the value (ajv, JSON.stringify,
 * MongoDB's BSON encoder) far from the stack limit.
 */
export const MAX_JSON_DEPTH = 100;

/** Stable codes of the 400 responses for JSON that breaks these limits. */
export const JsonLimitCode = {
  /** Nested deeper than MAX_JSON_DEPTH levels of arrays and objects. */
  TooDeep: 'JSON_TOO_DEEP',
  /** A number that would not survive a round trip through an IEEE 754 double (1e400, 12345678901234567890). */
  UnrepresentableNumber: 'UNREPRESENTABLE_NUMBER',
} as const;

export interface JsonTextOptions {
  /** Default MAX_JSON_DEPTH. */
  maxDepth?: number;
  /** Whether numbers must survive a round trip through a double (default true). */
  exactNumbers?: boolean;
}

/** What checkJsonText found wrong, with the JSON path of the culprit (`$.result.extensions["…"]`). */
export interface JsonTextProblem {
  code: (typeof JsonLimitCode)[keyof typeof JsonLimitCode];
  path: string;
  message: string;
}

/** Throws BadRequestError(code, `${what}: ${path}: …`) for the first problem checkJsonText finds. */
export function assertJsonTextWithinLimits(text: string, what: string, options: JsonTextOptions = {}): void {
  const problem = checkJsonText(text, options);
  if (problem !== undefined) throw new BadRequestError(problem.code, `${what}: ${problem.path}: ${problem.message}`);
}

/**
 * One linear, iterative pass over JSON text that JSON.parse accepted (V8 parses any depth
 * without recursion), finding the first place where
 *
 * - arrays and objects nest deeper than `maxDepth`: every later walk over the value may recurse
 *   (ajv, JSON.stringify, the database driver), so nothing deeper is let in;
 * - a number does not survive a round trip through a double: JSON.parse turns `1e400` into
 *   Infinity (stored and anchored as null), `12345678901234567890` into 12345678901234567000 and
 *   `0.123456789012345678901` into 0.12345678901234568. RFC 8259 §6 warns that such numbers are
 *   not interoperable; rather than change what the client sent, they are refused. A number
 *   passes when the shortest text of the double it parses to has the same decimal value
 *   (`1.0`, `1e2`, `0.1`, `-0`, `5e-324` and `9007199254740993`'s neighbour `9007199254740992` do).
 *
 * Both are limits on the JSON text of a request as a whole, like its size (Communication
 * 3.2.s3.b12 lets an LRS choose its limits); they also apply inside extension values, which Data
 * 4.1.s3.b2 otherwise leaves to the client: a value the LRS cannot store and give back as sent is
 * refused rather than stored changed.
 *
 * Numbers are judged reliably only in valid JSON (call after JSON.parse); the depth alone
 * (`exactNumbers: false`) may be checked first, on text not yet parsed. The result is undefined
 * when all is well.
 */
export function checkJsonText(text: string, options: JsonTextOptions = {}): JsonTextProblem | undefined {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const exactNumbers = options.exactNumbers ?? true;
  // One frame per open array or object: whether it is an array, the index of the current item,
  // and where the current member's name is in the text (objects). At most maxDepth frames.
  const isArray: boolean[] = [];
  const index: number[] = [];
  const keyStart: number[] = [];
  const keyEnd: number[] = [];
  let depth = 0;
  let expectKey = false;
  const path = () => jsonPath(text, depth, isArray, index, keyStart, keyEnd);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (expectKey) {
        keyStart[depth - 1] = i;
        keyEnd[depth - 1] = end + 1;
        expectKey = false;
      }
      i = end;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (depth >= maxDepth) {
        return {
          code: JsonLimitCode.TooDeep,
          path: path(),
          message: `arrays and objects are nested more than ${maxDepth} levels deep here; this LRS accepts at most ${maxDepth} levels`,
        };
      }
      isArray[depth] = c === OPEN_BRACKET;
      index[depth] = 0;
      keyStart[depth] = -1;
      depth++;
      expectKey = c === OPEN_BRACE;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--;
      expectKey = false;
    } else if (c === COMMA) {
      if (isArray[depth - 1]) index[depth - 1]++;
      else expectKey = true;
    } else if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
      let end = i + 1;
      while (end < text.length && isNumberChar(text.charCodeAt(end))) end++;
      if (exactNumbers && !isPlainSafeInteger(text, i, end)) {
        const token = text.slice(i, end);
        const problem = numberProblem(token);
        if (problem !== undefined) return { code: JsonLimitCode.UnrepresentableNumber, path: path(), message: problem };
      }
      i = end - 1;
    }
  }
  return undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/** The index of the quote closing the JSON string opened at `start` (a quote) in valid JSON text. */
export function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  for (;;) {
    if (end < 0) return text.length; // not JSON: checkJsonText runs after JSON.parse accepted the text
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
}

function isNumberChar(c: number): boolean {
  return (c >= DIGIT_0 && c <= DIGIT_9) || c === DOT || c === MINUS || c === PLUS || c === 0x65 || c === 0x45;
}

/** An optional minus and at most 15 digits: always exactly a double, so not worth a closer look. */
function isPlainSafeInteger(text: string, start: number, end: number): boolean {
  const digitsStart = text.charCodeAt(start) === MINUS ? start + 1 : start;
  if (end - digitsStart > 15) return false;
  for (let i = digitsStart; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < DIGIT_0 || c > DIGIT_9) return false;
  }
  return true;
}

const MAX_QUOTED_NUMBER = 40;

/** Why the JSON number `token` does not survive a round trip through a double, or undefined. */
export function numberProblem(token: string): string | undefined {
  const value = Number(token);
  if (Number.isFinite(value) && decimalValue(String(value)) === decimalValue(token)) return undefined;
  const quoted = token.length > MAX_QUOTED_NUMBER ? `${token.slice(0, MAX_QUOTED_NUMBER)}… (${token.length} characters)` : token;
  const becomes = Number.isFinite(value) ? String(value) : `${value} (JSON has no such number; it would be stored as null)`;
  return (
    `the number ${quoted} would not survive a round trip through an IEEE 754 double, the form JSON ` +
    `numbers are read into (RFC 8259 §6): it would be read back as ${becomes}. This LRS refuses such ` +
    'numbers rather than change them; send a number a double holds exactly (any of at most 15 ' +
    'significant digits between 2.3e-308 and 1.7e308 in magnitude, any integer up to 2^53), or a string'
  );
}

/**
 * The decimal value of a number in JSON or JavaScript notation as `[-]digits e exponent`, with
 * no leading or trailing zeros in `digits`: equal values give equal text (`1.0`, `1e0` and `1`
 * all give `1e0`; every zero gives `0`).
 */
function decimalValue(text: string): string {
  const negative = text.charCodeAt(0) === MINUS;
  const e = text.search(/[eE]/);
  const mantissa = text.slice(negative ? 1 : 0, e < 0 ? text.length : e);
  let exponent = e < 0 ? 0 : Number(text.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  if (dot >= 0) exponent -= mantissa.length - dot - 1;
  let start = 0;
  while (start < digits.length && digits.charCodeAt(start) === DIGIT_0) start++;
  let end = digits.length;
  while (end > start && digits.charCodeAt(end - 1) === DIGIT_0) end--;
  if (start === end) return '0';
  exponent += digits.length - end;
  return `${negative ? '-' : ''}${digits.slice(start, end)}e${exponent}`;
}

const MAX_PATH_KEY = 60;
const PATH_HEAD = 8;
const PATH_TAIL = 3;

/** `$[0].result.extensions["http://…"]` for the current position of checkJsonText. */
function jsonPath(
  text: string,
  depth: number,
  isArray: boolean[],
  index: number[],
  keyStart: number[],
  keyEnd: number[],
): string {
  const step = (level: number): string => {
    if (isArray[level]) return `[${index[level]}]`;
    if (keyStart[level] < 0) return '';
    const key = JSON.parse(text.slice(keyStart[level], keyEnd[level])) as string;
    if (/^[A-Za-z_$][\w$]*$/.test(key) && key.length <= MAX_PATH_KEY) return `.${key}`;
    return `[${JSON.stringify(key.length > MAX_PATH_KEY ? `${key.slice(0, MAX_PATH_KEY)}…` : key)}]`;
  };
  const levels = Array.from({ length: depth }, (_, level) => level);
  const shown =
    depth <= PATH_HEAD + PATH_TAIL
      ? levels.map(step)
      : [...levels.slice(0, PATH_HEAD).map(step), `…(${depth - PATH_HEAD - PATH_TAIL} more levels)…`, ...levels.slice(-PATH_TAIL).map(step)];
  return `$${shown.join('')}`;
}

// ---------------------------------------------------------------------------------------------
// The query string
// ---------------------------------------------------------------------------------------------

/** 400 INVALID_PARAMETER when a name or value of the query string is not percent-encoded UTF-8. */
export function assertWellEncodedQuery(url: string): void {
  const questionMark = url.indexOf('?');
  if (questionMark < 0 || !url.includes('%', questionMark)) return;
  for (const pair of url.slice(questionMark + 1).split('&')) {
    if (!pair.includes('%')) continue;
    const equals = pair.indexOf('=');
    const name = equals < 0 ? pair : pair.slice(0, equals);
    for (const part of equals < 0 ? [pair] : [name, pair.slice(equals + 1)]) {
      try {
        decodeURIComponent(part.replace(/\+/g, ' '));
      } catch {
        const shown = part.length > 80 ? `${part.slice(0, 80)}…` : part;
        const which = part === name ? 'a query parameter name' : `the query parameter "${safeName(name)}"`;
        throw new BadRequestError(
          BadRequestCode.InvalidParameter,
          `${which} is not valid percent-encoded UTF-8 ("${shown}"); encode the value's UTF-8 bytes, e.g. with encodeURIComponent`,
        );
      }
    }
  }
}

function safeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' ')).slice(0, 80);
  } catch {
    return name.slice(0, 80);
  }
}
