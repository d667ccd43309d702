import type { Request } from 'express';
import { BadRequestCode, BadRequestError, PayloadTooLargeError } from '../../errors';
import { assertJsonTextWithinLimits, bodyBytes, stringEnd } from '../../http/body';
import { DocumentErrorCode } from './errors';

/** A document as a client sends it: any bytes with any Content-Type (Communication 2.2.s2 "contents"). */
export interface DocumentBody {
  contentType: string;
  content: Buffer;
}

/** What a document without a Content-Type is taken to be. */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** `type/subtype` and optional parameters, in visible ASCII: what may be stored and sent back as a header. */
const CONTENT_TYPE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:\s*;[\x20-\x7e\t]*)?$/;
const MAX_CONTENT_TYPE_LENGTH = 256;

/** The request's document, kept byte for byte; 413 past the limit, 400 for a malformed Content-Type. */
export function readDocumentBody(req: Request, limitBytes: number): DocumentBody {
  const content = bodyBytes(req);
  if (content.length > limitBytes) {
    throw new PayloadTooLargeError(`Documents are limited to ${limitBytes} bytes; this one has ${content.length}`);
  }
  const contentType = req.get('content-type')?.trim() || DEFAULT_CONTENT_TYPE;
  if (contentType.length > MAX_CONTENT_TYPE_LENGTH || !CONTENT_TYPE.test(contentType)) {
    throw new BadRequestError(BadRequestCode.InvalidContentType, `"${contentType.slice(0, 80)}" is not a valid Content-Type`);
  }
  return { contentType, content };
}

/** Whether a document has the media type application/json, whatever its parameters. */
export function isJsonDocument(document: { contentType: string }): boolean {
  return document.contentType.split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/**
 * The JSON value of a document, or 400 naming `which` document: INVALID_JSON when it is not UTF-8
 * JSON, JSON_TOO_DEEP when arrays and objects nest deeper than MAX_JSON_DEPTH (so that no walk
 * over a document the LRS parses can exhaust the stack). Numbers are not checked: the LRS never
 * writes a document's numbers back from their parsed value (see mergeJsonObjects), so `1e400`
 * is kept as sent.
 */
export function parseJsonContent(content: Buffer, which: string): unknown {
  return parseJsonText(content, which).value;
}

/** The JSON Object of a document, or 400 naming `which` document is not one (Communication 2.2.s8.b1). */
export function parseJsonObject(content: Buffer, which: string): Record<string, unknown> {
  const { value, text } = parseJsonText(content, which);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequestError(
      DocumentErrorCode.NotMergeable,
      `The ${which} must be a JSON Object to be merged (Communication 2.2.s8.b1)`,
    );
  }
  memberTexts.set(value, topLevelMembers(text));
  return value as Record<string, unknown>;
}

/**
 * The JSON merge of Communication 2.2.s7: each top-level property of the posted Object replaces
 * the property of that name in the existing Object, whole, even when both values are Objects.
 *
 * Objects from parseJsonObject are merged as text: each member's value is copied byte for byte
 * from the document it comes from, so nothing is re-serialised (a number such as `1e400` or
 * `12345678901234567890` is not changed, and no value is walked recursively). Members keep the
 * order of the existing document, new ones follow in the posted order; of repeated names the
 * last one counts, as in JSON.parse. Other objects are serialised with JSON.stringify.
 */
export function mergeJsonObjects(existing: Record<string, unknown>, posted: Record<string, unknown>): Buffer {
  const merged = new Map(membersOf(existing));
  for (const [name, valueText] of membersOf(posted)) merged.set(name, valueText);
  const members = [...merged].map(([name, valueText]) => `${JSON.stringify(name)}:${valueText}`);
  return Buffer.from(`{${members.join(',')}}`, 'utf8');
}

/** The text of each top-level member's value of the Objects parseJsonObject returned. */
const memberTexts = new WeakMap<object, Map<string, string>>();

function membersOf(object: Record<string, unknown>): Map<string, string> {
  const parsed = memberTexts.get(object);
  if (parsed !== undefined) return parsed;
  const members = new Map<string, string>();
  for (const [name, value] of Object.entries(object)) {
    const text = JSON.stringify(value) as string | undefined;
    if (text !== undefined) members.set(name, text);
  }
  return members;
}

/** UTF-8 (a BOM is dropped, as before), JSON, at most MAX_JSON_DEPTH levels deep. */
function parseJsonText(content: Buffer, which: string): { value: unknown; text: string } {
  let text: string;
  let value: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(content);
    value = JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(BadRequestCode.InvalidJson, `The ${which} is not valid UTF-8 JSON: ${(error as Error).message}`);
  }
  assertJsonTextWithinLimits(text, `The ${which}`, { exactNumbers: false });
  return { value, text };
}

/**
 * The members of the JSON Object `text` (valid JSON) as name → the text of its value, found by
 * one linear pass that only tracks the nesting depth.
 */
function topLevelMembers(text: string): Map<string, string> {
  const members = new Map<string, string>();
  let depth = 0;
  let name: string | undefined;
  let valueStart = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      if (depth === 1 && name === undefined) name = JSON.parse(text.slice(i, end + 1)) as string;
      i = end;
    } else if (c === '{' || c === '[') {
      depth++;
    } else if (c === '}' || c === ']') {
      if (depth === 1 && name !== undefined) members.set(name, text.slice(valueStart, i).trim());
      depth--;
    } else if (depth === 1 && c === ':') {
      valueStart = i + 1;
    } else if (depth === 1 && c === ',') {
      members.set(name!, text.slice(valueStart, i).trim());
      name = undefined;
    }
  }
  return members;
}
