/**
 * multipart/mixed bodies (RFC 2046 §5.1) as used by the Statement Resource for attachments
 * (xAPI Communication §1.5.2). Works on Buffers throughout: part bodies are zero-copy views
 * into the request body, and binary content is never converted to a string.
 *
 * Parsing choices:
 * - A boundary delimiter is `<EOL>--boundary` (or `--boundary` at the very start of the body).
 *   As RFC 2046 instructs, any line starting with the full delimiter is a delimiter; it must be
 *   followed by optional transport padding (spaces/tabs) and an end of line, or by `--` for the
 *   closing delimiter. Anything else is rejected rather than guessed at.
 * - The end-of-line style is taken from the first boundary line: CRLF (the RFC) or, leniently,
 *   bare LF for the whole body. A CRLF body is never split on a bare LF, so binary content
 *   containing `\n--boundary` cannot be misread.
 * - Preamble and epilogue are ignored; header names are case-insensitive and folded lines are
 *   unfolded; a repeated header name in one part is rejected as ambiguous.
 */
import { randomBytes } from 'node:crypto';
import { BadRequestError, BadRequestCode } from '../../../errors';

export interface MultipartPart {
  /** Part headers, names lower-cased, values trimmed. */
  headers: Record<string, string>;
  /** The part's Content-Type, or the RFC 2045 default when the part has none. */
  contentType: string;
  body: Buffer;
}

export interface PartToBuild {
  headers: Record<string, string>;
  body: Buffer;
}

export interface BuiltMultipart {
  contentType: string;
  body: Buffer;
}

/** RFC 2045 §5.2: a part without a Content-Type header is plain US-ASCII text. */
const DEFAULT_PART_CONTENT_TYPE = 'text/plain; charset=us-ascii';
const CRLF = Buffer.from('\r\n');
const LF = Buffer.from('\n');
const DASH_DASH = Buffer.from('--');
const SPACE = 0x20;
const TAB = 0x09;

function invalidMultipart(message: string): BadRequestError {
  return new BadRequestError(BadRequestCode.InvalidMultipart, message);
}

/** Parses a `multipart/mixed` request body into its parts (at least one). */
export function parseMultipartMixed(body: Buffer, contentType: string): MultipartPart[] {
  const dashBoundary = Buffer.from(`--${boundaryOf(contentType)}`, 'latin1');
  const first = findFirstBoundaryLine(body, dashBoundary);
  const eol = first.eol;
  const delimiter = Buffer.concat([eol, dashBoundary]);
  const parts: MultipartPart[] = [];
  let partStart = first.end;
  for (;;) {
    const delimiterAt = body.indexOf(delimiter, partStart);
    if (delimiterAt === -1) {
      throw invalidMultipart('multipart body has no closing boundary delimiter ("--" + boundary + "--")');
    }
    parts.push(parsePart(body, partStart, delimiterAt, eol));
    const line = readBoundaryLineEnd(body, delimiterAt + delimiter.length, eol);
    if (line.closing) return parts;
    partStart = line.end;
  }
}

/** Extracts the boundary parameter, after checking the media type is multipart/mixed. */
function boundaryOf(contentType: string): string {
  const [mediaType, ...params] = splitHeaderParams(contentType);
  if (mediaType.toLowerCase() !== 'multipart/mixed') {
    const message = `expected Content-Type multipart/mixed, got "${mediaType}"`;
    throw new BadRequestError(BadRequestCode.InvalidContentType, message);
  }
  const boundaryParam = params.find((param) => param.name === 'boundary');
  if (boundaryParam === undefined) {
    throw invalidMultipart('multipart/mixed Content-Type has no boundary parameter');
  }
  if (boundaryParam.value === '') throw invalidMultipart('multipart/mixed boundary parameter is empty');
  return boundaryParam.value;
}

interface HeaderParam {
  name: string;
  value: string;
}

/** Splits `type/subtype; a=b; c="d;e"` into the media type and its parameters (names lower-cased). */
function splitHeaderParams(value: string): [string, ...HeaderParam[]] {
  const semicolon = value.indexOf(';');
  const mediaType = (semicolon === -1 ? value : value.slice(0, semicolon)).trim();
  const params: HeaderParam[] = [];
  const paramPattern = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  for (const match of (semicolon === -1 ? '' : value.slice(semicolon)).matchAll(paramPattern)) {
    const quoted = match[2];
    params.push({
      name: match[1].toLowerCase(),
      value: quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : match[3].trim(),
    });
  }
  return [mediaType, ...params];
}

/** Returns the media type of a Content-Type value, lower-cased and without parameters. */
export function mediaTypeOf(contentType: string): string {
  return splitHeaderParams(contentType)[0].toLowerCase();
}

interface FirstBoundaryLine {
  /** Offset just after the first boundary line's end of line. */
  end: number;
  eol: Buffer;
}

/** Finds the first line that starts with `--boundary`, skipping any preamble. */
function findFirstBoundaryLine(body: Buffer, dashBoundary: Buffer): FirstBoundaryLine {
  let at = body.indexOf(dashBoundary);
  while (at > 0 && body[at - 1] !== LF[0]) at = body.indexOf(dashBoundary, at + 1);
  if (at === -1) throw invalidMultipart('multipart body does not contain the boundary given in Content-Type');
  const afterPadding = skipTransportPadding(body, at + dashBoundary.length);
  if (startsWithAt(body, afterPadding, DASH_DASH)) throw invalidMultipart('multipart body has no parts');
  if (startsWithAt(body, afterPadding, CRLF)) return { end: afterPadding + CRLF.length, eol: CRLF };
  if (startsWithAt(body, afterPadding, LF)) return { end: afterPadding + LF.length, eol: LF };
  throw invalidMultipart('first boundary line is followed by something other than a line break');
}

interface BoundaryLineEnd {
  closing: boolean;
  /** Offset where the next part starts (meaningless when closing). */
  end: number;
}

/** Reads what follows `<EOL>--boundary`: `--` (closing) or transport padding and an end of line. */
function readBoundaryLineEnd(body: Buffer, offset: number, eol: Buffer): BoundaryLineEnd {
  if (startsWithAt(body, offset, DASH_DASH)) return { closing: true, end: body.length };
  const afterPadding = skipTransportPadding(body, offset);
  if (startsWithAt(body, afterPadding, eol)) return { closing: false, end: afterPadding + eol.length };
  throw invalidMultipart(
    'a line starting with the boundary delimiter is followed by other characters ' +
      '(the boundary must not occur in part content)',
  );
}

function skipTransportPadding(body: Buffer, offset: number): number {
  let at = offset;
  while (at < body.length && (body[at] === SPACE || body[at] === TAB)) at += 1;
  return at;
}

function startsWithAt(body: Buffer, offset: number, prefix: Buffer): boolean {
  const end = offset + prefix.length;
  return end <= body.length && body.compare(prefix, 0, prefix.length, offset, end) === 0;
}

/** Parses the part between `start` and the delimiter at `end` (the EOL before `--boundary` belongs to it). */
function parsePart(body: Buffer, start: number, end: number, eol: Buffer): MultipartPart {
  const { headerEnd, bodyStart } = locateHeaderEnd(body, start, end, eol);
  const headers = parseHeaderBlock(body.toString('latin1', start, headerEnd), eol.toString('latin1'));
  return {
    headers,
    contentType: headers['content-type'] ?? DEFAULT_PART_CONTENT_TYPE,
    body: body.subarray(Math.min(bodyStart, end), end),
  };
}

interface HeaderEnd {
  headerEnd: number;
  bodyStart: number;
}

/** Finds the blank line ending the part's headers; a part may have no headers but needs the blank line. */
function locateHeaderEnd(body: Buffer, start: number, end: number, eol: Buffer): HeaderEnd {
  if (startsWithAt(body, start, eol)) return { headerEnd: start, bodyStart: start + eol.length };
  // The delimiter's leading EOL may terminate the blank line of a part with an empty body.
  const blankLine = Buffer.concat([eol, eol]);
  const found = body.subarray(start, end + eol.length).indexOf(blankLine);
  if (found === -1) {
    throw invalidMultipart('a multipart part has no blank line separating its headers from its body');
  }
  return { headerEnd: start + found, bodyStart: start + found + blankLine.length };
}

function parseHeaderBlock(block: string, eol: string): Record<string, string> {
  const headers = new Map<string, string>();
  const lines = block === '' ? [] : unfoldHeaderLines(block.split(eol));
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = colon === -1 ? '' : line.slice(0, colon).trim().toLowerCase();
    if (name === '' || /\s/.test(name)) {
      throw invalidMultipart(`malformed multipart part header line: "${line}"`);
    }
    if (headers.has(name)) throw invalidMultipart(`multipart part has more than one "${name}" header`);
    headers.set(name, line.slice(colon + 1).trim());
  }
  return Object.fromEntries(headers);
}

/** RFC 5322 §2.2.3: a line starting with whitespace continues the previous header. */
function unfoldHeaderLines(lines: string[]): string[] {
  const unfolded: string[] = [];
  for (const line of lines) {
    const isContinuation = /^[ \t]/.test(line) && unfolded.length > 0;
    if (isContinuation) unfolded[unfolded.length - 1] += ` ${line.trim()}`;
    else unfolded.push(line);
  }
  return unfolded;
}

/**
 * Serialises parts as `multipart/mixed` with CRLF line breaks and a random hexadecimal
 * boundary that occurs in no part. The Content-Type is exactly `multipart/mixed; boundary=<b>`.
 */
export function buildMultipartMixed(parts: PartToBuild[]): BuiltMultipart {
  if (parts.length === 0) throw new Error('a multipart/mixed body needs at least one part');
  const headerBlocks = parts.map((part) => Buffer.from(serializeHeaders(part.headers), 'latin1'));
  const boundary = boundaryAbsentFrom([...headerBlocks, ...parts.map((part) => part.body)]);
  const chunks: Buffer[] = [];
  parts.forEach((part, index) => {
    const boundaryLine = Buffer.from(`${index === 0 ? '' : '\r\n'}--${boundary}\r\n`, 'latin1');
    chunks.push(boundaryLine, headerBlocks[index], CRLF, part.body);
  });
  chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1'));
  return { contentType: `multipart/mixed; boundary=${boundary}`, body: Buffer.concat(chunks) };
}

function serializeHeaders(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([name, value]) => {
      if (/[\r\n]/.test(name + value)) throw new Error(`multipart header "${name}" contains a line break`);
      return `${name}: ${value}\r\n`;
    })
    .join('');
}

function boundaryAbsentFrom(contents: Buffer[]): string {
  for (;;) {
    const boundary = randomBytes(16).toString('hex');
    if (contents.every((content) => content.indexOf(boundary, 0, 'latin1') === -1)) return boundary;
  }
}
